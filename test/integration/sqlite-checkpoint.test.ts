// The service's SQLite file is checkpointed by a worker thread: with the service's own connection
// checkpointing only past BACKSTOP_PAGES, the pages of committed events still reach the database
// file (not only the write-ahead log), and closing the database stops the thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateLatest, openDatabase } from '../../src/store/database';
import { waitUntil } from '../helpers/wait';

test('committed pages reach the database file without a checkpoint on the writing connection; close stops the thread', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-checkpoint-'));
  const file = path.join(dir, 'procflow.db');
  const errors: string[] = [];
  const db = openDatabase(`sqlite:${file}`, { backgroundCheckpoint: { intervalMs: 20, onError: (m) => errors.push(m) } });
  try {
    await migrateLatest(db);
    const pragma = await db.knex.raw<Array<{ wal_autocheckpoint: number }>>('pragma wal_autocheckpoint');
    expect(pragma[0]?.wal_autocheckpoint).toBe(20000);
    const before = fs.statSync(file).size;
    const rows = Array.from({ length: 400 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(2000) }));
    await db.knex.schema.createTable('checkpoint_probe', (t) => {
      t.string('key').primary();
      t.text('value');
    });
    for (let i = 0; i < rows.length; i += 50) await db.knex('checkpoint_probe').insert(rows.slice(i, i + 50));
    // ~800 KB committed: far below the backstop, so only the worker thread can have copied it.
    await waitUntil(() => Promise.resolve(fs.statSync(file).size > before + 500_000), 'the worker thread to checkpoint the log into the database file');
    expect(errors).toEqual([]);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
