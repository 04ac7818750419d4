// The durable path over HTTP, as a REST client drives it: for each instance, start it, then for
// each of its three user tasks read the open task and complete it (7 requests, 4 events) — or,
// as a client that reads the next task from each answer's waitingAt[].taskId, start and complete
// only (4 requests, 4 events) — against the whole service (Express, auth, JSON, the runtime, the
// database) on SQLite and on Postgres, side by side with bare bpmn-engine in the same run.
// `npm run bench:http`
// Knobs: BENCH_HTTP_N (instances per measurement, default 200), BENCH_HTTP_CONCURRENCY (1,8),
// PROCFLOW_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SKIP_PG=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import type { Service } from '../src/main';
import { openDatabase } from '../src/store/database';
import { bareLifecycle } from './bare-engine';
import { callService, dropSchema, startBenchService } from './bench-service';
import { BENCH_XML, PROCESS_KEY, USER_TASKS } from './bench-process';
import { envFlag, envInt, envIntList, fmtRate, fmtRatio, log, runPool, table } from './bench-util';

const TOKEN = 'bench-http-admin-token-000';

const call = (base: string, method: string, url: string, body?: unknown, type?: string) => callService(base, TOKEN, method, url, body, type);

async function httpLifecycle(base: string): Promise<void> {
  const started = (await call(base, 'POST', `/api/process-definitions/${PROCESS_KEY}/start`, {})) as { id: string };
  for (const activity of USER_TASKS) {
    const open = (await call(base, 'GET', `/api/tasks?state=open&processInstanceId=${started.id}`)) as { items: Array<{ id: string; activityId: string }> };
    const task = open.items.find((t) => t.activityId === activity);
    if (!task) throw new Error(`instance ${started.id} does not wait at ${activity}`);
    await call(base, 'POST', `/api/tasks/${task.id}/complete`, { variables: {} });
  }
}

/** The same lifecycle without list calls: each answer names the task the instance waits at next. */
async function answersLifecycle(base: string): Promise<void> {
  type Answer = { id: string; waitingAt: Array<{ activityId: string; taskId?: string }> };
  let instance = (await call(base, 'POST', `/api/process-definitions/${PROCESS_KEY}/start`, {})) as Answer;
  for (const activity of USER_TASKS) {
    const taskId = instance.waitingAt.find((w) => w.activityId === activity)?.taskId;
    if (!taskId) throw new Error(`instance ${instance.id} does not wait at ${activity}`);
    instance = ((await call(base, 'POST', `/api/tasks/${taskId}/complete`, { variables: {} })) as { processInstance: Answer }).processInstance;
  }
}

async function startOn(databaseUrl: string, searchPath?: string): Promise<Service> {
  const service = await startBenchService(TOKEN, databaseUrl, searchPath);
  await call(service.url, 'POST', '/api/deployments?name=bench.bpmn', BENCH_XML, 'application/xml');
  return service;
}

async function measure(label: string, n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  await runPool(Math.min(20, n), concurrency, job); // warm-up
  const ms = await runPool(n, concurrency, job);
  const rate = (n * 1000) / ms;
  log(`${label}, ${concurrency} in flight: ${fmtRate(rate)} instances/s`);
  return rate;
}

async function main(): Promise<void> {
  const n = envInt('BENCH_HTTP_N', 200);
  const levels = envIntList('BENCH_HTTP_CONCURRENCY', [1, 8]);
  const rows: string[][] = [['path', ...levels.flatMap((c) => [`${c} in flight, inst/s`, `÷ (a) @${c}`])]];
  const bare: number[] = [];
  for (const c of levels) bare.push(await measure('bare bpmn-engine', n, c, (i) => bareLifecycle(i, { source: BENCH_XML }, 'execution.signal')));
  rows.push(['(a) bare bpmn-engine, new Engine({source}), execution.signal', ...bare.flatMap((r) => [fmtRate(r), '(a)'])]);

  const targets: Array<{ label: string; url: string; searchPath?: string; cleanup: () => Promise<void> }> = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-http-'));
  targets.push({
    label: 'procflow over HTTP, SQLite',
    url: `sqlite:${path.join(dir, 'bench.db')}`,
    cleanup: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  });
  if (!envFlag('BENCH_SKIP_PG')) {
    const pgUrl = process.env.PROCFLOW_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const schema = `bench_http_${Date.now()}`;
    const admin = openDatabase(pgUrl, { poolMax: 1 });
    try {
      await admin.knex.raw(`create schema "${schema}"`);
      targets.push({
        label: 'procflow over HTTP, Postgres',
        url: pgUrl,
        searchPath: schema,
        cleanup: () => dropSchema(pgUrl, schema),
      });
    } catch (err) {
      log(`Postgres unreachable (${err instanceof Error ? err.message : String(err)}): its row is skipped`);
    } finally {
      await admin.close();
    }
  }

  for (const target of targets) {
    const service = await startOn(target.url, target.searchPath);
    try {
      const clients = [
        { name: 'list, then complete (7 requests)', lifecycle: httpLifecycle },
        { name: 'from the answers (4 requests)', lifecycle: answersLifecycle },
      ];
      for (const client of clients) {
        const rates: number[] = [];
        for (const c of levels) rates.push(await measure(`${target.label}, ${client.name}`, n, c, () => client.lifecycle(service.url)));
        rows.push([
          `${target.label}, ${client.name} (engine cache ${loadConfig({}).engineCacheSize})`,
          ...rates.flatMap((r, k) => [fmtRate(r), fmtRatio(r / (bare[k] as number))]),
        ]);
      }
    } finally {
      await service.close();
      await target.cleanup();
    }
  }
  log('');
  log('Throughput over HTTP — instances completed per second (one instance = 4 events; 7 or 4 requests)');
  log(table(rows));
}

main().then(
  // Exit once the table is out, whatever timers a closed service's libraries still hold.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
