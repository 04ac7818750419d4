// Deploys BPMN documents: same content → the existing deployment; changed content → the next
// version of each process key. Running instances stay on the version they started with.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import type { Store } from '../store/store';
import type { DefinitionRecord, DeploymentRecord } from '../store/types';
import type { NewDefinition } from '../store/definition-store';
import { decodeXml } from './bpmn-parser';
import type { Clock } from './clock';
import { compileDocument, type CompiledDocument } from './definition-compiler';
import type { DefinitionRegistry } from './definition-registry';
import type { DeployWarning } from './model-lint';

export interface DeployResult {
  created: boolean;
  deployment: DeploymentRecord;
  definitions: DefinitionRecord[];
  /**
   * What the compiler found odd but not fatal (an unknown Camunda attribute, a diagram pointing to
   * nothing, a generated flow id…) and what the model sets that procflow does not execute (the
   * lint of model-lint.ts, by support-table.ts). Only a new deployment is compiled: a repeat gets none.
   */
  warnings: DeployWarning[];
}

/**
 * Which processes of a document become definitions: executable ones with a none start event;
 * failing that, executable ones started by a message or a signal; failing that, every process
 * (not startable).
 */
export function selectDefinitions(doc: CompiledDocument): NewDefinition[] {
  const exec = doc.meta.processes.filter((p) => p.executable);
  const startable = exec.filter((p) => p.info.noneStart);
  if (startable.length) return startable.map((p) => ({ key: p.id, name: p.name, executable: true, startable: true, info: p.info }));
  const byMessage = exec.filter((p) => p.info.messageStarts.length || p.info.signalStarts?.length);
  if (byMessage.length) return byMessage.map((p) => ({ key: p.id, name: p.name, executable: true, startable: false, info: p.info }));
  return doc.meta.processes.map((p) => ({ key: p.id, name: p.name, executable: p.executable, startable: false, info: p.info }));
}

export class Deployer {
  private readonly listeners: Array<(definitions: DefinitionRecord[]) => Promise<void>> = [];

  constructor(
    private readonly store: Store,
    private readonly registry: DefinitionRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Called after each new deployment (e.g. to make schedules of timer start events). */
  onDeployed(listener: (definitions: DefinitionRecord[]) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async deploy(raw: Buffer | string, name: string): Promise<DeployResult> {
    const xml = decodeXml(raw);
    const hash = crypto.createHash('sha256').update(xml).digest('hex');
    const existing = await this.existing(hash);
    if (existing) return existing;

    const doc = await compileDocument(xml);
    const deployment: DeploymentRecord = { id: crypto.randomUUID(), name, contentHash: hash, deployedAt: this.clock.now().toISOString() };
    let definitions: DefinitionRecord[];
    try {
      definitions = await this.store.definitions.insertDeployment(deployment, xml, selectDefinitions(doc));
    } catch (err) {
      // Another node deployed the same content at the same moment: answer with its deployment.
      const raced = await this.existing(hash);
      if (raced) return raced;
      throw err;
    }
    for (const d of definitions) this.registry.remember(d, doc);
    for (const listener of this.listeners) await listener(definitions);
    this.logger.info('deployed', {
      deployment: deployment.id,
      name,
      definitions: definitions.map((d) => `${d.key}@${d.version}`),
      warnings: doc.warnings.length,
    });
    return { created: true, deployment, definitions, warnings: doc.warnings };
  }

  private async existing(hash: string): Promise<DeployResult | undefined> {
    const deployment = await this.store.definitions.findDeploymentByHash(hash);
    if (!deployment) return undefined;
    return { created: false, deployment, definitions: await this.store.definitions.definitionsOfDeployment(deployment.id), warnings: [] };
  }
}
