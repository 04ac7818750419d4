// Carrying out a due job, whichever node leased it: a schedule's start, a timer, a service-task
// retry, a signal a throw event sent to the other instances. Each goes through the same five steps as any event and its row is deleted in that
// event's transaction; a job that could not be carried out is given back with the backoff of
// the one retry policy (engine/retry-policy.ts).
import { AppError } from '../errors/app-error';
import type { Clock } from '../engine/clock';
import { jobBackoffMs } from '../engine/retry-policy';
import type { JobRecord } from '../store/job-store';
import type { AppContext } from './context';
import type { ProcessStarts } from './process-starts';
import type { ClockSync } from './clock-sync';
import type { Messages } from './messages';
import type { Scheduler } from './scheduler';

const SIGNAL_OWNER = 'thrown-signal';
/** How long a job run at once is held before a poll may take it (a crash in between). */
const RUN_NOW_LEASE_MS = 60_000;

/** Errors meaning the job's target is gone: the job is dropped, not retried. */
const NOTHING_LEFT = new Set(['INSTANCE_ENDED', 'INSTANCE_NOT_FOUND', 'DEFINITION_NOT_FOUND', 'DEFINITION_NOT_EXECUTABLE', 'NOT_FOUND']);

export class Jobs {
  constructor(
    private readonly ctx: AppContext,
    private readonly starts: ProcessStarts,
    private readonly scheduler: Scheduler,
    private readonly clockSync: ClockSync,
    private readonly messages: Messages,
  ) {
    ctx.events.onSignalsThrown((ids) => this.runNow(ids));
  }

  /**
   * Runs jobs an event just committed (the signals its throw events sent), here and now, so that
   * the event's answer comes after their delivery, as in Camunda 7; a job another node already
   * leased is left to it. The lease is as long as a poll's (a crash leaves the job to the poll).
   */
  async runNow(ids: string[]): Promise<void> {
    const owner = `${SIGNAL_OWNER}:${process.pid}`;
    for (const id of ids) {
      const realNow = Date.now();
      const job = await this.ctx.store.jobs.lease(id, owner, {
        realNow: new Date(realNow).toISOString(),
        leaseUntil: new Date(realNow + RUN_NOW_LEASE_MS).toISOString(),
      });
      if (job) await this.run(job, owner);
    }
  }

  get clock(): Clock {
    return this.clockSync.clock;
  }

  /**
   * Follows the shared clock, turns due schedule firings into start jobs, and leases due jobs for
   * `leaseMs` real milliseconds. Due times are service time; leases are real time (wall clock,
   * as every node reads it), so a lease taken while the clock ran fast still ends after `leaseMs`.
   */
  async acquire(owner: string, leaseMs: number, batch: number): Promise<JobRecord[]> {
    await this.clockSync.refresh();
    await this.scheduler.claimDue();
    const realNow = Date.now();
    return this.ctx.store.jobs.acquire(
      owner,
      { dueBy: this.clock.now().toISOString(), realNow: new Date(realNow).toISOString(), leaseUntil: new Date(realNow + leaseMs).toISOString() },
      batch,
    );
  }

  /** Gives back leased jobs this node will not carry out (it is stopping). */
  async release(jobs: JobRecord[], owner: string): Promise<void> {
    await this.ctx.store.jobs.release(
      jobs.map((j) => j.id),
      owner,
    );
  }

  /** Carries out one leased job; a failure gives it back for later (it never throws). */
  async run(job: JobRecord, owner: string): Promise<void> {
    try {
      await this.dispatch(job);
    } catch (err) {
      if (err instanceof AppError && NOTHING_LEFT.has(err.code)) {
        this.ctx.logger.info('job has nothing left to do', { job: job.id, kind: job.kind, reason: err.detail });
        await this.ctx.store.jobs.delete(job.id);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const due = new Date(this.clock.now().getTime() + jobBackoffMs(job.attempts) * this.clock.speed).toISOString();
      this.ctx.logger.warn('job failed; it will be tried again', { job: job.id, kind: job.kind, attempts: job.attempts + 1, error: message });
      await this.ctx.store.jobs.retryLater(job.id, owner, due, message);
    }
  }

  private async dispatch(job: JobRecord): Promise<void> {
    if (job.kind === 'start') {
      const key = String(job.payload.processKey ?? '');
      const variables = { ...((job.payload.variables as Record<string, unknown> | undefined) ?? {}), scheduledAt: job.payload.firedAt };
      try {
        await this.starts.startLatest(key, { variables }, null, { fireStartTimers: true, completeJobId: job.id });
      } catch (err) {
        if (err instanceof AppError && err.code === 'DEFINITION_NOT_FOUND') {
          throw new AppError('DEFINITION_NOT_FOUND', `schedule <${String(job.payload.scheduleName)}> names process <${key}>, which is not deployed`);
        }
        throw err;
      }
      return;
    }
    if (job.kind === 'signal') {
      const thrownBy = typeof job.payload.thrownBy === 'string' ? job.payload.thrownBy : null;
      await this.messages.deliverThrownSignal(String(job.payload.signalName ?? ''), thrownBy, job.id);
      await this.ctx.store.jobs.delete(job.id);
      return;
    }
    const instanceId = job.processInstanceId;
    if (!instanceId) throw new AppError('NOT_FOUND', `job <${job.id}> names no process instance`);
    if (job.kind === 'timer') await this.ctx.events.fireTimers(instanceId, job.id);
    else await this.ctx.events.retryService(instanceId, job.id, Number(job.payload.attempt ?? 2));
  }
}
