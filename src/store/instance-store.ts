// Process instances: the row with its engine state and queryable columns, and the one
// transaction that writes everything an event changed (guarded by the row's version).
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Dialect } from './dialect';
import { ExternalTaskStore } from './external-task-store';
import { jobRow } from './job-store';
import { parseJson, toIso } from './row-codec';
import * as statsCounters from './stats-counters';
import { WriteBatch } from './write-batch';
import { taskAttributeColumns } from './task-store';
import {
  StoreConflict,
  type CommitResult,
  type EventOutcome,
  type InstanceRecord,
  type InstanceWithState,
  type Page,
  type PageQuery,
  type WaitingAt,
} from './types';

type Row = Record<string, unknown>;

/** The linked outcomes of an event, depth first (a child's own children follow it). */
function flattenLinked(outcome: EventOutcome): EventOutcome[] {
  const out: EventOutcome[] = [];
  for (const l of outcome.linked ?? []) out.push(l, ...flattenLinked(l));
  return out;
}

/** Rows per history insert: under SQLite's 999 bound parameters (8 columns a row). */
const HISTORY_CHUNK = 100;

const LIST_COLUMNS = [
  'id',
  'definition_id',
  'definition_key',
  'definition_version',
  'business_key',
  'state',
  'started_by',
  'started_at',
  'ended_at',
  'updated_at',
  'variables',
  'waiting_at',
  'next_timer_at',
  'version',
  'parent_instance_id',
  'parent_execution_id',
  'parent_activity_id',
];

function toInstance(r: Row): InstanceRecord {
  return {
    id: String(r.id),
    definitionId: String(r.definition_id),
    definitionKey: String(r.definition_key),
    definitionVersion: Number(r.definition_version),
    businessKey: (r.business_key as string | null) ?? null,
    state: r.state as InstanceRecord['state'],
    startedBy: (r.started_by as string | null) ?? null,
    startedAt: toIso(r.started_at) as string,
    endedAt: toIso(r.ended_at),
    updatedAt: toIso(r.updated_at) as string,
    variables: parseJson<Record<string, unknown>>(r.variables, {}),
    waitingAt: parseJson<WaitingAt[]>(r.waiting_at, []),
    nextTimerAt: toIso(r.next_timer_at),
    version: Number(r.version),
    parentInstanceId: (r.parent_instance_id as string | null) ?? null,
    parentExecutionId: (r.parent_execution_id as string | null) ?? null,
    parentActivityId: (r.parent_activity_id as string | null) ?? null,
  };
}

export interface InstanceFilter {
  definitionKey?: string;
  state?: string;
  businessKey?: string;
  /** Business keys containing this text, case-insensitive. */
  businessKeyLike?: string;
  /** ISO times: started at or after `startedAfter`, before `startedBefore`. */
  startedAfter?: string;
  startedBefore?: string;
  /** ISO times: ended at or after `endedAfter`, before `endedBefore` (running instances are left out). */
  endedAfter?: string;
  endedBefore?: string;
  startedBy?: string;
  /** Instances started by a call activity of this instance. */
  parentInstanceId?: string;
  /** Instances whose variable `name` holds exactly `value` (a string, number, boolean or null). */
  variable?: { name: string; value: string | number | boolean | null };
}

