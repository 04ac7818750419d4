// Aggregates for the cockpit: instances by state, throughput over time, durations, and where
// instances wait now. Counting is done in SQL; percentiles are taken in JS over a bounded number
// of the most recent rows, because SQLite has no percentile function.
import type { Knex } from 'knex';
import type { Dialect } from './database';
import { toIso } from './row-codec';

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
    const [defs, states, incidents, oldest, finished] = await Promise.all([
      this.knex('process_definitions').select('key', 'name', 'version') as Promise<Row[]>,
      this.knex('process_instances').select('definition_key', 'state').count({ n: '*' }).groupBy('definition_key', 'state') as Promise<Row[]>,
      this.knex('incidents').select('definition_key').count({ n: '*' }).where('state', 'open').groupBy('definition_key') as Promise<Row[]>,
      this.knex('process_instances').select('definition_key').min({ at: 'started_at' }).where('state', 'running').groupBy('definition_key') as Promise<Row[]>,
      this.knex('process_instances')
        .select('definition_key', 'started_at', 'ended_at')
        .where('state', 'completed')
        .whereNotNull('ended_at')
        .orderBy('ended_at', 'desc')
        .limit(DURATION_SAMPLE) as Promise<Row[]>,
    ]);
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

  /** Instances started and completed per hour or day, in UTC, every bucket of the range present. */
  async timeline(filter: { definitionKey?: string; bucket: Bucket; since: string; until: string }): Promise<TimelineBucket[]> {
    const trunc = (col: string) =>
      this.dialect === 'postgres'
        ? `to_char(date_trunc('${filter.bucket}', ${col} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`
        : `strftime('${filter.bucket === 'hour' ? '%Y-%m-%dT%H:00:00Z' : '%Y-%m-%dT00:00:00Z'}', ${col})`;
    const count = async (col: 'started_at' | 'ended_at') => {
      const q = this.knex('process_instances')
        .select(this.knex.raw(`${trunc(col)} as bucket`))
        .count({ n: '*' })
        .where(col, '>=', filter.since)
        .andWhere(col, '<', filter.until)
        .groupBy('bucket');
      if (col === 'ended_at') void q.where('state', 'completed');
      if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
      const rows = (await q) as Row[];
      return new Map(rows.map((r) => [String(r.bucket), Number(r.n)]));
    };
    const [started, completed] = await Promise.all([count('started_at'), count('ended_at')]);
    const step = filter.bucket === 'hour' ? 3_600_000 : 86_400_000;
    const first = Math.floor(new Date(filter.since).getTime() / step) * step;
    const out: TimelineBucket[] = [];
    for (let t = first; t < new Date(filter.until).getTime(); t += step) {
      const at = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
      out.push({ at, started: started.get(at) ?? 0, completed: completed.get(at) ?? 0 });
    }
    return out;
  }

  /** Per user task: open now, oldest open, and completion time (created → completed). */
  async tasks(filter: { definitionKey?: string }): Promise<TaskStats[]> {
    const scoped = (q: Knex.QueryBuilder) => (filter.definitionKey ? q.where('definition_key', filter.definitionKey) : q);
    const [open, done, names, finished] = await Promise.all([
      scoped(this.knex('tasks').select('definition_key', 'activity_id').count({ n: '*' }).min({ oldest: 'created_at' }).where('state', 'open'))
        .groupBy('definition_key', 'activity_id')
        .then((r) => r as Row[]),
      scoped(this.knex('tasks').select('definition_key', 'activity_id').count({ n: '*' }).where('state', 'completed'))
        .groupBy('definition_key', 'activity_id')
        .then((r) => r as Row[]),
      scoped(this.knex('tasks').select('definition_key', 'activity_id').max({ name: 'name' }))
        .groupBy('definition_key', 'activity_id')
        .then((r) => r as Row[]),
      scoped(this.knex('tasks').select('definition_key', 'activity_id', 'created_at', 'completed_at').where('state', 'completed').whereNotNull('completed_at'))
        .orderBy('completed_at', 'desc')
        .limit(DURATION_SAMPLE)
        .then((r) => r as Row[]),
    ]);
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

  /** Open tasks per candidate group. */
  async groups(filter: { definitionKey?: string }): Promise<GroupStats[]> {
    const q = this.knex('task_candidate_groups as g')
      .join('tasks as t', 't.id', 'g.task_id')
      .select('g.group_name')
      .count({ n: '*' })
      .min({ oldest: 't.created_at' })
      .where('t.state', 'open')
      .groupBy('g.group_name')
      .orderBy('g.group_name');
    if (filter.definitionKey) void q.where('t.definition_key', filter.definitionKey);
    const rows = (await q) as Row[];
    return rows.map((r) => ({ group: String(r.group_name), open: Number(r.n), oldestOpenAt: toIso(r.oldest) }));
  }

  /**
   * Where running instances wait now, per activity: how many, and since when the oldest one
   * waits (the last time its token entered the activity, from the history).
   */
  async waiting(filter: { definitionKey?: string }): Promise<WaitingStats[]> {
    const pg = this.dialect === 'postgres';
    const from = pg ? 'process_instances i cross join lateral jsonb_array_elements(i.waiting_at::jsonb) w' : 'process_instances i, json_each(i.waiting_at) w';
    const field = (name: string) => (pg ? `(w->>'${name}')` : `json_extract(w.value, '$.${name}')`);
    const sql = `
      select definition_key, activity_id, activity_name, activity_type, count(*) as n, min(since) as oldest
      from (
        select i.definition_key,
               ${field('activityId')} as activity_id,
               ${field('activityName')} as activity_name,
               ${field('type')} as activity_type,
               coalesce(
                 (select max(h.at) from history h
                   where h.process_instance_id = i.id and h.activity_id = ${field('activityId')} and h.event = 'start'),
                 i.updated_at) as since
        from ${from}
        where i.state = 'running' ${filter.definitionKey ? 'and i.definition_key = ?' : ''}
      ) waits
      group by definition_key, activity_id, activity_name, activity_type
      order by count(*) desc, definition_key, activity_id`;
    const result = await this.knex.raw<Row[] | { rows: Row[] }>(sql, filter.definitionKey ? [filter.definitionKey] : []);
    const rows = Array.isArray(result) ? result : result.rows;
    return rows.map((r) => ({
      definitionKey: String(r.definition_key),
      activityId: String(r.activity_id),
      activityName: (r.activity_name as string | null) ?? null,
      type: (r.activity_type as string | null) ?? null,
      count: Number(r.n),
      oldestSince: toIso(r.oldest),
    }));
  }
}
