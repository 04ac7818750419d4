// The cockpit's aggregates (admin): per definition, over time, per user task and group, and
// where running instances wait now.
import { AppError } from '../errors/app-error';
import type { DefinitionStats, GroupStats, TaskStats, TimelineBucket, WaitingStats } from '../store/stats-store';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';

export type { DefinitionStats, GroupStats, TaskStats, TimelineBucket, WaitingStats };

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const DEFAULT_SPAN = { hour: 48, day: 30 } as const;
const MAX_BUCKETS = 2000;

export interface TimelineQuery {
  bucket: 'hour' | 'day';
  since?: string;
  until?: string;
  definitionKey?: string;
}

export class Stats {
  constructor(private readonly ctx: AppContext) {}

  definitions(actor: Actor): Promise<DefinitionStats[]> {
    requireCapability(actor, 'stats');
    return this.ctx.store.stats.definitions();
  }

  /** Buckets between since and until (by default the last 48 hours or 30 days up to the current bucket). */
  async timeline(actor: Actor, q: TimelineQuery): Promise<{ since: string; until: string; items: TimelineBucket[] }> {
    requireCapability(actor, 'stats');
    const step = BUCKET_MS[q.bucket];
    const until = q.until ? new Date(q.until) : new Date(Math.floor(this.ctx.clock.now().getTime() / step) * step + step);
    const since = q.since ? new Date(q.since) : new Date(until.getTime() - DEFAULT_SPAN[q.bucket] * step);
    if (!(since < until)) throw new AppError('VALIDATION_FAILED', `since <${since.toISOString()}> must be before until <${until.toISOString()}>`);
    if ((until.getTime() - since.getTime()) / step > MAX_BUCKETS) {
      throw new AppError('VALIDATION_FAILED', `the range holds more than ${MAX_BUCKETS} ${q.bucket} buckets; narrow since/until or use bucket=day`);
    }
    const items = await this.ctx.store.stats.timeline({
      bucket: q.bucket,
      since: since.toISOString(),
      until: until.toISOString(),
      ...(q.definitionKey ? { definitionKey: q.definitionKey } : {}),
    });
    return { since: since.toISOString(), until: until.toISOString(), items };
  }

  async tasks(actor: Actor, filter: { definitionKey?: string }): Promise<{ items: TaskStats[]; groups: GroupStats[] }> {
    requireCapability(actor, 'stats');
    const [items, groups] = await Promise.all([this.ctx.store.stats.tasks(filter), this.ctx.store.stats.groups(filter)]);
    return { items, groups };
  }

  waiting(actor: Actor, filter: { definitionKey?: string }): Promise<WaitingStats[]> {
    requireCapability(actor, 'stats');
    return this.ctx.store.stats.waiting(filter);
  }
}
