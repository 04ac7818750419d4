// Aggregates for the cockpit: instances by state, throughput over time, durations, and where
// instances wait now. Counts come from the counters every event keeps (src/store/stats-counters.ts),
// oldest entries from one index lookup each, so no statistic scans the instances, tasks or
// history; percentiles are taken in JS over a bounded number of the most recent rows, because
// SQLite has no percentile function.
import type { Knex } from 'knex';
import type { Dialect } from './dialect';
import { toIso } from './row-codec';
import { linkedTo } from './task-store';

type Row = Record<string, unknown>;

/** How many of the most recent finished rows the duration percentiles look at. */
export const DURATION_SAMPLE = 5000;

export interface DurationSummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface DefinitionStats {
  definitionKey: string;
  name: string | null;
  latestVersion: number | null;
  instances: { running: number; completed: number; failed: number; cancelled: number; total: number };
  openIncidents: number;
  oldestRunningStartedAt: string | null;
  duration: DurationSummary;
}

export interface TimelineBucket {
  at: string;
  started: number;
  completed: number;
}

export interface TaskStats {
  definitionKey: string;
  activityId: string;
  name: string | null;
  open: number;
  oldestOpenAt: string | null;
  completed: number;
  completion: DurationSummary;
}

export interface WaitingStats {
  definitionKey: string;
  activityId: string;
  activityName: string | null;
  type: string | null;
  count: number;
  oldestSince: string | null;
}

export interface GroupStats {
  group: string;
  open: number;
  oldestOpenAt: string | null;
}

export type Bucket = 'hour' | 'day';

/** Nearest-rank percentile of sorted values (the same rule the Grafana boards use). */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function summarize(durations: number[]): DurationSummary {
  const sorted = durations.filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.length ? (sorted.at(-1) ?? null) : null };
}

function ms(from: unknown, to: unknown): number {
  const a = toIso(from);
  const b = toIso(to);
  return a && b ? new Date(b).getTime() - new Date(a).getTime() : NaN;
}

function groupDurations(rows: Row[], key: (r: Row) => string, from: string, to: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k) ?? [];
    list.push(ms(r[from], r[to]));
    out.set(k, list);
  }
  return out;
}

