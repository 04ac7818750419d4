// History retention: instances that ended longer ago than their process's
// camunda:historyTimeToLive (or the configured default) are deleted with their history, tasks and
// incidents, in small batches, by every node's job executor (deleting is idempotent). A business
// area may keep the instances of its processes (orders keep theirs: an order's status and
// history are read from its instance).
import { parseDuration } from '../engine/iso-duration';
import type { DefinitionRecord } from '../store/types';
import type { AppContext } from './context';

const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** Days to keep ended instances of a process that sets no historyTimeToLive; undefined keeps them. */
  defaultDays?: number;
  /** Definition keys whose instances are kept whatever their time-to-live (a business area needs them). */
  keep: Set<string>;
  /** Instances deleted per statement, and at most per sweep (the rest waits for the next). */
  batch: number;
  maxPerSweep: number;
}

/** A time-to-live as Camunda writes it: a number of days, or an ISO 8601 duration (P7D). */
export function timeToLiveMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * DAY_MS;
  return parseDuration(value);
}

export class Retention {
  constructor(
    private readonly ctx: AppContext,
    private readonly settings: RetentionSettings,
  ) {}

  /** One round: how many ended instances it deleted. */
  async sweep(): Promise<number> {
    const now = this.ctx.clock.now().getTime();
    let deleted = 0;
    for (const definition of await this.ctx.store.definitions.list(true)) {
      const ttl = this.ttlOf(definition);
      if (ttl === undefined) continue;
      const before = new Date(now - ttl).toISOString();
      for (;;) {
        const n = await this.ctx.store.instances.purgeEnded(definition.id, before, this.settings.batch);
        deleted += n;
        if (n < this.settings.batch || deleted >= this.settings.maxPerSweep) break;
      }
      if (deleted >= this.settings.maxPerSweep) break;
    }
    if (deleted) this.ctx.logger.info(`history retention deleted ${deleted} ended instances`);
    return deleted;
  }

  private ttlOf(definition: DefinitionRecord): number | undefined {
    if (this.settings.keep.has(definition.key)) return undefined;
    const declared = timeToLiveMs(definition.info.historyTimeToLive);
    if (declared !== undefined) return declared;
    return this.settings.defaultDays === undefined ? undefined : this.settings.defaultDays * DAY_MS;
  }
}
