// External tasks over HTTP, as workers drive them: N instances each wait at one external service
// task; W workers (concurrent loops in this process, each its own workerId) fetch and lock up to
// M tasks at a time and complete each one, until all N are done — once through Camunda's
// /engine-rest (fetchAndLock → complete with typed variables, as camunda-external-task-client-js
// sends them) and once through procflow's own /api/external-tasks (fetch-and-lock → complete),
// in one run, against the whole service (Express, auth, JSON, the runtime, the database), each
// path on a fresh database.
// SQLite always; Postgres too when PROCFLOW_BENCH_PG_URL is set. `npm run bench:external`
// Knobs: BENCH_EXT_N (tasks per measurement, default 1000), BENCH_EXT_WORKERS (default 4),
// BENCH_EXT_MAX_TASKS (tasks per fetch, default 10).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Service } from '../src/main';
import { callService, createSchema, dropSchema, startBenchService } from './bench-service';
import { envInt, fmtRate, log, runPool, table } from './bench-util';

const TOKEN = 'bench-external-admin-token-000';

/** Exercises: one external service task with the given topic between a none start and an end. */
function externalProcess(key: string, topic: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_${key}" targetNamespace="http://procflow.dev/bench">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="${topic}" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

const call = (base: string, method: string, url: string, body?: unknown, type?: string) => callService(base, TOKEN, method, url, body, type);

interface Protocol {
  label: string;
  key: string;
  topic: string;
  /** One fetch of up to `maxTasks` tasks for `workerId`; the ids locked. */
  fetch(base: string, workerId: string, maxTasks: number): Promise<string[]>;
  complete(base: string, workerId: string, id: string, i: number): Promise<void>;
}

const camunda: Protocol = {
  label: '/engine-rest fetchAndLock → complete',
  key: 'benchExtCamunda',
  topic: 'bench.camunda',
  async fetch(base, workerId, maxTasks) {
    const tasks = (await call(base, 'POST', '/engine-rest/external-task/fetchAndLock', {
      workerId,
      maxTasks,
      usePriority: true,
      asyncResponseTimeout: 200,
      topics: [{ topicName: 'bench.camunda', lockDuration: 60000 }],
    })) as Array<{ id: string }>;
    return tasks.map((t) => t.id);
  },
  async complete(base, workerId, id, i) {
    await call(base, 'POST', `/engine-rest/external-task/${encodeURIComponent(id)}/complete`, {
      workerId,
      variables: { result: { value: i, type: 'Integer', valueInfo: {} }, ok: { value: true, type: 'Boolean', valueInfo: {} } },
    });
  },
};

const own: Protocol = {
  label: '/api/external-tasks fetch-and-lock → complete',
  key: 'benchExtApi',
  topic: 'bench.api',
  async fetch(base, workerId, maxTasks) {
    const page = (await call(base, 'POST', '/api/external-tasks/fetch-and-lock', { workerId, topic: 'bench.api', maxTasks, lockDurationMs: 60000 })) as {
      items: Array<{ id: string }>;
    };
    return page.items.map((t) => t.id);
  },
  async complete(base, workerId, id, i) {
    await call(base, 'POST', `/api/external-tasks/${encodeURIComponent(id)}/complete`, { workerId, variables: { result: i, ok: true } });
  },
};

async function startOn(databaseUrl: string, searchPath?: string): Promise<Service> {
  const service = await startBenchService(TOKEN, databaseUrl, searchPath);
  for (const p of [camunda, own]) await call(service.url, 'POST', `/api/deployments?name=${p.key}.bpmn`, externalProcess(p.key, p.topic), 'application/xml');
  return service;
}

/** Creates `n` waiting tasks (not timed), then times `workers` workers doing all of them. */
async function measure(base: string, protocol: Protocol, n: number, workers: number, maxTasks: number): Promise<{ rate: number; perWorker: number[] }> {
  await runPool(n, 8, async () => {
    await call(base, 'POST', `/api/process-definitions/${protocol.key}/start`, {});
  });
  let done = 0;
  const seen = new Set<string>();
  const perWorker = new Array<number>(workers).fill(0);
  const began = performance.now();
  await Promise.all(
    perWorker.map(async (_, w) => {
      const workerId = `bench-worker-${w}`;
      while (done < n) {
        const ids = await protocol.fetch(base, workerId, maxTasks);
        for (const id of ids) {
          if (seen.has(id)) throw new Error(`task ${id} was handed out twice`);
          seen.add(id);
          await protocol.complete(base, workerId, id, done);
          done++;
          perWorker[w] = (perWorker[w] ?? 0) + 1;
        }
      }
    }),
  );
  const ms = performance.now() - began;
  const left = (await call(base, 'GET', `/api/external-tasks?topic=${protocol.topic}&limit=1`)) as { total: number };
  if (left.total !== 0) throw new Error(`${left.total} tasks of ${protocol.topic} are still waiting`);
  return { rate: (n * 1000) / ms, perWorker };
}

/** A fresh database for one measurement: its URL (and Postgres schema) and how to remove it. */
interface Target {
  url: string;
  searchPath?: string;
  cleanup(): Promise<void>;
}

function freshSqlite(): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-ext-'));
  return Promise.resolve({
    url: `sqlite:${path.join(dir, 'bench.db')}`,
    cleanup: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  });
}

async function freshPostgres(pgUrl: string): Promise<Target> {
  const schema = await createSchema(pgUrl, 'bench_ext');
  return {
    url: pgUrl,
    searchPath: schema,
    cleanup: () => dropSchema(pgUrl, schema),
  };
}

async function main(): Promise<void> {
  const n = envInt('BENCH_EXT_N', 1000);
  const workers = envInt('BENCH_EXT_WORKERS', 4);
  const maxTasks = envInt('BENCH_EXT_MAX_TASKS', 10);
  const pgUrl = process.env.PROCFLOW_BENCH_PG_URL;
  const databases: Array<{ label: string; fresh: () => Promise<Target> }> = [{ label: 'SQLite', fresh: freshSqlite }];
  if (pgUrl) databases.push({ label: 'Postgres', fresh: () => freshPostgres(pgUrl) });

  const rows: string[][] = [['database', 'path', 'tasks/s', 'tasks per worker']];
  for (const database of databases) {
    // Each path on its own fresh database and service, so neither inherits the other's rows.
    for (const protocol of [camunda, own]) {
      const target = await database.fresh();
      const service = await startOn(target.url, target.searchPath);
      try {
        const { rate, perWorker } = await measure(service.url, protocol, n, workers, maxTasks);
        log(`${database.label}, ${protocol.label}: ${fmtRate(rate)} tasks/s (${perWorker.join(' / ')})`);
        rows.push([database.label, protocol.label, fmtRate(rate), perWorker.join(' / ')]);
      } finally {
        await service.close();
        await target.cleanup();
      }
    }
  }
  log('');
  log(`External tasks fetched and completed — ${n} tasks, ${workers} workers, up to ${maxTasks} tasks per fetch`);
  log(table(rows));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