export class StatsStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
  ) {}

  async definitions(): Promise<DefinitionStats[]> {
    // Counts from the counters (src/store/stats-counters.ts), the oldest running instance per key
    // from the index (definition_key, state, started_at), and the duration sample from (state, ended_at).
    const [defs, states, incidents, finished] = await Promise.all([
      this.knex('process_definitions').select('key', 'name', 'version') as Promise<Row[]>,
      this.knex('stats_instance_counts').select('definition_key', 'state', 'n').whereNot('n', 0) as Promise<Row[]>,
      this.knex('incidents').select('definition_key').count({ n: '*' }).where('state', 'open').groupBy('definition_key') as Promise<Row[]>,
      this.knex('process_instances')
        .select('definition_key', 'started_at', 'ended_at')
        .where('state', 'completed')
        .whereNotNull('ended_at')
        .orderBy('ended_at', 'desc')
        .limit(DURATION_SAMPLE) as Promise<Row[]>,
    ]);
    const runningKeys = states.filter((r) => r.state === 'running' && Number(r.n) > 0).map((r) => String(r.definition_key));
    const oldest = await Promise.all(
      runningKeys.map(async (key) => {
        const row: Row | undefined = await this.knex('process_instances').where({ definition_key: key, state: 'running' }).min({ at: 'started_at' }).first();
        return { definition_key: key, at: row?.at };
      }),
    );
    const byKey = new Map<string, DefinitionStats>();
    const entry = (key: string): DefinitionStats => {
      let e = byKey.get(key);
      if (!e) {
        e = {
          definitionKey: key,
          name: null,
          latestVersion: null,
          instances: { running: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
          openIncidents: 0,
          oldestRunningStartedAt: null,
          duration: summarize([]),
        };
        byKey.set(key, e);
      }
      return e;
    };
    for (const d of defs) {
      const e = entry(String(d.key));
      if (e.latestVersion === null || Number(d.version) > e.latestVersion) {
        e.latestVersion = Number(d.version);
        e.name = (d.name as string | null) ?? null;
      }
    }
    for (const s of states) {
      const e = entry(String(s.definition_key));
      const n = Number(s.n);
      const state = String(s.state) as keyof DefinitionStats['instances'];
      if (state in e.instances) e.instances[state] += n;
      e.instances.total += n;
    }
    for (const i of incidents) entry(String(i.definition_key)).openIncidents = Number(i.n);
    for (const o of oldest) entry(String(o.definition_key)).oldestRunningStartedAt = toIso(o.at);
    for (const [key, list] of groupDurations(finished, (r) => String(r.definition_key), 'started_at', 'ended_at')) entry(key).duration = summarize(list);
    return [...byKey.values()].sort((a, b) => a.definitionKey.localeCompare(b.definitionKey));
  }

  /**
   * Instances started and completed per hour or day, in UTC, every bucket of the range present.
   * Whole hours come from the hourly counters; a partial first or last hour from the rows.
   */
  async timeline(filter: { definitionKey?: string; bucket: Bucket; since: string; until: string }): Promise<TimelineBucket[]> {
    const HOUR = 3_600_000;
    const sinceMs = new Date(filter.since).getTime();
    const untilMs = new Date(filter.until).getTime();
    const label = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const firstWhole = Math.ceil(sinceMs / HOUR) * HOUR;
    const lastWhole = Math.floor(untilMs / HOUR) * HOUR;
    const hours = new Map<string, { started: number; completed: number }>();
    const add = (hour: string, started: number, completed: number) => {
      const e = hours.get(hour) ?? { started: 0, completed: 0 };
      e.started += started;
      e.completed += completed;
      hours.set(hour, e);
    };
    const trunc = (col: string) =>
      this.dialect === 'postgres'
        ? `to_char(date_trunc('hour', ${col} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`
        : `strftime('%Y-%m-%dT%H:00:00Z', ${col})`;
    /** Counts from the rows, per hour, of [from, to): at most one hour's worth at each end. */
    const fromRows = async (from: number, to: number) => {
      if (!(from < to)) return;
      for (const col of ['started_at', 'ended_at'] as const) {
        const q = this.knex('process_instances')
          .select(this.knex.raw(`${trunc(col)} as bucket`))
          .count({ n: '*' })
          .where(col, '>=', label(from))
          .andWhere(col, '<', label(to))
          .groupBy('bucket');
        if (col === 'ended_at') void q.where('state', 'completed');
        if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
        for (const r of (await q) as Row[]) add(String(r.bucket), col === 'started_at' ? Number(r.n) : 0, col === 'ended_at' ? Number(r.n) : 0);
      }
    };
    if (firstWhole >= lastWhole) {
      await fromRows(sinceMs, untilMs);
    } else {
      await fromRows(sinceMs, firstWhole);
      await fromRows(lastWhole, untilMs);
      const q = this.knex('stats_instance_hours')
        .select('hour')
        .sum({ started: 'started', completed: 'completed' })
        .where('hour', '>=', label(firstWhole))
        .andWhere('hour', '<', label(lastWhole))
        .groupBy('hour');
      if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
      for (const r of (await q) as Row[]) add(String(r.hour), Number(r.started), Number(r.completed));
    }
    const bucketOf = (hour: string) => (filter.bucket === 'hour' ? hour : `${hour.slice(0, 10)}T00:00:00Z`);
    const buckets = new Map<string, { started: number; completed: number }>();
    for (const [hour, v] of hours) {
      const b = buckets.get(bucketOf(hour)) ?? { started: 0, completed: 0 };
      b.started += v.started;
      b.completed += v.completed;
      buckets.set(bucketOf(hour), b);
    }
    const step = filter.bucket === 'hour' ? HOUR : 86_400_000;
    const first = Math.floor(sinceMs / step) * step;
    const out: TimelineBucket[] = [];
    for (let t = first; t < untilMs; t += step) {
      const at = label(t);
      out.push({ at, started: buckets.get(at)?.started ?? 0, completed: buckets.get(at)?.completed ?? 0 });
    }
    return out;
  }

  /** Per user task: open now, oldest open, and completion time (created → completed). */
  async tasks(filter: { definitionKey?: string }): Promise<TaskStats[]> {
    const scoped = (q: Knex.QueryBuilder) => (filter.definitionKey ? q.where('definition_key', filter.definitionKey) : q);
    const [counts, finished] = await Promise.all([
      scoped(this.knex('stats_task_counts').select('definition_key', 'activity_id', 'name', 'open', 'completed')).then((r) => r as Row[]),
      scoped(this.knex('tasks').select('definition_key', 'activity_id', 'created_at', 'completed_at').where('state', 'completed').whereNotNull('completed_at'))
        .orderBy('completed_at', 'desc')
        .limit(DURATION_SAMPLE)
        .then((r) => r as Row[]),
    ]);
    // The oldest open task of each activity: the first entry of (state, definition_key, activity_id, created_at).
    const oldestOpen = await Promise.all(
      counts
        .filter((r) => Number(r.open) > 0)
        .map(async (r) => {
          const row: Row | undefined = await this.knex('tasks')
            .where({ state: 'open', definition_key: r.definition_key, activity_id: r.activity_id })
            .min({ oldest: 'created_at' })
            .first();
          return { definition_key: r.definition_key, activity_id: r.activity_id, n: r.open, oldest: row?.oldest };
        }),
    );
    const names = counts;
    const open = oldestOpen;
    const done = counts.map((r) => ({ definition_key: r.definition_key, activity_id: r.activity_id, n: r.completed }));
    const key = (r: Row) => `${String(r.definition_key)}\u0000${String(r.activity_id)}`;
    const byKey = new Map<string, TaskStats>();
    for (const r of names) {
      byKey.set(key(r), {
        definitionKey: String(r.definition_key),
        activityId: String(r.activity_id),
        name: (r.name as string | null) ?? null,
        open: 0,
        oldestOpenAt: null,
        completed: 0,
        completion: summarize([]),
      });
    }
    for (const r of open) {
      const e = byKey.get(key(r));
      if (e) Object.assign(e, { open: Number(r.n), oldestOpenAt: toIso(r.oldest) });
    }
    for (const r of done) {
      const e = byKey.get(key(r));
      if (e) e.completed = Number(r.n);
    }
    for (const [k, list] of groupDurations(finished, key, 'created_at', 'completed_at')) {
      const e = byKey.get(k);
      if (e) e.completion = summarize(list);
    }
    return [...byKey.values()].sort((a, b) => a.definitionKey.localeCompare(b.definitionKey) || a.activityId.localeCompare(b.activityId));
  }

  /** Open tasks per candidate group: counts from the counters, the oldest from (state, created_at). */
  async groups(filter: { definitionKey?: string }): Promise<GroupStats[]> {
    const q = this.knex('stats_group_counts').select('group_name').sum({ n: 'open' }).groupBy('group_name').orderBy('group_name');
    if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
    const rows = ((await q) as Row[]).filter((r) => Number(r.n) > 0);
    return Promise.all(
      rows.map(async (r) => {
        const oldest = this.knex('tasks as t').select('t.created_at').where('t.state', 'open').orderBy('t.created_at').first();
        linkedTo(oldest, 'task_candidate_groups', 'group_name', [String(r.group_name)]);
        if (filter.definitionKey) void oldest.where('t.definition_key', filter.definitionKey);
        const row = (await oldest) as Row | undefined;
        return { group: String(r.group_name), open: Number(r.n), oldestOpenAt: toIso(row?.created_at) };
      }),
    );
  }

  /**
   * Where running instances wait now, per activity: how many, and since when the oldest one
   * waits (the last time its token entered the activity). From the wait counters and the
   * index (definition_key, activity_id, since) of the waits.
   */
  async waiting(filter: { definitionKey?: string }): Promise<WaitingStats[]> {
    const q = this.knex('stats_wait_counts').select('definition_key', 'activity_id', 'activity_name', 'activity_type', 'n').where('n', '>', 0);
    if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
    const rows = (await q) as Row[];
    const items = await Promise.all(
      rows.map(async (r) => {
        const oldest: Row | undefined = await this.knex('stats_waits')
          .where({ definition_key: r.definition_key, activity_id: r.activity_id })
          .min({ at: 'since' })
          .first();
        return {
          definitionKey: String(r.definition_key),
          activityId: String(r.activity_id),
          activityName: (r.activity_name as string | null) ?? null,
          type: (r.activity_type as string | null) ?? null,
          count: Number(r.n),
          oldestSince: toIso(oldest?.at),
        };
      }),
    );
    return items.sort((a, b) => b.count - a.count || a.definitionKey.localeCompare(b.definitionKey) || a.activityId.localeCompare(b.activityId));
  }
}
