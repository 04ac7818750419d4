// The service clock (anyone reads it, admin sets it) and the scheduler's schedules (anyone lists
// them, admin creates and deletes).
import type { Clock } from '../engine/clock';
import type { ScheduleRecord } from '../store/schedule-store';
import { requireCapability, type Actor } from './access';
import type { ClockSync } from './clock-sync';
import type { ScheduleInput, Scheduler } from './scheduler';

export interface ClockReading {
  now: string;
  speed: number;
}

export class Schedules {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly clockSync: ClockSync,
    private readonly clock: Clock,
  ) {}

  async readClock(): Promise<ClockReading> {
    await this.clockSync.refresh();
    return this.reading();
  }

  async setClock(actor: Actor, change: { speed?: number; now?: Date }): Promise<ClockReading> {
    requireCapability(actor, 'clock:set');
    await this.clockSync.set(change);
    return this.reading();
  }

  list(): Promise<ScheduleRecord[]> {
    return this.scheduler.list();
  }

  create(actor: Actor, input: ScheduleInput): Promise<ScheduleRecord> {
    requireCapability(actor, 'schedules:manage');
    return this.scheduler.create(input);
  }

  delete(actor: Actor, id: string): Promise<void> {
    requireCapability(actor, 'schedules:manage');
    return this.scheduler.delete(id);
  }

  private reading(): ClockReading {
    return { now: this.clock.now().toISOString(), speed: this.clock.speed };
  }
}
