// The lifecycle flags one runner's parts share: ended, failed, detached, resuming, and the count
// of engine events the settle loop watches to know the engine has gone quiet.
import { asRunaway } from './run-budget';

export class RunnerState {
  ended = false;
  failure: Error | null = null;
  detached = false;
  /** A resume re-emits the waits of open activities: those are not history, nor due timers of this event. */
  resuming = false;
  eventCount = 0;

  /** The first failure of an event is the one reported. */
  fail(err: unknown): void {
    this.failure ??= asRunaway(err);
  }

  /** Runs engine code that may throw synchronously (a runaway, a handler callback). */
  callSafely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.fail(err);
    }
  }
}
