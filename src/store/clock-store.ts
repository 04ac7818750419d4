// The shared service clock's anchor (speed and origin), so every node reads the same time.
import type { Knex } from 'knex';

export interface ClockAnchor {
  speed: number;
  originRealMs: number;
  originServiceMs: number;
  /** When the anchor was written (real ms): a node never adopts an anchor older than its own. */
  updatedMs: number;
}

export class ClockStore {
  constructor(private readonly knex: Knex) {}

  async get(): Promise<ClockAnchor | undefined> {
    const row = (await this.knex('clock_state').where({ id: 1 }).first()) as Record<string, unknown> | undefined;
    return row
      ? {
          speed: Number(row.speed),
          originRealMs: Number(row.origin_real_ms),
          originServiceMs: Number(row.origin_service_ms),
          updatedMs: Number(row.updated_ms),
        }
      : undefined;
  }

  async set(a: ClockAnchor): Promise<void> {
    await this.knex('clock_state')
      .insert({ id: 1, speed: a.speed, origin_real_ms: a.originRealMs, origin_service_ms: a.originServiceMs, updated_ms: a.updatedMs })
      .onConflict('id')
      .merge();
  }
}
