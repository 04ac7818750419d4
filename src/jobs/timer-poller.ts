// Fires due BPMN timers: every node polls the instances whose next timer is due by the service
// clock and runs a timer event on each (the version check keeps two nodes from both applying it).
import type { Logger } from 'winston';
import type { ProcessRuntime } from '../engine/process-runtime';

export class TimerPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  async tick(): Promise<void> {
    try {
      for (;;) {
        const fired = await this.runtime.fireDueTimers(50);
        if (fired < 50 || this.stopped) break;
      }
    } catch (err) {
      this.logger.error('timer poll failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
