// The jobs table: work due later (BPMN timers, service-task retries, schedule firings, thrown signals), taken by
// one node at a time under a lease — FOR UPDATE SKIP LOCKED on Postgres, a write transaction on
// SQLite (one writer at a time). A node that dies loses its lease and another takes the job.
// `due_at` is service time (the clock may run faster); `lock_expires_at` is real wall-clock time,
// so that a lease lasts PROCFLOW_JOB_LEASE_MS whatever the clock's speed was when it was taken.
import type { Knex } from 'knex';
import { parseJson, toIso } from './row-codec';
import type { Dialect } from './dialect';

type Row = Record<string, unknown>;

export type JobKind = 'timer' | 'service-retry' | 'start' | 'signal';

export interface JobRecord {
  id: string;
  kind: JobKind;
  processInstanceId: string | null;
  activityId: string | null;
  executionId: string | null;
  dueAt: string;
  attempts: number;
  lastError: string | null;
  payload: Record<string, unknown>;
}

export interface NewJob {
  id: string;
  kind: JobKind;
  processInstanceId: string | null;
  activityId: string | null;
  executionId: string | null;
  dueAt: string;
  payload: Record<string, unknown>;
}

export interface JobListFilter {
  processInstanceId?: string;
  definitionKey?: string;
  kind?: JobKind;
}

/** A job as the job list shows it: with its instance's definition and business key. */
export interface JobListRow extends JobRecord {
  definitionId: string | null;
  definitionKey: string | null;
  businessKey: string | null;
}

function toJob(r: Row): JobRecord {
  return {
    id: String(r.id),
    kind: r.kind as JobKind,
    processInstanceId: (r.process_instance_id as string | null) ?? null,
    activityId: (r.activity_id as string | null) ?? null,
    executionId: (r.execution_id as string | null) ?? null,
    dueAt: toIso(r.due_at) as string,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    payload: parseJson<Record<string, unknown>>(r.payload, {}),
  };
}

export function jobRow(job: NewJob, now: string): Row {
  return {
    id: job.id,
    kind: job.kind,
    process_instance_id: job.processInstanceId,
    activity_id: job.activityId,
    execution_id: job.executionId,
    due_at: job.dueAt,
    attempts: 0,
    payload: JSON.stringify(job.payload),
    created_at: now,
  };
}

