// The one service clock: timers, schedules and `now()` in expressions read it. It can run faster
// than real time (speed 60 = a minute per second) so demos and timer tests need no sleeping.

export interface Clock {
  now(): Date;
  readonly speed: number;
  setSpeed(speed: number): void;
  /** Converts a span of service time into real milliseconds to wait. */
  realDelay(serviceMs: number): number;
}

export class ScaledClock implements Clock {
  private originReal = Date.now();
  private originService = Date.now();

  constructor(private currentSpeed = 1) {}

  get speed(): number {
    return this.currentSpeed;
  }

  now(): Date {
    return new Date(this.originService + (Date.now() - this.originReal) * this.currentSpeed);
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`clock speed must be positive, found ${speed}`);
    // Re-anchor so that service time stays continuous when the speed changes.
    this.originService = this.now().getTime();
    this.originReal = Date.now();
    this.currentSpeed = speed;
  }

  /** Moves service time to `at` (a demo or a test jumping ahead), keeping the speed. */
  setNow(at: Date): void {
    this.originService = at.getTime();
    this.originReal = Date.now();
  }

  realDelay(serviceMs: number): number {
    return Math.max(0, serviceMs / this.currentSpeed);
  }

  /** Where service time and real time meet, and the speed: shared through the database. */
  anchor(): { speed: number; originRealMs: number; originServiceMs: number } {
    return { speed: this.currentSpeed, originRealMs: this.originReal, originServiceMs: this.originService };
  }

  adopt(a: { speed: number; originRealMs: number; originServiceMs: number }): void {
    this.currentSpeed = a.speed;
    this.originReal = a.originRealMs;
    this.originService = a.originServiceMs;
  }
}
