// The cockpit's counters, kept in the event's own transaction so that a statistic reads a few
// rows whatever the number of instances, tasks and history rows (migration
// 20261220000042_growth_indexes creates the tables):
//   stats_instance_counts  instances per definition key and state
//   stats_instance_hours   instances started and completed per definition key and UTC hour
//   stats_task_counts      open and completed user tasks per definition key and activity
//   stats_group_counts     open user tasks per candidate group and definition key
//   stats_waits            where running instances wait now, with since when (one row a wait)
//   stats_wait_counts      how many waits per definition key and activity
// commitEvent calls `readBefore` before it writes the instance row and `apply` after its writes;
// `purge` runs before ended instances are deleted; `rebuildStatsCounters` recomputes all of them
// from the rows (the migration, and after rows were written by other means, e.g. a bulk load).
import type { Knex } from 'knex';
import type { Dialect } from './dialect';
import { parseJson, toIso } from './row-codec';
import type { EventOutcome, WaitingAt } from './types';
import type { WriteBatch } from './write-batch';

type Row = Record<string, unknown>;

export const COUNTER_TABLES = [
  'stats_instance_counts',
  'stats_instance_hours',
  'stats_task_counts',
  'stats_group_counts',
  'stats_waits',
  'stats_wait_counts',
] as const;

