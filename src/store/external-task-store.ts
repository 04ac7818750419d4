// External tasks: the service tasks waiting for an external worker, by topic, and the locks that
// workers take on them (Camunda's fetch-and-lock). A lock is a row's owner and expiry, in service
// time (the clock every node shares, which tests and operators may move), so a lock taken on one
// node runs out on all at once; two workers fetching at once never get the same row — FOR UPDATE
// SKIP LOCKED on Postgres, one write transaction on SQLite (one writer at a time), as JobStore.acquire.
import type { Knex } from 'knex';
import type { WriteBatch } from './write-batch';
import type { Dialect } from './dialect';
import { toIso } from './row-codec';
import type { ExternalTaskFilter, ExternalTaskRecord, LockTopic, Page, PageQuery } from './types';

type Row = Record<string, unknown>;

function toExternalTask(r: Row): ExternalTaskRecord {
  return {
    id: String(r.id),
    processInstanceId: String(r.process_instance_id),
    definitionKey: String(r.definition_key),
    activityId: String(r.activity_id),
    executionId: String(r.execution_id),
    topic: String(r.topic),
    createdAt: toIso(r.created_at) as string,
    completedAt: toIso(r.completed_at),
    completedBy: (r.completed_by as string | null) ?? null,
    workerId: (r.worker_id as string | null) ?? null,
    lockExpiresAt: toIso(r.lock_expires_at),
    retries: r.retries === null || r.retries === undefined ? null : Number(r.retries),
    errorMessage: (r.error_message as string | null) ?? null,
    errorDetails: (r.error_details as string | null) ?? null,
    priority: Number(r.priority ?? 0),
    retryAt: toIso(r.retry_at),
    businessKey: (r.pi_business_key as string | null) ?? null,
    definitionId: (r.pi_definition_id as string | null) ?? null,
  };
}

/** What a failure reported by a worker leaves on the task. */
export interface ExternalTaskFailure {
  retries: number;
  errorMessage: string | null;
  errorDetails: string | null;
  /** When it may be fetched again (service time). */
  retryAt: string;
}

