// The job executor every node runs: a polling loop that leases due jobs and hands each to the
// application layer (app/jobs.ts), a few at a time. A node that dies keeps its leases only until
// they expire.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'winston';
import type { Jobs } from '../app/jobs';
import type { JobRecord } from '../app/records';

export interface JobExecutorOptions {
  pollMs: number;
  /** Lease length in real milliseconds. */
  leaseMs: number;
  batch: number;
  concurrency: number;
  onLag?: (seconds: number) => void;
  /** History retention, run every `everyMs` real milliseconds between two rounds of jobs. */
  retention?: { sweep(): Promise<number>; everyMs: number };
}

export class JobExecutor {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = true;
  private nextRetention = 0;

  constructor(
    private readonly jobs: Jobs,
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
    await this.sweepHistoryIfDue();
    const jobs = await this.jobs.acquire(this.owner, this.options.leaseMs, this.options.batch);
    if (!jobs.length) {
      this.options.onLag?.(0);
      return false;
    }
    const now = this.jobs.clock.now();
    this.options.onLag?.(Math.max(0, (now.getTime() - Date.parse(jobs[0]?.dueAt ?? now.toISOString())) / 1000));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !this.stopped) {
        const job = jobs[next++] as JobRecord;
        await this.jobs.run(job, this.owner);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, jobs.length) }, worker));
    // Stopped in the middle of a batch: what was leased but not begun goes back at once instead
    // of waiting for its lease to expire.
    if (next < jobs.length) await this.jobs.release(jobs.slice(next), this.owner);
    return jobs.length === this.options.batch;
  }

  private async sweepHistoryIfDue(): Promise<void> {
    const retention = this.options.retention;
    if (!retention || Date.now() < this.nextRetention) return;
    this.nextRetention = Date.now() + retention.everyMs;
    try {
      await retention.sweep();
    } catch (err) {
      this.logger.warn('history retention failed; it runs again next round', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }
}
