// Schedules: start a process at a time and/or on a recurrence. Claiming a due firing advances
// the schedule and queues a start job in one transaction, so each firing happens once across
// nodes (the start job itself is deleted in the same transaction that creates the instance).
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Dialect } from './dialect';
import { jobRow } from './job-store';
import { parseJson, toBool, toIso } from './row-codec';

type Row = Record<string, unknown>;

export interface ScheduleRecord {
  id: string;
  name: string;
  processKey: string;
  recurrence: string | null;
  variables: Record<string, unknown>;
  nextRunAt: string | null;
  lastRunAt: string | null;
  runsLeft: number | null;
  runCount: number;
  enabled: boolean;
  source: 'api' | 'model' | 'config';
  createdAt: string;
}

function toSchedule(r: Row): ScheduleRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    processKey: String(r.process_key),
    recurrence: (r.recurrence as string | null) ?? null,
    variables: parseJson<Record<string, unknown>>(r.variables, {}),
    nextRunAt: toIso(r.next_run_at),
    lastRunAt: toIso(r.last_run_at),
    runsLeft: r.runs_left === null || r.runs_left === undefined ? null : Number(r.runs_left),
    runCount: Number(r.run_count),
    enabled: toBool(r.enabled),
    source: r.source as ScheduleRecord['source'],
    createdAt: toIso(r.created_at) as string,
  };
}

export type NewSchedule = Omit<ScheduleRecord, 'id' | 'lastRunAt' | 'runCount' | 'createdAt'>;

export class ScheduleStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
  ) {}

  async create(s: NewSchedule, now: string): Promise<ScheduleRecord> {
    const id = crypto.randomUUID();
    await this.knex('schedules').insert({
      id,
      name: s.name,
      process_key: s.processKey,
      recurrence: s.recurrence,
      variables: JSON.stringify(s.variables),
      next_run_at: s.nextRunAt,
      last_run_at: null,
      runs_left: s.runsLeft,
      run_count: 0,
      enabled: s.enabled,
      source: s.source,
      created_at: now,
    });
    return (await this.get(id)) as ScheduleRecord;
  }

  /** Creates or updates a schedule by name, keeping its run history (used for model and config schedules). */
  async upsertByName(s: NewSchedule, now: string): Promise<ScheduleRecord> {
    const existing = (await this.knex('schedules').where({ name: s.name }).first()) as Row | undefined;
    if (!existing) return this.create(s, now);
    const current = toSchedule(existing);
    const changed = current.recurrence !== s.recurrence || current.processKey !== s.processKey;
    await this.knex('schedules')
      .where({ id: current.id })
      .update({
        process_key: s.processKey,
        recurrence: s.recurrence,
        variables: JSON.stringify(s.variables),
        enabled: s.enabled,
        ...(changed ? { next_run_at: s.nextRunAt, runs_left: s.runsLeft } : {}),
      });
    return (await this.get(current.id)) as ScheduleRecord;
  }

  async get(id: string): Promise<ScheduleRecord | undefined> {
    const row = (await this.knex('schedules').where({ id }).first()) as Row | undefined;
    return row ? toSchedule(row) : undefined;
  }

  async list(): Promise<ScheduleRecord[]> {
    return ((await this.knex('schedules').orderBy('name')) as Row[]).map(toSchedule);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.knex('schedules').where({ id }).delete()) > 0;
  }

  /**
   * Claims the due firings: each schedule due by `now` is advanced to its next run (computed by
   * `next`) and a start job is queued, in one transaction, skipping rows another node holds.
   * `skip` disables a schedule without queueing a start (its stored recurrence cannot run).
   */
  async claimDue(
    now: string,
    limit: number,
    next: (s: ScheduleRecord, firedAt: string) => { nextRunAt: string | null; runsLeft: number | null; skip?: boolean },
  ): Promise<number> {
    return this.knex.transaction(async (trx) => {
      const q = trx('schedules').where('enabled', true).andWhere('next_run_at', '<=', now).orderBy('next_run_at').limit(limit);
      if (this.dialect === 'postgres') void q.forUpdate().skipLocked();
      const due = ((await q) as Row[]).map(toSchedule);
      for (const s of due) {
        const firedAt = s.nextRunAt as string;
        const n = next(s, firedAt);
        if (n.skip) {
          await trx('schedules').where({ id: s.id }).update({ next_run_at: null, enabled: false });
          continue;
        }
        await trx('schedules')
          .where({ id: s.id })
          .update({
            next_run_at: n.nextRunAt,
            runs_left: n.runsLeft,
            last_run_at: firedAt,
            run_count: s.runCount + 1,
            enabled: n.nextRunAt !== null,
          });
        await trx('jobs').insert(
          jobRow(
            {
              id: crypto.randomUUID(),
              kind: 'start',
              processInstanceId: null,
              activityId: null,
              executionId: null,
              dueAt: firedAt,
              payload: { scheduleId: s.id, scheduleName: s.name, processKey: s.processKey, variables: s.variables, firedAt },
            },
            now,
          ),
        );
      }
      return due.length;
    });
  }
}
