// Per activity of one definition: how many instances are there now, how many runs ended, open
// incidents, and run durations. Bounded reads: "now" from one row per current wait
// (stats_waits) and per open incident; ends and durations from history rows since a time, the
// durations over at most ACTIVITY_HISTORY_SAMPLE of the most recent start/end rows (percentiles are
// taken in JS: SQLite has no percentile function).
import type { Knex } from 'knex';
import { toIso } from './row-codec';

type Row = Record<string, unknown>;

export interface DurationSummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** Nearest-rank percentile of sorted values (the rule the cockpit and the Grafana boards use). */
function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(Math.max(1, Math.ceil((p / 100) * sorted.length)), sorted.length) - 1] ?? null;
}

function summarize(durations: number[]): DurationSummary {
  const sorted = durations.filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.at(-1) ?? null };
}

/** How many of the most recent start/end history rows the duration percentiles look at. */
export const ACTIVITY_HISTORY_SAMPLE = 20_000;

export interface ActivityStats {
  activityId: string;
  activityName: string | null;
  type: string | null;
  /** Instances at this activity now (waiting there). */
  running: number;
  /** Runs of this activity that ended since the window's start. */
  completed: number;
  /** Open incidents at this activity. */
  incidents: number;
  /** Start-to-end durations of the runs in the sample. */
  duration: DurationSummary;
}

export interface ActivityStatsFilter {
  definitionKey: string;
  version?: number;
  since: string;
}

export interface ActivityStatsAnswer {
  items: ActivityStats[];
  /** Start/end history rows read for the durations, and whether the sample stopped at its bound. */
  sampled: number;
  truncated: boolean;
}

export class ActivityStatsStore {
  constructor(private readonly knex: Knex) {}

  /** Restricts a query on `table` (with process_instance_id) to the instances of the version asked for. */
  private ofVersion(q: Knex.QueryBuilder, table: string, f: ActivityStatsFilter): Knex.QueryBuilder {
    if (f.version === undefined) return q;
    return q.whereIn(
      `${table}.process_instance_id`,
      this.knex('process_instances').select('id').where({ definition_key: f.definitionKey, definition_version: f.version }),
    );
  }

  async forDefinition(f: ActivityStatsFilter): Promise<ActivityStatsAnswer> {
    const k = this.knex;
    const [waits, incidents, ends, sample] = await Promise.all([
      this.ofVersion(
        k('stats_waits').select('activity_id').count({ n: '*' }).where('stats_waits.definition_key', f.definitionKey).groupBy('activity_id'),
        'stats_waits',
        f,
      ) as Promise<Row[]>,
      this.ofVersion(
        k('incidents')
          .select('activity_id')
          .count({ n: '*' })
          .where({ 'incidents.definition_key': f.definitionKey, state: 'open' })
          .whereNotNull('activity_id')
          .groupBy('activity_id'),
        'incidents',
        f,
      ) as Promise<Row[]>,
      this.ofVersion(
        k('history')
          .select('activity_id')
          .max({ name: 'activity_name' })
          .max({ type: 'activity_type' })
          .count({ n: '*' })
          .where({ 'history.definition_key': f.definitionKey, event: 'end' })
          .whereNotNull('activity_id')
          .where('at', '>=', f.since)
          .groupBy('activity_id'),
        'history',
        f,
      ) as Promise<Row[]>,
      this.ofVersion(
        k('history')
          .select('id', 'process_instance_id', 'activity_id', 'activity_name', 'activity_type', 'event', 'at')
          .where('history.definition_key', f.definitionKey)
          .whereIn('event', ['start', 'end'])
          .whereNotNull('activity_id')
          .where('at', '>=', f.since)
          .orderBy('id', 'desc')
          .limit(ACTIVITY_HISTORY_SAMPLE),
        'history',
        f,
      ) as Promise<Row[]>,
    ]);

    const items = new Map<string, ActivityStats>();
    const entry = (id: string, name?: unknown, type?: unknown): ActivityStats => {
      let e = items.get(id);
      if (!e) {
        e = { activityId: id, activityName: null, type: null, running: 0, completed: 0, incidents: 0, duration: summarize([]) };
        items.set(id, e);
      }
      if (name && !e.activityName) e.activityName = String(name);
      if (type && !e.type) e.type = String(type);
      return e;
    };
    for (const r of waits) entry(String(r.activity_id)).running = Number(r.n);
    for (const r of incidents) entry(String(r.activity_id)).incidents = Number(r.n);
    for (const r of ends) entry(String(r.activity_id), r.name, r.type).completed = Number(r.n);

    // Oldest first; each end closes the earliest open start of the same activity in the same
    // instance (a loop runs an activity several times, one after the other).
    const open = new Map<string, number[]>();
    const durations = new Map<string, number[]>();
    for (const r of [...sample].sort((a, b) => Number(a.id) - Number(b.id))) {
      const activityId = String(r.activity_id);
      entry(activityId, r.activity_name, r.activity_type);
      const key = `${String(r.process_instance_id)}\u0000${activityId}`;
      const at = new Date(toIso(r.at) as string).getTime();
      if (r.event === 'start') {
        open.set(key, [...(open.get(key) ?? []), at]);
        continue;
      }
      const starts = open.get(key);
      const startedAt = starts?.shift();
      if (startedAt === undefined) continue;
      durations.set(activityId, [...(durations.get(activityId) ?? []), at - startedAt]);
    }
    for (const [id, list] of durations) entry(id).duration = summarize(list);

    return {
      items: [...items.values()].sort((a, b) => a.activityId.localeCompare(b.activityId)),
      sampled: sample.length,
      truncated: sample.length >= ACTIVITY_HISTORY_SAMPLE,
    };
  }
}
