// Keeps every node on one service clock: the anchor (speed and origin) lives in the database;
// a node applies its configured speed at start and follows changes made by any node.
import type { ScaledClock } from '../engine/clock';
import type { Store } from '../store/store';

export class ClockSync {
  constructor(
    private readonly store: Store,
    readonly clock: ScaledClock,
  ) {}

  /** Continues the stored service time (if any) at the configured speed. */
  async init(configuredSpeed: number): Promise<void> {
    const stored = await this.store.clock.get();
    if (stored) this.clock.adopt(stored);
    if (!stored || stored.speed !== configuredSpeed) this.clock.setSpeed(configuredSpeed);
    await this.store.clock.set(this.clock.anchor());
  }

  async refresh(): Promise<void> {
    const stored = await this.store.clock.get();
    if (stored) this.clock.adopt(stored);
  }

  async setSpeed(speed: number): Promise<void> {
    await this.refresh();
    this.clock.setSpeed(speed);
    await this.store.clock.set(this.clock.anchor());
  }
}
