// `npm run bench:statements`: the SQL statements a lifecycle of the benchmark process runs (start
// and three completions, each with the task id from the previous answer, one at a time, over HTTP
// from a client process), counted with knex's `query` event and grouped by statement, on SQLite and
// Postgres. Counts, not times: the figure does not depend on the machine.
// Settings: BENCH_STATEMENTS_N (lifecycles counted, default 20, after 5 of warm-up),
// PROCFLOW_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SKIP_PG=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callService, createSchema, dropSchema, startBenchService } from './bench-service';
import { BENCH_XML } from './bench-process';
import { envFlag, envInt, log, table } from './bench-util';
import { HttpClientProcess, type ClientJob } from './http-client-process';

const TOKEN = 'bench-statements-admin-token-000';

async function count(label: string, url: string, n: number, searchPath?: string): Promise<void> {
  const service = await startBenchService(TOKEN, url, searchPath);
  const client = HttpClientProcess.start();
  try {
    await callService(service.url, TOKEN, 'POST', '/api/deployments?name=bench.bpmn', BENCH_XML, 'application/xml');
    const job = (lifecycles: number): ClientJob => ({
      base: service.url,
      token: TOKEN,
      lifecycle: 'answers',
      n: lifecycles,
      mode: { kind: 'closed', concurrency: 1 },
    });
    await client.run(job(5));
    const bySql = new Map<string, number>();
    const onQuery = (q: { sql: string }) => {
      const key = q.sql.replace(/\s+/g, ' ').slice(0, 110);
      bySql.set(key, (bySql.get(key) ?? 0) + 1);
    };
    service.store.db.knex.on('query', onQuery);
    await client.run(job(n));
    service.store.db.knex.off('query', onQuery);
    const total = [...bySql.values()].reduce((a, b) => a + b, 0);
    log(`${label}: ${(total / n).toFixed(2)} statements per lifecycle (${n} lifecycles, 4 requests each; background polls included)`);
    const rows = [...bySql].sort((a, b) => b[1] - a[1]).map(([sql, k]) => [(k / n).toFixed(2), sql]);
    console.log(table([['per lifecycle', 'statement'], ...rows]));
  } finally {
    await client.close();
    await service.close();
  }
}

async function main(): Promise<void> {
  const n = envInt('BENCH_STATEMENTS_N', 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-statements-'));
  try {
    await count('SQLite', `sqlite:${path.join(dir, 'bench.db')}`, n);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (envFlag('BENCH_SKIP_PG')) return;
  const pgUrl = process.env.PROCFLOW_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let schema: string;
  try {
    schema = await createSchema(pgUrl, 'bench_statements');
  } catch (err) {
    log(`Postgres unreachable (${err instanceof Error ? err.message : String(err)}): skipped`);
    return;
  }
  try {
    await count('Postgres', pgUrl, n, schema);
  } finally {
    await dropSchema(pgUrl, schema);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