/** The UTC hour of an ISO time, as the timeline's bucket label: `2026-12-01T14:00:00Z`. */
export function hourOf(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 13)}:00:00Z`;
}

/** What the instance was before the event: read in the event's transaction, before its writes. */
export interface CountersBefore {
  state: string;
  waitingAt: WaitingAt[];
  openTasks: Array<{ id: string; executionId: string; definitionKey: string; activityId: string; name: string | null; groups: string[] }>;
  /** Closed tasks of the executions the instance waits at now (an incident retry may reopen one), by execution id. */
  closedTasks: Map<string, string>;
}

function bump(trx: Knex.Transaction, table: string, key: Row, deltas: Record<string, number>, extra: Row = {}): Knex.QueryBuilder | undefined {
  if (Object.values(deltas).every((d) => d === 0)) return undefined;
  const merge: Record<string, Knex.Raw> = {};
  for (const col of Object.keys(deltas)) merge[col] = trx.raw('?? + excluded.??', [`${table}.${col}`, col]);
  for (const col of Object.keys(extra)) merge[col] = trx.raw('excluded.??', [col]);
  return trx(table)
    .insert({ ...key, ...deltas, ...extra })
    .onConflict(Object.keys(key))
    .merge(merge);
}

/**
 * The counter changes of one event, summed per row (a task moving from A to B in one group is
 * -1 and +1 on the group's row: no write) and written in one fixed order, so that two events
 * never wait for each other's counter rows in opposite orders (no deadlock on Postgres).
 */
class Deltas {
  private readonly rows = new Map<string, { table: string; key: Row; deltas: Record<string, number>; extra: Row }>();

  add(table: string, key: Row, deltas: Record<string, number>, extra: Row = {}): void {
    const id = JSON.stringify([table, ...Object.values(key)]);
    const e = this.rows.get(id) ?? { table, key, deltas: {}, extra: {} };
    for (const [col, d] of Object.entries(deltas)) e.deltas[col] = (e.deltas[col] ?? 0) + d;
    Object.assign(e.extra, extra);
    this.rows.set(id, e);
  }

  /** One upsert per table (rows of a table with the same columns), in the fixed order. */
  flush(trx: Knex.Transaction, batch: WriteBatch): void {
    const batches = new Map<string, Array<{ key: Row; deltas: Record<string, number>; extra: Row }>>();
    for (const id of [...this.rows.keys()].sort()) {
      const e = this.rows.get(id) as { table: string; key: Row; deltas: Record<string, number>; extra: Row };
      if (Object.values(e.deltas).every((d) => d === 0)) continue;
      const shape = JSON.stringify([e.table, Object.keys(e.key), Object.keys(e.deltas).sort(), Object.keys(e.extra).sort()]);
      batches.set(shape, [...(batches.get(shape) ?? []), e]);
    }
    for (const [shape, rows] of batches) {
      const [table] = JSON.parse(shape) as [string];
      const first = rows[0] as { key: Row; deltas: Record<string, number>; extra: Row };
      if (rows.length === 1) {
        const upsert = bump(trx, table, first.key, first.deltas, first.extra);
        if (upsert) batch.add(upsert);
        continue;
      }
      const merge: Record<string, Knex.Raw> = {};
      for (const col of Object.keys(first.deltas)) merge[col] = trx.raw('?? + excluded.??', [`${table}.${col}`, col]);
      for (const col of Object.keys(first.extra)) merge[col] = trx.raw('excluded.??', [col]);
      batch.add(
        trx(table)
          .insert(rows.map((r) => ({ ...r.key, ...r.deltas, ...r.extra })))
          .onConflict(Object.keys(first.key))
          .merge(merge),
      );
    }
  }
}

/**
 * The instance's state and waits before the event (from `outcome.before` when the event read
 * them, else from the row), and in one statement its open tasks and the closed tasks of the
 * executions it waits at now.
 */
export async function readBefore(trx: Knex.Transaction, outcome: EventOutcome): Promise<CountersBefore | undefined> {
  if (outcome.expectedVersion === null) return undefined;
  const id = outcome.instance.id;
  let before: { state: string; waitingAt: WaitingAt[] } | undefined = outcome.before;
  if (!before) {
    const row: Row | undefined = await trx('process_instances').where({ id }).first('state', 'waiting_at');
    if (!row) return undefined;
    before = { state: String(row.state), waitingAt: parseJson<WaitingAt[]>(row.waiting_at, []) };
  }
  const executions = outcome.openTasks.map((t) => t.executionId);
  const rows = (await trx('tasks')
    .select('id', 'execution_id', 'definition_key', 'activity_id', 'name', 'candidate_groups', 'state')
    .where({ process_instance_id: id })
    .andWhere((q) => {
      void q.where('state', 'open');
      if (executions.length) void q.orWhereIn('execution_id', executions);
    })) as Row[];
  const tasks = rows.filter((t) => t.state === 'open');
  const closedTasks = new Map(rows.filter((t) => t.state !== 'open').map((t) => [String(t.execution_id), String(t.id)]));
  return {
    state: before.state,
    waitingAt: before.waitingAt,
    closedTasks,
    openTasks: tasks.map((t) => ({
      id: String(t.id),
      executionId: String(t.execution_id),
      definitionKey: String(t.definition_key),
      activityId: String(t.activity_id),
      name: (t.name as string | null) ?? null,
      groups: parseJson<string[]>(t.candidate_groups, []),
    })),
  };
}

/**
 * Queues in `batch` the counter updates for what the event changed; `before` is undefined for a
 * new instance. Each counter row and each wait row is written by one statement at most.
 */
export function apply(trx: Knex.Transaction, outcome: EventOutcome, before: CountersBefore | undefined, batch: WriteBatch): void {
  const { instance } = outcome;
  const deltas = new Deltas();
  const key = instance.definitionKey;
  // Instances per state, and the timeline's hours.
  if (!before) {
    deltas.add('stats_instance_counts', { definition_key: key, state: instance.state }, { n: 1 });
    deltas.add('stats_instance_hours', { definition_key: key, hour: hourOf(instance.startedAt) }, { started: 1, completed: 0 });
  } else if (before.state !== instance.state) {
    deltas.add('stats_instance_counts', { definition_key: key, state: before.state }, { n: -1 });
    deltas.add('stats_instance_counts', { definition_key: key, state: instance.state }, { n: 1 });
  }
  if (instance.state === 'completed' && instance.endedAt && before?.state !== 'completed') {
    deltas.add('stats_instance_hours', { definition_key: key, hour: hourOf(instance.endedAt) }, { started: 0, completed: 1 });
  }

  // Open and completed tasks, per activity and per candidate group: the open tasks before the
  // event against the ones the instance waits at now (syncTasks makes the rows match them).
  const wasOpen = new Map((before?.openTasks ?? []).map((t) => [t.executionId, t]));
  const nowOpen = new Set(outcome.openTasks.map((t) => t.executionId));
  for (const t of wasOpen.values()) {
    if (nowOpen.has(t.executionId)) continue;
    const completed = outcome.completedTask?.id === t.id ? 1 : 0;
    deltas.add('stats_task_counts', { definition_key: t.definitionKey, activity_id: t.activityId }, { open: -1, completed }, { name: t.name });
    for (const g of new Set(t.groups)) deltas.add('stats_group_counts', { group_name: g, definition_key: t.definitionKey }, { open: -1 });
  }
  for (const t of outcome.openTasks) {
    if (wasOpen.has(t.executionId)) continue;
    deltas.add('stats_task_counts', { definition_key: t.definitionKey, activity_id: t.activityId }, { open: 1, completed: 0 }, { name: t.name });
    for (const g of new Set(t.candidateGroups)) deltas.add('stats_group_counts', { group_name: g, definition_key: t.definitionKey }, { open: 1 });
  }

  // Where running instances wait: one row a wait, and the count per activity.
  const oldWaits = before?.state === 'running' ? before.waitingAt : [];
  const newWaits = instance.state === 'running' ? instance.waitingAt : [];
  const count = (list: WaitingAt[]) => {
    const m = new Map<string, { n: number; w: WaitingAt }>();
    for (const w of list) m.set(w.activityId, { n: (m.get(w.activityId)?.n ?? 0) + 1, w });
    return m;
  };
  const was = count(oldWaits);
  const now = count(newWaits);
  const left: Array<{ activityId: string; k: number }> = [];
  const entered: Row[] = [];
  for (const activityId of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(activityId)?.n ?? 0;
    const b = now.get(activityId)?.n ?? 0;
    if (a === b) continue;
    const w = (now.get(activityId) ?? was.get(activityId))?.w as WaitingAt;
    if (b < a) left.push({ activityId, k: a - b });
    else {
      const since = outcome.history.filter((h) => h.activityId === activityId && h.event === 'start').at(-1)?.at ?? instance.updatedAt;
      for (let i = 0; i < b - a; i++) {
        entered.push({
          process_instance_id: instance.id,
          definition_key: key,
          activity_id: activityId,
          activity_name: w.activityName,
          activity_type: w.type,
          since,
        });
      }
    }
    deltas.add('stats_wait_counts', { definition_key: key, activity_id: activityId }, { n: b - a }, { activity_name: w.activityName, activity_type: w.type });
  }
  moveWaits(trx, instance.id, left, entered, batch);
  deltas.flush(trx, batch);
}

/** The latest `k` wait rows of an activity of the instance. */
function latestWaits(trx: Knex.Transaction, instanceId: string, activityId: string, k: number): Knex.QueryBuilder {
  return trx('stats_waits').select('id').where({ process_instance_id: instanceId, activity_id: activityId }).orderBy('since', 'desc').limit(k);
}

/**
 * Waits left and waits entered: a wait that moves from one activity to the next (the common
 * event) is one update of its row; the rest are deleted and inserted. Each wait row is named by
 * one write only (the batch's writes may all see the rows as they were before any of them): an
 * activity left by one wait gives its row to one entered wait, an activity left by several has its
 * latest rows deleted in one statement.
 */
function moveWaits(trx: Knex.Transaction, instanceId: string, left: Array<{ activityId: string; k: number }>, entered: Row[], batch: WriteBatch): void {
  const toInsert = [...entered];
  for (const { activityId, k } of left) {
    const next = k === 1 ? toInsert.shift() : undefined;
    if (next) {
      const { process_instance_id: _id, definition_key: _key, ...moved } = next;
      batch.add(
        trx('stats_waits')
          .whereIn('id', latestWaits(trx, instanceId, activityId, 1))
          .update(moved),
      );
      continue;
    }
    batch.add(
      trx('stats_waits')
        .whereIn('id', latestWaits(trx, instanceId, activityId, k))
        .delete(),
    );
  }
  if (toInsert.length) batch.add(trx('stats_waits').insert(toInsert));
}

/** Takes instances that are about to be deleted out of the counters (their rows go with them). */
export async function purge(trx: Knex.Transaction, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const rows = (await trx('process_instances').select('definition_key', 'state', 'started_at', 'ended_at').whereIn('id', ids)) as Row[];
  for (const r of rows) {
    const key = String(r.definition_key);
    await bump(trx, 'stats_instance_counts', { definition_key: key, state: String(r.state) }, { n: -1 });
    await bump(trx, 'stats_instance_hours', { definition_key: key, hour: hourOf(toIso(r.started_at) as string) }, { started: -1, completed: 0 });
    if (r.state === 'completed' && r.ended_at) {
      await bump(trx, 'stats_instance_hours', { definition_key: key, hour: hourOf(toIso(r.ended_at) as string) }, { started: 0, completed: -1 });
    }
  }
  const tasks = (await trx('tasks')
    .select('definition_key', 'activity_id', 'state', 'candidate_groups')
    .whereIn('process_instance_id', ids)
    .whereIn('state', ['open', 'completed'])) as Row[];
  for (const t of tasks) {
    const open = t.state === 'open' ? -1 : 0;
    await bump(trx, 'stats_task_counts', { definition_key: String(t.definition_key), activity_id: String(t.activity_id) }, { open, completed: open ? 0 : -1 });
    if (open)
      for (const g of new Set(parseJson<string[]>(t.candidate_groups, [])))
        await bump(trx, 'stats_group_counts', { group_name: g, definition_key: String(t.definition_key) }, { open: -1 });
  }
  const waits: Row[] = await trx('stats_waits')
    .select('definition_key', 'activity_id')
    .count<Row[]>({ n: '*' })
    .whereIn('process_instance_id', ids)
    .groupBy('definition_key', 'activity_id');
  for (const w of waits)
    await bump(trx, 'stats_wait_counts', { definition_key: String(w.definition_key), activity_id: String(w.activity_id) }, { n: -Number(w.n) });
  await trx('stats_waits').whereIn('process_instance_id', ids).delete();
}

/** Recomputes every counter from the instance, task and history rows (a full scan: not for the hot path). */
export async function rebuildStatsCounters(knex: Knex, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const hour = (col: string) =>
    pg ? `to_char(date_trunc('hour', ${col} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')` : `strftime('%Y-%m-%dT%H:00:00Z', ${col})`;
  const jsonEach = (col: string, alias: string) => (pg ? `jsonb_array_elements_text(${col}::jsonb) ${alias}` : `json_each(${col}) ${alias}`);
  const groupValue = pg ? 'g' : 'g.value';
  const from = pg ? 'process_instances i cross join lateral jsonb_array_elements(i.waiting_at::jsonb) w' : 'process_instances i, json_each(i.waiting_at) w';
  const field = (name: string) => (pg ? `(w->>'${name}')` : `json_extract(w.value, '$.${name}')`);
  await knex.transaction(async (trx) => {
    for (const t of COUNTER_TABLES) await trx(t).delete();
    await trx.raw(`insert into stats_instance_counts (definition_key, state, n)
      select definition_key, state, count(*) from process_instances group by definition_key, state`);
    await trx.raw(`insert into stats_instance_hours (definition_key, hour, started, completed)
      select definition_key, hour, sum(started), sum(completed) from (
        select definition_key, ${hour('started_at')} as hour, 1 as started, 0 as completed from process_instances
        union all
        select definition_key, ${hour('ended_at')} as hour, 0, 1 from process_instances where state = 'completed' and ended_at is not null
      ) x group by definition_key, hour`);
    await trx.raw(`insert into stats_task_counts (definition_key, activity_id, name, open, completed)
      select definition_key, activity_id, max(name),
             sum(case when state = 'open' then 1 else 0 end), sum(case when state = 'completed' then 1 else 0 end)
      from tasks group by definition_key, activity_id`);
    await trx.raw(`insert into stats_group_counts (group_name, definition_key, open)
      select ${groupValue}, t.definition_key, count(*) from tasks t, ${jsonEach('t.candidate_groups', 'g')}
      where t.state = 'open' group by ${groupValue}, t.definition_key`);
    await trx.raw(`insert into stats_waits (process_instance_id, definition_key, activity_id, activity_name, activity_type, since)
      select i.id, i.definition_key, ${field('activityId')}, ${field('activityName')}, ${field('type')},
             coalesce((select max(h.at) from history h
                        where h.process_instance_id = i.id and h.activity_id = ${field('activityId')} and h.event = 'start'), i.updated_at)
      from ${from} where i.state = 'running'`);
    await trx.raw(`insert into stats_wait_counts (definition_key, activity_id, activity_name, activity_type, n)
      select definition_key, activity_id, max(activity_name), max(activity_type), count(*) from stats_waits group by definition_key, activity_id`);
  });
}