export class InstanceStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async get(id: string): Promise<InstanceRecord | undefined> {
    const row = (await this.knex('process_instances').select(LIST_COLUMNS).where({ id }).first()) as Row | undefined;
    return row ? toInstance(row) : undefined;
  }

  /**
   * The row an event starts from, with its open incidents counted in the same statement (the
   * commit then needs no count); with the engine state when the event must recover the engine.
   */
  async getForEvent(id: string, withState: boolean): Promise<(InstanceRecord & { engineState?: unknown; openIncidents: number }) | undefined> {
    const openIncidents = this.knex('incidents')
      .count('*')
      .where('incidents.process_instance_id', this.knex.ref('process_instances.id'))
      .andWhere('incidents.state', 'open')
      .as('open_incidents');
    const columns = withState ? [...LIST_COLUMNS, 'engine_state'] : LIST_COLUMNS;
    const row = (await this.knex('process_instances')
      .select(...columns.map((c) => `process_instances.${c}`), openIncidents)
      .where('process_instances.id', id)
      .first()) as Row | undefined;
    if (!row) return undefined;
    const record = { ...toInstance(row), openIncidents: Number(row.open_incidents ?? 0) };
    return withState ? { ...record, engineState: parseJson<unknown>(row.engine_state, null) } : record;
  }

  async getWithState(id: string): Promise<InstanceWithState | undefined> {
    const row = (await this.knex('process_instances').where({ id }).first()) as Row | undefined;
    return row ? { ...toInstance(row), engineState: parseJson<unknown>(row.engine_state, null) } : undefined;
  }

  async list(filter: InstanceFilter, page: PageQuery): Promise<Page<InstanceRecord>> {
    const where = (q: Knex.QueryBuilder) => {
      if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
      if (filter.state) void q.where('state', filter.state);
      if (filter.businessKey) void q.where('business_key', filter.businessKey);
      if (filter.startedBy) void q.where('started_by', filter.startedBy);
      if (filter.parentInstanceId) void q.where('parent_instance_id', filter.parentInstanceId);
      if (filter.businessKeyLike) {
        const escaped = filter.businessKeyLike.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
        void q.whereRaw("lower(business_key) like ? escape '\\'", [`%${escaped}%`]);
      }
      // ISO strings: SQLite keeps the same format as text (ordered), Postgres compares timestamps.
      if (filter.startedAfter) void q.where('started_at', '>=', filter.startedAfter);
      if (filter.startedBefore) void q.where('started_at', '<', filter.startedBefore);
      if (filter.endedAfter) void q.where('ended_at', '>=', filter.endedAfter);
      if (filter.endedBefore) void q.where('ended_at', '<', filter.endedBefore);
      if (filter.variable) {
        // Both sides as JSON text: "ACME" (a string), 250, true, null — so 250 and "250" differ.
        const json = JSON.stringify(filter.variable.value);
        if (this.dialect === 'postgres') void q.whereRaw('(variables::jsonb -> ?)::text = ?', [filter.variable.name, json]);
        else void q.whereRaw('json_valid(variables) and (variables -> ?) = ?', [`$."${filter.variable.name.replace(/"/g, '""')}"`, json]);
      }
      return q;
    };
    const [countRow] = (await where(this.knex('process_instances').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('process_instances').select(LIST_COLUMNS))
      .orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toInstance), total: Number(countRow?.n ?? 0) };
  }

  /**
   * Deletes up to `limit` instances of a definition version that ended before `before`; their
   * tasks, subscriptions, history, incidents, jobs and external tasks go with them (the foreign
   * keys cascade). Returns how many were deleted.
   */
  async purgeEnded(definitionId: string, before: string, limit: number): Promise<number> {
    const rows = (await this.knex('process_instances')
      .select('id')
      .where({ definition_id: definitionId })
      .whereNotNull('ended_at')
      .andWhere('ended_at', '<', before)
      .orderBy('ended_at')
      .limit(limit)) as Row[];
    if (!rows.length) return 0;
    const ids = rows.map((r) => String(r.id));
    await this.knex.transaction(async (trx) => {
      await statsCounters.purge(trx, ids);
      await trx('process_instances').whereIn('id', ids).delete();
    });
    return rows.length;
  }

  /** The running (or failed) instances that call activities of this instance started. */
  async childrenOf(parentInstanceId: string): Promise<InstanceRecord[]> {
    const rows = (await this.knex('process_instances')
      .select(LIST_COLUMNS)
      .where({ parent_instance_id: parentInstanceId })
      .whereIn('state', ['running', 'failed'])) as Row[];
    return rows.map(toInstance);
  }

  async openIncidentCounts(ids: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!ids.length) return out;
    const rows: Row[] = await this.knex('incidents')
      .select('process_instance_id')
      .count<Row[]>({ n: '*' })
      .whereIn('process_instance_id', ids)
      .andWhere('state', 'open')
      .groupBy('process_instance_id');
    for (const r of rows) out.set(String(r.process_instance_id), Number(r.n));
    return out;
  }

  /**
   * Step 4 of every event: one transaction that saves the new state only if the row still has
   * the version the event started from, and writes the rows derived from it. It answers what the
   * caller shows (the open incidents), read in the same transaction: after the commit there is
   * nothing left to read that could fail.
   */
  async commitEvent(outcome: EventOutcome): Promise<CommitResult> {
    return this.knex.transaction(async (trx) => {
      const result = await this.commitOne(trx, outcome);
      // The instances a call activity links to this event: children started or cancelled, a
      // parent moved on — each guarded by its own version, all in this one transaction.
      for (const linked of flattenLinked(outcome)) await this.commitOne(trx, linked);
      return result;
    });
  }

  private async commitOne(trx: Knex.Transaction, outcome: EventOutcome): Promise<CommitResult> {
    const { instance } = outcome;
    const columns = {
      definition_id: instance.definitionId,
      definition_key: instance.definitionKey,
      definition_version: instance.definitionVersion,
      business_key: instance.businessKey,
      state: instance.state,
      started_by: instance.startedBy,
      started_at: instance.startedAt,
      ended_at: instance.endedAt,
      updated_at: instance.updatedAt,
      variables: JSON.stringify(instance.variables),
      waiting_at: JSON.stringify(instance.waitingAt),
      next_timer_at: instance.nextTimerAt,
      version: instance.version,
      ...(instance.engineState === undefined ? {} : { engine_state: instance.engineState === null ? null : JSON.stringify(instance.engineState) }),
    };
    // What the instance was before this event: its open tasks (for syncTasks and the cockpit's
    // counters, src/store/stats-counters.ts), read before the event's writes.
    const countersBefore = await statsCounters.readBefore(trx, outcome);
    if (outcome.expectedVersion === null) {
      const link = instance.parentInstanceId
        ? {
            parent_instance_id: instance.parentInstanceId,
            parent_execution_id: instance.parentExecutionId ?? null,
            parent_activity_id: instance.parentActivityId ?? null,
          }
        : {};
      await trx('process_instances').insert({ id: instance.id, ...columns, ...link });
    } else {
      // Only what an event can change: every column named in an update has its indexes rewritten
      // (on SQLite), and the definition, business key and start never change after the insert.
      const { definition_id: _d, definition_key: _k, definition_version: _v, business_key: _b, started_by: _s, started_at: _t, ...changed } = columns;
      // Of the indexed columns, only those whose value changes: the event read the row at this
      // version, so one that equals what it read needs no write (state, ended_at and next_timer_at
      // are in eight indexes, and most events change none of them).
      const { before } = outcome;
      const unchanged = before
        ? { state: before.state === instance.state, ended_at: before.endedAt === instance.endedAt, next_timer_at: before.nextTimerAt === instance.nextTimerAt }
        : {};
      const written = Object.fromEntries(Object.entries(changed).filter(([column]) => !unchanged[column as keyof typeof unchanged]));
      const n = await trx('process_instances').where({ id: instance.id, version: outcome.expectedVersion }).update(written);
      if (n === 0) throw new StoreConflict('version', `instance <${instance.id}> changed since version ${outcome.expectedVersion}`);
    }

    // A business area's rows that belong to this event (e.g. the order of a new instance).
    for (const write of outcome.writes ?? []) await write(trx);

    const done = outcome.completedTask;
    if (done) {
      const n = await trx('tasks')
        .where({ id: done.id, state: 'open' })
        .update({ state: 'completed', completed_at: done.at, completed_by: done.by, variables: JSON.stringify(done.variables) });
      if (n === 0) throw new StoreConflict('task-not-open', `task <${done.id}> is no longer open`);
    }

    const doneExternal = outcome.completedExternalTask;
    if (doneExternal) {
      const n = await trx('external_tasks')
        .where({ id: doneExternal.id })
        .whereNull('completed_at')
        .update({ completed_at: doneExternal.at, completed_by: doneExternal.by });
      if (n === 0) throw new StoreConflict('external-task-done', `external task <${doneExternal.id}> was done already`);
    }

    if (outcome.retriedIncidentId) {
      const n = await trx('incidents').where({ id: outcome.retriedIncidentId, state: 'open' }).update({ state: 'resolved', resolved_at: instance.updatedAt });
      if (n === 0) throw new StoreConflict('incident-not-open', `incident <${outcome.retriedIncidentId}> is no longer open`);
    }
    if (outcome.resolveIncidents) {
      await trx('incidents').where({ process_instance_id: instance.id, state: 'open' }).update({ state: 'resolved', resolved_at: instance.updatedAt });
    }

    // What follows up to the counters reads nothing and each write names rows no other one does:
    // one batch (one statement on Postgres), sent after the incidents and jobs.
    const batch = new WriteBatch(trx);
    this.syncTasks(trx, outcome, countersBefore, batch);

    const isNew = outcome.expectedVersion === null;
    if (outcome.subscriptions) {
      if (!isNew) batch.add(trx('message_subscriptions').where({ process_instance_id: instance.id }).delete());
      if (outcome.subscriptions.length) {
        batch.add(
          trx('message_subscriptions').insert(
            outcome.subscriptions.map((s) => ({
              process_instance_id: s.processInstanceId,
              kind: s.kind,
              name: s.name,
              element_ref: s.elementRef,
              activity_id: s.activityId,
              business_key: s.businessKey,
              created_at: instance.updatedAt,
            })),
          ),
        );
      }
    }

    if (outcome.externalTasks) ExternalTaskStore.sync(trx, instance.id, outcome.externalTasks, batch);

    if (outcome.history.length) {
      // Plain inserts in chunks: knex's batchInsert adds a savepoint and a 1 ms timer to every
      // event's transaction (measured: a third of the commit on SQLite).
      const rows = outcome.history.map((h) => ({
        process_instance_id: instance.id,
        definition_key: instance.definitionKey,
        at: h.at,
        activity_id: h.activityId,
        activity_name: h.activityName,
        activity_type: h.type,
        event: h.event,
        by: h.by ?? null,
      }));
      for (let i = 0; i < rows.length; i += HISTORY_CHUNK) batch.add(trx('history').insert(rows.slice(i, i + HISTORY_CHUNK)));
    }

    if (outcome.timers && !isNew) {
      await trx('jobs').where({ process_instance_id: instance.id, kind: 'timer' }).delete();
    }
    const jobs = [...(outcome.timers ?? []), ...(outcome.jobs ?? [])];
    if (jobs.length) await trx('jobs').insert(jobs.map((j) => jobRow(j, instance.updatedAt)));
    if (outcome.completeJobId) await trx('jobs').where({ id: outcome.completeJobId }).delete();

    for (const inc of outcome.incidents) {
      await trx('incidents').insert({
        id: inc.id,
        process_instance_id: inc.processInstanceId,
        definition_key: inc.definitionKey,
        activity_id: inc.activityId,
        kind: inc.kind,
        message: inc.message,
        retries: inc.retries,
        state: inc.state,
        created_at: inc.createdAt,
        resolved_at: inc.resolvedAt,
      });
    }
    statsCounters.apply(trx, outcome, countersBefore, batch);
    await batch.run();
    const openIncidents = await this.openIncidentsAfter(trx, outcome);
    if (outcome.answerWrites?.length) {
      const { engineState: _state, ...record } = instance;
      for (const write of outcome.answerWrites) await write(trx, { instance: record, openIncidents });
    }
    return { openIncidents };
  }

  /**
   * A new instance, or one whose incidents this event resolved, has only the incidents it
   * inserted; another has those it had before (counted when the event read the row), less the
   * one it retried.
   */
  private async openIncidentsAfter(trx: Knex.Transaction, outcome: EventOutcome): Promise<number> {
    const inserted = outcome.incidents.filter((i) => i.state === 'open').length;
    if (outcome.expectedVersion === null || outcome.resolveIncidents) return inserted;
    if (outcome.before?.openIncidents !== undefined) return outcome.before.openIncidents - (outcome.retriedIncidentId ? 1 : 0) + inserted;
    const row = (await trx('incidents').where({ process_instance_id: outcome.instance.id, state: 'open' }).count({ n: '*' }).first()) as Row | undefined;
    return Number(row?.n ?? 0);
  }

  /**
   * Inserts newly waiting user tasks and cancels open ones the instance no longer waits at; the
   * tasks it had come from `before` (the open ones, and closed ones of the executions it waits at).
   */
  private syncTasks(trx: Knex.Transaction, outcome: EventOutcome, before: statsCounters.CountersBefore | undefined, batch: WriteBatch): void {
    const instanceId = outcome.instance.id;
    const doneId = outcome.completedTask?.id;
    const doneExecution = doneId ? before?.openTasks.find((t) => t.id === doneId)?.executionId : undefined;
    const openByExecution = new Map((before?.openTasks ?? []).filter((t) => t.id !== doneId).map((t) => [t.executionId, t.id]));
    const waiting = new Set(outcome.openTasks.map((t) => t.executionId));
    const gone = [...openByExecution.entries()].filter(([exec]) => !waiting.has(exec)).map(([, id]) => id);
    if (gone.length) {
      batch.add(trx('tasks').whereIn('id', gone).update({ state: 'cancelled', completed_at: outcome.instance.updatedAt }));
    }
    for (const task of outcome.openTasks) {
      if (openByExecution.has(task.executionId)) continue;
      const closedId = before?.closedTasks.get(task.executionId) ?? (task.executionId === doneExecution ? doneId : undefined);
      if (closedId) {
        // The engine waits again at a task that was closed: an incident retry went back to it.
        batch.add(trx('tasks').where({ id: closedId }).update({ state: 'open', completed_at: null, completed_by: null, variables: null }));
        continue;
      }
      const id = task.id || crypto.randomUUID();
      batch.add(
        trx('tasks').insert({
          id,
          process_instance_id: instanceId,
          definition_key: task.definitionKey,
          activity_id: task.activityId,
          execution_id: task.executionId,
          name: task.name,
          candidate_groups: JSON.stringify(task.candidateGroups),
          assignee: task.assignee,
          state: 'open',
          created_at: task.createdAt,
          form: JSON.stringify(task.form),
          variables: null,
          ...taskAttributeColumns(task),
        }),
      );
      if (task.candidateGroups.length) batch.add(trx('task_candidate_groups').insert(task.candidateGroups.map((g) => ({ task_id: id, group_name: g }))));
      if (task.candidateUsers.length) batch.add(trx('task_candidate_users').insert(task.candidateUsers.map((u) => ({ task_id: id, user_name: u }))));
    }
  }
}