export class JobStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
  ) {}

  async insert(jobs: NewJob[], now: string, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    if (jobs.length) await trx('jobs').insert(jobs.map((j) => jobRow(j, now)));
  }

  /**
   * Takes up to `limit` jobs due by `dueBy` (service time) whose lease is free or expired at
   * `realNow` (real time), for `owner`, until `leaseUntil` (real time).
   */
  async acquire(owner: string, at: { dueBy: string; realNow: string; leaseUntil: string }, limit: number): Promise<JobRecord[]> {
    const { dueBy, realNow, leaseUntil } = at;
    if (this.dialect === 'postgres') {
      const result = await this.knex.raw<{ rows: Row[] }>(
        `update jobs set lock_owner = ?, lock_expires_at = ?
         where id in (
           select id from jobs
           where due_at <= ? and (lock_expires_at is null or lock_expires_at < ?)
           order by due_at limit ? for update skip locked)
         returning *`,
        [owner, leaseUntil, dueBy, realNow, limit],
      );
      return result.rows.map(toJob).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    }
    return this.knex.transaction(async (trx) => {
      const rows = (await trx('jobs')
        .where('due_at', '<=', dueBy)
        .andWhere((w) => void w.whereNull('lock_expires_at').orWhere('lock_expires_at', '<', realNow))
        .orderBy('due_at')
        .limit(limit)) as Row[];
      if (rows.length) {
        await trx('jobs')
          .whereIn(
            'id',
            rows.map((r) => String(r.id)),
          )
          .update({ lock_owner: owner, lock_expires_at: leaseUntil });
      }
      return rows.map(toJob);
    });
  }

  /** Takes the lease of one job by id, if no one holds it (the node that made the job runs it at once). */
  async lease(id: string, owner: string, at: { realNow: string; leaseUntil: string }): Promise<JobRecord | undefined> {
    const taken = await this.knex('jobs')
      .where({ id })
      .andWhere((w) => void w.whereNull('lock_expires_at').orWhere('lock_expires_at', '<', at.realNow))
      .update({ lock_owner: owner, lock_expires_at: at.leaseUntil });
    if (!taken) return undefined;
    const row = (await this.knex('jobs').where({ id, lock_owner: owner }).first()) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  /** Gives back leases that `owner` took but will not carry out (it is stopping): others may take them now. */
  async release(ids: string[], owner: string): Promise<void> {
    if (ids.length) await this.knex('jobs').whereIn('id', ids).andWhere({ lock_owner: owner }).update({ lock_owner: null, lock_expires_at: null });
  }

  async delete(id: string, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    await trx('jobs').where({ id }).delete();
  }

  /** Gives the job back to be tried again at `dueAt`, keeping the error. */
  async retryLater(id: string, owner: string, dueAt: string, error: string): Promise<void> {
    await this.knex('jobs')
      .where({ id, lock_owner: owner })
      .update({ due_at: dueAt, lock_owner: null, lock_expires_at: null, last_error: error.slice(0, 2000), attempts: this.knex.raw('attempts + 1') });
  }

  async timersOf(processInstanceId: string): Promise<JobRecord[]> {
    const rows = (await this.knex('jobs').where({ process_instance_id: processInstanceId, kind: 'timer' })) as Row[];
    return rows.map(toJob);
  }

  async list(filter: { processInstanceId?: string; kind?: JobKind }, limit = 500): Promise<JobRecord[]> {
    const q = this.knex('jobs').select('*');
    if (filter.processInstanceId) void q.where('process_instance_id', filter.processInstanceId);
    if (filter.kind) void q.where('kind', filter.kind);
    return ((await q.orderBy('due_at').limit(limit)) as Row[]).map(toJob);
  }

  /**
   * One page of the jobs waiting now (timers, service-task retries, scheduled starts), soonest due
   * first, each with its instance's definition; filtered by instance, definition key and kind.
   */
  async page(filter: JobListFilter, page: { limit: number; offset: number }): Promise<{ items: JobListRow[]; total: number }> {
    const where = (q: Knex.QueryBuilder) => {
      if (filter.processInstanceId) void q.where('j.process_instance_id', filter.processInstanceId);
      if (filter.definitionKey) void q.where('pi.definition_key', filter.definitionKey);
      if (filter.kind) void q.where('j.kind', filter.kind);
      return q;
    };
    const base = () => this.knex('jobs as j').leftJoin('process_instances as pi', 'pi.id', 'j.process_instance_id');
    const [countRow] = (await where(base().count({ n: '*' }))) as Row[];
    const rows = (await where(
      base().select('j.*', 'pi.definition_id as pi_definition_id', 'pi.definition_key as pi_definition_key', 'pi.business_key as pi_business_key'),
    )
      .orderBy([{ column: 'j.due_at' }, { column: 'j.id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return {
      items: rows.map((r) => ({
        ...toJob(r),
        definitionId: (r.pi_definition_id as string | null) ?? null,
        definitionKey: (r.pi_definition_key as string | null) ?? null,
        businessKey: (r.pi_business_key as string | null) ?? null,
      })),
      total: Number(countRow?.n ?? 0),
    };
  }

  /** Seconds between the oldest due job's due time and `now` (0 when nothing is due). */
  async lagSeconds(now: string): Promise<number> {
    const row = (await this.knex('jobs').where('due_at', '<=', now).min({ m: 'due_at' }).first()) as Row | undefined;
    const oldest = toIso(row?.m);
    return oldest ? Math.max(0, (Date.parse(now) - Date.parse(oldest)) / 1000) : 0;
  }
}
