// The job executor every node runs: it claims due schedule firings, takes due jobs under a
// lease, carries each out through the runtime (the same five steps as any event), and gives a
// failed job back with a backoff. A node that dies keeps its leases only until they expire.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'winston';
import type { ProcessRuntime } from '../engine/process-runtime';
import type { JobRecord } from '../store/job-store';
import type { Store } from '../store/store';
import type { ClockSync } from './clock-sync';
import type { Scheduler } from './scheduler';

export interface JobExecutorOptions {
  pollMs: number;
  /** Lease length in real milliseconds. */
  leaseMs: number;
  batch: number;
  concurrency: number;
  onLag?: (seconds: number) => void;
}

export class JobExecutor {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly runtime: ProcessRuntime,
    private readonly scheduler: Scheduler,
    private readonly clockSync: ClockSync,
    private readonly logger: Logger,
    private readonly options: JobExecutorOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick()
        .then((busy) => this.schedule(busy ? 0 : this.options.pollMs))
        .catch((err: unknown) => {
          this.logger.error('job poll failed', { error: err instanceof Error ? err.message : String(err) });
          this.schedule(this.options.pollMs * 4);
        });
    }, delay);
  }

  /** One round; true when a full batch was taken (more may be waiting). */
  async tick(): Promise<boolean> {
    await this.clockSync.refresh();
    await this.scheduler.claimDue();
    const clock = this.clockSync.clock;
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs * clock.speed).toISOString();
    const jobs = await this.store.jobs.acquire(this.owner, now.toISOString(), leaseUntil, this.options.batch);
    if (!jobs.length) {
      this.options.onLag?.(0);
      return false;
    }
    this.options.onLag?.(Math.max(0, (now.getTime() - Date.parse(jobs[0]?.dueAt ?? now.toISOString())) / 1000));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !this.stopped) {
        const job = jobs[next++] as JobRecord;
        await this.run(job);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, jobs.length) }, worker));
    return jobs.length === this.options.batch;
  }

  private async run(job: JobRecord): Promise<void> {
    try {
      await this.runtime.runJob(job);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const backoffMs = Math.min(60000, 500 * 2 ** Math.min(job.attempts, 7));
      const clock = this.clockSync.clock;
      const due = new Date(clock.now().getTime() + backoffMs * clock.speed).toISOString();
      this.logger.warn('job failed; it will be tried again', { job: job.id, kind: job.kind, attempts: job.attempts + 1, error: message });
      await this.store.jobs.retryLater(job.id, this.owner, due, message);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }
}
