// The cockpit's per-activity view of one definition (the definition page's diagram): instances at
// each activity now, runs ended, open incidents, and run durations p50/p95 over a time window.
import { AppError } from '../errors/app-error';
import type { ActivityStatsAnswer } from '../store/activity-stats-store';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';

export type { ActivityStats, ActivityStatsAnswer, DurationSummary } from '../store/activity-stats-store';

/** Without `since`, the window is the last 30 days of the service clock. */
export const ACTIVITY_STATS_DEFAULT_WINDOW_MS = 30 * 86_400_000;

export interface ActivityStatsQuery {
  definitionKey: string;
  version?: number;
  since?: string;
}

export class ActivityStatsUseCase {
  constructor(private readonly ctx: AppContext) {}

  async forDefinition(actor: Actor, q: ActivityStatsQuery): Promise<ActivityStatsAnswer & { definitionKey: string; version: number | null; since: string }> {
    requireCapability(actor, 'stats');
    const definitions = this.ctx.store.definitions;
    const definition = q.version === undefined ? await definitions.getLatest(q.definitionKey) : await definitions.getVersion(q.definitionKey, q.version);
    if (!definition) {
      throw new AppError(
        'DEFINITION_NOT_FOUND',
        q.version === undefined
          ? `process definition <${q.definitionKey}> does not exist`
          : `process definition <${q.definitionKey}> has no version <${q.version}>`,
      );
    }
    const now = this.ctx.clock.now();
    const since = q.since ? new Date(q.since) : new Date(now.getTime() - ACTIVITY_STATS_DEFAULT_WINDOW_MS);
    const answer = await this.ctx.store.activityStats.forDefinition({
      definitionKey: q.definitionKey,
      ...(q.version === undefined ? {} : { version: q.version }),
      since: since.toISOString(),
    });
    return { definitionKey: q.definitionKey, version: q.version ?? null, since: since.toISOString(), ...answer };
  }
}
