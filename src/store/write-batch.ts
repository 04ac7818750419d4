// Writes of one transaction whose answers nothing reads (counter upserts, history rows), sent
// together. On Postgres every statement is a round trip to the server and back, and an event's
// commit made a dozen of them; queued here, they go as one statement, each write a data-modifying
// `WITH` part (Postgres runs every part, in order, whether the final select reads it or not). On
// SQLite a statement is a call into the same process, and they run one by one.
//
// Only independent writes belong here: the parts of one statement see the database as it was when
// the statement began, so a part must not need a row that another part writes, and no two parts may
// write the same row.
import type { Knex } from 'knex';
import { dialectOf } from './dialect';

export class WriteBatch {
  private readonly queued: Knex.QueryBuilder[] = [];

  constructor(private readonly trx: Knex.Transaction) {}

  add(write: Knex.QueryBuilder): void {
    this.queued.push(write);
  }

  /** Sends what was queued (in the order it was queued) and empties the batch. */
  async run(): Promise<void> {
    const writes = this.queued.splice(0);
    if (writes.length < 2 || dialectOf(this.trx) !== 'postgres') {
      for (const write of writes) await write;
      return;
    }
    // One statement as long as its parameters stay well under Postgres's 65,535; a large event (a
    // multi-instance task of thousands) goes as several.
    let group: Array<{ write: Knex.QueryBuilder; part: Part }> = [];
    let bound = 0;
    for (const write of writes) {
      const part: Part = write.toSQL();
      if (group.length && bound + part.bindings.length > MAX_BINDINGS) {
        await this.send(group);
        group = [];
        bound = 0;
      }
      group.push({ write, part });
      bound += part.bindings.length;
    }
    await this.send(group);
  }

  private async send(group: Array<{ write: Knex.QueryBuilder; part: Part }>): Promise<void> {
    if (group.length === 1) {
      await group[0]?.write;
      return;
    }
    const sql = `with ${group.map(({ part }, i) => `w${i} as (${part.sql})`).join(', ')} select 1`;
    await this.trx.raw(
      sql,
      group.flatMap(({ part }) => part.bindings),
    );
  }
}

type Part = { sql: string; bindings: readonly Knex.Value[] };

/** Parameters of one batch statement at most (Postgres allows 65,535 in one statement). */
export const MAX_BINDINGS = 20_000;