export class ExternalTaskStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
  ) {}

  /** The tasks with their instance's business key and definition id. */
  private withInstance(): Knex.QueryBuilder {
    return this.knex('external_tasks as et')
      .leftJoin('process_instances as pi', 'pi.id', 'et.process_instance_id')
      .select('et.*', 'pi.business_key as pi_business_key', 'pi.definition_id as pi_definition_id');
  }

  async get(id: string): Promise<ExternalTaskRecord | undefined> {
    const row = (await this.withInstance().where('et.id', id).first()) as Row | undefined;
    return row ? toExternalTask(row) : undefined;
  }

  /** The tasks waiting for a worker (not the completed ones). */
  async list(filter: ExternalTaskFilter, page: PageQuery): Promise<Page<ExternalTaskRecord>> {
    const [countRow] = (await this.where(this.knex('external_tasks as et').count({ n: '*' }), filter)) as Row[];
    const rows = (await this.where(this.withInstance(), filter)
      .orderBy([{ column: 'et.created_at' }, { column: 'et.id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toExternalTask), total: Number(countRow?.n ?? 0) };
  }

  async count(filter: ExternalTaskFilter): Promise<number> {
    const [row] = (await this.where(this.knex('external_tasks as et').count({ n: '*' }), filter)) as Row[];
    return Number(row?.n ?? 0);
  }

  private where(q: Knex.QueryBuilder, f: ExternalTaskFilter): Knex.QueryBuilder {
    void q.whereNull('et.completed_at');
    if (f.id) void q.where('et.id', f.id);
    if (f.topic) void q.where('et.topic', f.topic);
    if (f.workerId) void q.where('et.worker_id', f.workerId);
    if (f.processInstanceId) void q.where('et.process_instance_id', f.processInstanceId);
    if (f.activityId) void q.where('et.activity_id', f.activityId);
    if (f.definitionKey) void q.where('et.definition_key', f.definitionKey);
    const now = f.now ?? new Date().toISOString();
    if (f.locked === true) void q.where('et.lock_expires_at', '>', now);
    if (f.locked === false) void q.where((w) => void w.whereNull('et.lock_expires_at').orWhere('et.lock_expires_at', '<=', now));
    if (f.withRetriesLeft) void q.where((w) => void w.whereNull('et.retries').orWhere('et.retries', '>', 0));
    if (f.noRetriesLeft) void q.where('et.retries', 0);
    return q;
  }

  /**
   * Locks for `workerId` up to `maxTasks` tasks of the given topics that are free at `now`
   * (service time: never locked, or the lock expired), have retries left and are due again by
   * `now`; each until `now` + its topic's lock duration. With `usePriority`, higher priority
   * first; else the oldest first.
   */
  async lock(workerId: string, topics: LockTopic[], now: string, maxTasks: number, usePriority: boolean): Promise<ExternalTaskRecord[]> {
    if (!topics.length || maxTasks <= 0) return [];
    const ids = await this.knex.transaction(async (trx) => {
      const q = trx('external_tasks')
        .select('id', 'topic')
        .whereNull('completed_at')
        .andWhere((w) => void w.whereNull('lock_expires_at').orWhere('lock_expires_at', '<=', now))
        .andWhere((w) => void w.whereNull('retries').orWhere('retries', '>', 0))
        .andWhere((w) => void w.whereNull('retry_at').orWhere('retry_at', '<=', now))
        .andWhere((w) => {
          for (const t of topics) {
            void w.orWhere((x) => {
              void x.where('topic', t.topic);
              if (t.definitionKeys?.length) void x.whereIn('definition_key', t.definitionKeys);
              if (t.definitionIds?.length)
                void x.whereIn('process_instance_id', trx('process_instances').select('id').whereIn('definition_id', t.definitionIds));
              if (t.businessKey !== undefined)
                void x.whereIn('process_instance_id', trx('process_instances').select('id').where('business_key', t.businessKey));
            });
          }
        })
        .orderBy([...(usePriority ? [{ column: 'priority', order: 'desc' as const }] : []), { column: 'created_at' }, { column: 'id' }])
        .limit(maxTasks);
      if (this.dialect === 'postgres') void q.forUpdate().skipLocked();
      const rows = (await q) as Row[];
      const duration = new Map(topics.map((t) => [t.topic, t.lockDurationMs]));
      for (const [topic, ms] of duration) {
        const mine = rows.filter((r) => r.topic === topic).map((r) => String(r.id));
        if (!mine.length) continue;
        const until = new Date(Date.parse(now) + ms).toISOString();
        await trx('external_tasks').whereIn('id', mine).update({ worker_id: workerId, lock_expires_at: until, retry_at: null });
      }
      return rows.map((r) => String(r.id));
    });
    if (!ids.length) return [];
    const rows = (await this.withInstance().whereIn('et.id', ids)) as Row[];
    const order = new Map(ids.map((id, i) => [id, i]));
    return rows.map(toExternalTask).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  /** Sets a new expiry on a lock `workerId` holds at `now`; false when it holds none on this open task. */
  async extendLock(id: string, workerId: string, now: string, until: string): Promise<boolean> {
    const n = await this.knex('external_tasks')
      .where({ id, worker_id: workerId })
      .whereNull('completed_at')
      .where('lock_expires_at', '>', now)
      .update({ lock_expires_at: until });
    return n > 0;
  }

  /**
   * Locks this one task for `workerId` until `until` if it is free at `now` (or already held by
   * that worker) and has retries left; false otherwise.
   */
  async lockOne(id: string, workerId: string, now: string, until: string): Promise<boolean> {
    const n = await this.knex('external_tasks')
      .where({ id })
      .whereNull('completed_at')
      .andWhere((w) => void w.whereNull('lock_expires_at').orWhere('lock_expires_at', '<=', now).orWhere('worker_id', workerId))
      .andWhere((w) => void w.whereNull('retries').orWhere('retries', '>', 0))
      .update({ worker_id: workerId, lock_expires_at: until, retry_at: null });
    return n > 0;
  }

  /** Clears the lock (whoever held it); false when the task is not open. */
  async unlock(id: string): Promise<boolean> {
    const n = await this.knex('external_tasks').where({ id }).whereNull('completed_at').update({ worker_id: null, lock_expires_at: null });
    return n > 0;
  }

  /**
   * Records a failure reported by the worker that last locked the task: its lock ends, and it is
   * fetchable again at `retryAt` if retries remain. False when `workerId` is not that worker.
   */
  async recordFailure(id: string, workerId: string, failure: ExternalTaskFailure): Promise<boolean> {
    const n = await this.knex('external_tasks')
      .where({ id, worker_id: workerId })
      .whereNull('completed_at')
      .update({
        lock_expires_at: null,
        retries: failure.retries,
        error_message: failure.errorMessage?.slice(0, 4000) ?? null,
        error_details: failure.errorDetails,
        retry_at: failure.retryAt,
      });
    return n > 0;
  }

  /**
   * Makes the instance's waiting rows the given set, keeping the ones that stay (and their
   * creation time and lock); completed rows stay as they are.
   */
  static sync(trx: Knex.Transaction, processInstanceId: string, tasks: ExternalTaskRecord[], batch: WriteBatch): void {
    const keep = tasks.map((t) => t.executionId);
    const gone = trx('external_tasks').where({ process_instance_id: processInstanceId }).whereNull('completed_at');
    if (keep.length) void gone.whereNotIn('execution_id', keep);
    batch.add(gone.delete());
    if (!tasks.length) return;
    batch.add(
      trx('external_tasks')
        .insert(
          tasks.map((t) => ({
            id: t.id,
            process_instance_id: t.processInstanceId,
            definition_key: t.definitionKey,
            activity_id: t.activityId,
            execution_id: t.executionId,
            topic: t.topic,
            created_at: t.createdAt,
            priority: t.priority ?? 0,
          })),
        )
        .onConflict(['process_instance_id', 'execution_id'])
        // Waiting again at an execution that was completed (an incident retry went back to it).
        .merge({ completed_at: null, completed_by: null }),
    );
  }
}
