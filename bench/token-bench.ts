// What a request pays to know who its bearer token is: the token join (the lookup before the
// cache, and still the lookup on a cache miss) against the cached path (one primary-key read of
// the token epoch, then memory), with BENCH_TOKEN_USERS users (10,000) in the database, on SQLite
// and on Postgres (PROCFLOW_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres;
// BENCH_SKIP_PG=1 leaves it out). `npm run bench:growth` does not run it; run it with
// `tsc -p tsconfig.build.json && node dist/bench/token-bench.js`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserDirectory } from '../src/app/user-directory';
import { ScaledClock } from '../src/engine/clock';
import { migrateLatest, openDatabase, type Database } from '../src/store/database';
import { Store } from '../src/store/store';
import { envFlag, envInt, log, table } from './bench-util';

async function perCall(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}

async function measure(label: string, db: Database, users: number, n: number): Promise<string[]> {
  await migrateLatest(db);
  const store = new Store(db);
  const directory = new UserDirectory(store, new ScaledClock());
  const tokens: string[] = [];
  for (let i = 0; i < users; i++) tokens.push((await directory.create(`bench-user-${i}`, ['bench'])).token);
  const token = tokens[Math.floor(users / 2)] as string;
  const join = await perCall(n, () => store.users.findByToken(token));
  const epoch = await perCall(n, () => store.users.tokenEpoch());
  const cached = await perCall(n, () => directory.authenticate(token));
  log(`${label}: join ${join.toFixed(0)} µs, epoch read ${epoch.toFixed(0)} µs, cached authenticate ${cached.toFixed(0)} µs`);
  return [label, join.toFixed(0), epoch.toFixed(0), cached.toFixed(0), `${(join / cached).toFixed(2)}×`];
}

async function main(): Promise<void> {
  const users = envInt('BENCH_TOKEN_USERS', 10_000);
  const n = envInt('BENCH_TOKEN_N', 5000);
  const rows: string[][] = [['database', 'token join, µs/call', 'epoch read, µs/call', 'cached authenticate, µs/call', 'join ÷ cached']];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-token-bench-'));
  const sqlite = openDatabase(`sqlite:${path.join(dir, 'tokens.db')}`);
  try {
    rows.push(await measure('SQLite', sqlite, users, n));
  } finally {
    await sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!envFlag('BENCH_SKIP_PG')) {
    const pgUrl = process.env.PROCFLOW_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const schema = `bench_tokens_${Date.now()}`;
    const admin = openDatabase(pgUrl, { poolMax: 1 });
    await admin.knex.raw(`create schema "${schema}"`);
    const pg = openDatabase(pgUrl, { searchPath: schema });
    try {
      rows.push(await measure('Postgres', pg, users, n));
    } finally {
      await pg.close();
      await admin.knex.raw(`drop schema if exists "${schema}" cascade`);
      await admin.close();
    }
  }
  log('');
  log(`Who a bearer token is, with ${users.toLocaleString('en-US')} users (one call at a time, in-process)`);
  log(table(rows));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
