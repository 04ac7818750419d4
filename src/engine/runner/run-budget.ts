// The runaway budget of one event: a model that loops without waiting is stopped after so many
// activities or so much time, and the instance fails instead of the node spinning.

/** A runaway model: too many activities or too much time in one event. */
export class RunawayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunawayError';
  }
}

/** A deep synchronous loop overflows the stack before the budget sees it: that is a runaway too. */
export function asRunaway(err: unknown): Error {
  if (err instanceof RunawayError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new RunawayError('the model loops without waiting (the call stack overflowed)');
  }
  return err instanceof Error ? err : new Error(String(err));
}

export class RunBudget {
  private activityCount = 0;
  private deadline = 0;

  constructor(
    private readonly activities: number,
    private readonly ms: number,
  ) {}

  /** A new event gets the whole budget. */
  begin(): void {
    this.activityCount = 0;
    this.restartClock();
  }

  /** Time spent waiting for a handler is not the model's: the clock starts again when it answers. */
  restartClock(): void {
    this.deadline = Date.now() + this.ms;
  }

  countActivity(): void {
    this.activityCount++;
    if (this.activityCount > this.activities) {
      throw new RunawayError(`more than ${this.activities} activities ran in one event: the model loops without waiting`);
    }
    if (Date.now() > this.deadline) {
      throw new RunawayError(`one event ran longer than ${this.ms} ms: the model loops without waiting`);
    }
  }

  /** The error of an event out of time while it settles, or null while there is time left. */
  unsettled(): RunawayError | null {
    return Date.now() > this.deadline ? new RunawayError(`one event ran longer than ${this.ms} ms without settling`) : null;
  }
}
