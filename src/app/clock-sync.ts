// Keeps every node on one service clock: the anchor (speed and origin) lives in the database;
// a node applies its configured speed at start and follows changes made by any node.
import type { ScaledClock } from '../engine/clock';
import type { ClockAnchor } from '../store/clock-store';
import type { Store } from '../store/store';

export class ClockSync {
  /** When the anchor this node runs on was written; older rows read later are stale. */
  private updatedMs = 0;

  constructor(
    private readonly store: Store,
    readonly clock: ScaledClock,
  ) {}

  /** Continues the stored service time (if any) at the configured speed. */
  async init(configuredSpeed: number): Promise<void> {
    const stored = await this.store.clock.get();
    if (stored) this.adopt(stored);
    if (!stored || stored.speed !== configuredSpeed) this.clock.setSpeed(configuredSpeed);
    await this.save();
  }

  async refresh(): Promise<void> {
    const stored = await this.store.clock.get();
    if (stored && stored.updatedMs > this.updatedMs) this.adopt(stored);
  }

  async set(change: { speed?: number; now?: Date }): Promise<void> {
    await this.refresh();
    if (change.speed !== undefined) this.clock.setSpeed(change.speed);
    if (change.now) this.clock.setNow(change.now);
    await this.save();
  }

  private adopt(a: ClockAnchor): void {
    this.clock.adopt(a);
    this.updatedMs = a.updatedMs;
  }

  private async save(): Promise<void> {
    this.updatedMs = Math.max(Date.now(), this.updatedMs + 1);
    await this.store.clock.set({ ...this.clock.anchor(), updatedMs: this.updatedMs });
  }
}
