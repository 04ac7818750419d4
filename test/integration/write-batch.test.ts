// The commit's write batch (src/store/write-batch.ts) on both databases: every queued write lands,
// in order, in the event's transaction; Postgres gets them as few statements as its parameter
// limit allows, SQLite one by one; a failing write takes the whole transaction with it.
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../../src/store/database';
import { MAX_BINDINGS, WriteBatch } from '../../src/store/write-batch';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

describe.each(databaseKinds)('the write batch on %s', (kind) => {
  let tdb: TestDatabase;
  let db: Database;
  let knex: Knex;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    db = openDatabase(tdb.url, tdb.searchPath ? { searchPath: tdb.searchPath } : {});
    knex = db.knex;
    await knex.schema.createTable('parents', (t) => {
      t.string('id').primary();
      t.integer('n').notNullable();
    });
    await knex.schema.createTable('children', (t) => {
      t.increments('id');
      t.string('parent_id').notNullable().references('parents.id');
      t.integer('k').notNullable();
    });
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  beforeEach(async () => {
    await knex('children').delete();
    await knex('parents').delete();
  });

  /** Statements the function sends (BEGIN and COMMIT aside). */
  async function statementsOf(fn: () => Promise<void>): Promise<number> {
    let n = 0;
    const count = (q: { sql: string }) => {
      if (!/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.sql.trim())) n++;
    };
    knex.on('query', count);
    try {
      await fn();
    } finally {
      knex.off('query', count);
    }
    return n;
  }

  test('a parent, its children and an update of another row land together; Postgres sends them as one statement', async () => {
    await knex('parents').insert({ id: 'old', n: 1 });
    const sent = await statementsOf(() =>
      knex.transaction(async (trx) => {
        const batch = new WriteBatch(trx);
        batch.add(trx('parents').insert({ id: 'p', n: 0 }));
        batch.add(trx('children').insert([1, 2, 3].map((k) => ({ parent_id: 'p', k }))));
        batch.add(trx('parents').where({ id: 'old' }).update({ n: 2 }));
        await batch.run();
      }),
    );
    expect(sent).toBe(kind === 'postgres' ? 1 : 3);
    expect(await knex('parents').orderBy('id').select('id', 'n')).toEqual([
      { id: 'old', n: 2 },
      { id: 'p', n: 0 },
    ]);
    expect((await knex('children').orderBy('k').select('k')).map((r: { k: number }) => r.k)).toEqual([1, 2, 3]);
  });

  test(`writes with more than ${MAX_BINDINGS.toLocaleString('en')} parameters in all are split into several statements, and all land`, async () => {
    await knex('parents').insert({ id: 'p', n: 0 });
    // Each insert: 500 rows × 2 parameters; 25 of them = 25,000 parameters.
    const rows = 500;
    const inserts = 25;
    const sent = await statementsOf(() =>
      knex.transaction(async (trx) => {
        const batch = new WriteBatch(trx);
        for (let i = 0; i < inserts; i++) batch.add(trx('children').insert(Array.from({ length: rows }, (_, j) => ({ parent_id: 'p', k: i * rows + j }))));
        await batch.run();
      }),
    );
    expect(sent).toBe(kind === 'postgres' ? Math.ceil((inserts * rows * 2) / MAX_BINDINGS) : inserts);
    const totals = (await knex('children').count({ n: '*' }).max({ max: 'k' }).first()) as { n: unknown; max: unknown };
    expect([Number(totals.n), Number(totals.max)]).toEqual([inserts * rows, inserts * rows - 1]);
  });

  test('a write that fails rolls the whole transaction back, the batch included', async () => {
    // Read as a value: better-sqlite3's errors come from the realm that first loaded it, which is
    // not this test file's when another file in the same worker did (no instanceof Error here).
    const failure: unknown = await knex
      .transaction(async (trx) => {
        await trx('parents').insert({ id: 'before', n: 0 });
        const batch = new WriteBatch(trx);
        batch.add(trx('parents').insert({ id: 'q', n: 0 }));
        batch.add(trx('children').insert({ parent_id: 'nobody', k: 1 }));
        await batch.run();
      })
      .then(
        () => 'committed',
        (err: unknown) => err,
      );
    expect(String((failure as { message?: unknown }).message)).toMatch(/foreign key/i);
    expect(await knex('parents').select('id')).toEqual([]);
    expect(await knex('children').select('id')).toEqual([]);
  });
});
