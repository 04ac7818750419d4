// Compiled definitions by id: each version's XML is parsed and serialized once per node and
// shared by every instance of that version.
import { AppError } from '../errors/app-error';
import type { Store } from '../store/store';
import type { DefinitionRecord } from '../store/types';
import type { ActivityMeta } from './definition-analyzer';
import type { ElementListeners } from './elements';
import { compileDocument } from './definition-compiler';
import { LruCache } from './lru-cache';

export interface RuntimeDefinition {
  record: DefinitionRecord;
  sourceContext: unknown;
  activities: Map<string, ActivityMeta>;
  /** Execution and task listeners by element id (elements/listeners.ts). */
  listeners?: Map<string, ElementListeners>;
}

export class DefinitionRegistry {
  private readonly cache = new LruCache<string, Promise<RuntimeDefinition>>(200);

  constructor(private readonly store: Store) {}

  /** Seeds the cache right after a deploy, so the first start does not parse again. */
  remember(
    record: DefinitionRecord,
    compiled: { sourceContext: unknown; meta: { activities: Map<string, ActivityMeta>; listeners?: Map<string, ElementListeners> } },
  ): void {
    const { activities, listeners } = compiled.meta;
    this.cache.set(record.id, Promise.resolve({ record, sourceContext: compiled.sourceContext, activities, ...(listeners ? { listeners } : {}) }));
  }

  get(definitionId: string): Promise<RuntimeDefinition> {
    let entry = this.cache.get(definitionId);
    if (!entry) {
      entry = this.load(definitionId);
      this.cache.set(definitionId, entry);
      entry.catch(() => this.cache.delete(definitionId));
    }
    return entry;
  }

  private async load(definitionId: string): Promise<RuntimeDefinition> {
    const record = await this.store.definitions.getById(definitionId);
    const xml = record && (await this.store.definitions.getXml(definitionId));
    if (!record || xml === undefined) throw new AppError('DEFINITION_NOT_FOUND', `process definition <${definitionId}> does not exist`);
    const compiled = await compileDocument(xml);
    return { record, sourceContext: compiled.sourceContext, activities: compiled.meta.activities, listeners: compiled.meta.listeners };
  }
}
