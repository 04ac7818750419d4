// Robustness sweep over Camunda 7's engine test processes: every `.bpmn` / `.bpmn20.xml` under
// engine/src/test/resources of a camunda-bpm-platform git directory is deployed on a fresh
// database (one deployment each), every startable definition is started, and for up to five
// rounds the messages it waits for and the signals it names are sent, open tasks completed, due jobs run (the service clock moved to the next due time)
// and external tasks fetched, locked and completed. A 5xx answer, an error in the log or a file
// that does not finish in 10 s of real time is a defect: the service must answer a clear 400 at
// deploy or raise an incident at run time instead.
//
//   npx tsc -p test/tools/tsconfig.json && node dist/test/tools/camunda-sweep.js <camunda git dir> [--filter text] [--out file.jsonl] [--resume]
//
// The files are read from the git directory (`git show HEAD:path`), never copied into this
// repository. One JSON line per file goes to `--out` (default camunda-sweep.jsonl in the temp
// directory); `--resume` skips the files already in it. A watchdog thread ends the run when the
// event loop is blocked for 30 s and names the file that blocked it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import winston from 'winston';
import { loadConfig } from '../../src/config';
import { startService, type Service } from '../../src/main';

const ADMIN_TOKEN = 'sweep-admin-token-0123456789';
const FILE_TIMEOUT_MS = 10_000;
const ROUNDS = 5;
const BLOCKED_LOOP_S = 30;

interface Http5xx {
  method: string;
  path: string;
  status: number;
  body: unknown;
}
interface FileResult {
  file: string;
  deploy: { status: number; code?: string; detail?: string };
  starts: Array<{ key: string; status: number; code?: string }>;
  actions: { tasks: number; externalTasks: number; jobs: number; clockMoves: number; answers4xx: Record<string, number> };
  /** The instances at the end, by state, and their open incidents. */
  instances: Record<string, number>;
  incidents: number;
  http5xx: Http5xx[];
  errors: string[];
  timeout?: boolean;
  blocked?: boolean;
  ms: number;
}

function args(): { gitDir: string; filter?: string; out: string; resume: boolean } {
  const argv = process.argv.slice(2);
  const gitDir = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.match(/^--(filter|out)$/));
  if (!gitDir) {
    console.error('usage: camunda-sweep <camunda-bpm-platform git dir> [--filter text] [--out file.jsonl] [--resume]');
    process.exit(2);
  }
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const filter = opt('--filter');
  return { gitDir, ...(filter ? { filter } : {}), out: opt('--out') ?? path.join(os.tmpdir(), 'camunda-sweep.jsonl'), resume: argv.includes('--resume') };
}

function git(gitDir: string, ...rest: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...rest], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Collects what the service logs at level error while one file runs. */
class ErrorCapture {
  lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, next) => {
      this.lines.push(chunk.toString('utf8').trim().slice(0, 2000));
      next();
    },
  });
}

/** A watchdog on its own thread: a blocked event loop cannot time itself out. */
function startWatchdog(files: string[], out: string): Int32Array {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const beat = new Int32Array(workerData.shared);
    setInterval(() => {
      const idle = Math.floor(Date.now() / 1000) - Atomics.load(beat, 0);
      if (idle < ${BLOCKED_LOOP_S}) return;
      const file = workerData.files[Atomics.load(beat, 1)];
      fs.appendFileSync(workerData.out, JSON.stringify({ file, blocked: true, timeout: true, http5xx: [], errors: ['event loop blocked'], starts: [], deploy: { status: 0 }, actions: {}, ms: idle * 1000 }) + '\\n');
      process.stderr.write('event loop blocked for ' + idle + ' s on ' + file + '; run again with --resume\\n');
      process.kill(process.pid, 'SIGKILL');
    }, 1000);
  `;
  const worker = new Worker(code, { eval: true, workerData: { shared: shared.buffer, files, out } });
  worker.unref();
  const tick = () => Atomics.store(shared, 0, Math.floor(Date.now() / 1000));
  tick();
  setInterval(tick, 500).unref();
  return shared;
}

class Client {
  constructor(
    private readonly base: string,
    private readonly result: FileResult,
  ) {}

  async call(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(this.base + url, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text: text.slice(0, 500) };
    }
    if (res.status >= 500) this.result.http5xx.push({ method, path: url, status: res.status, body: parsed });
    else if (res.status >= 400) {
      const key = `${method} ${url.replace(/\/[0-9a-f-]{16,}/g, '/:id').split('?')[0]} ${res.status} ${String(parsed.code ?? '')}`;
      this.result.actions.answers4xx[key] = (this.result.actions.answers4xx[key] ?? 0) + 1;
    }
    return { status: res.status, body: parsed };
  }
}

interface Item {
  id: string;
  topic?: string;
  dueAt?: string;
  nextRunAt?: string | null;
}

/** Deploys one file and drives what it starts; fills `result` as it goes (a timeout keeps what was seen). */
async function drive(service: Service, xml: string, name: string, result: FileResult): Promise<void> {
  const c = new Client(service.url, result);
  const dep = await c.call('POST', `/api/deployments?name=${encodeURIComponent(name)}`, xml, 'application/xml');
  result.deploy = { status: dep.status, ...(dep.body.code ? { code: String(dep.body.code) } : {}) };
  if (dep.status >= 400) {
    const errors = (dep.body.errors as Array<{ message?: string }> | undefined) ?? [];
    result.deploy.detail = `${String(dep.body.detail ?? '')} ${errors.map((e) => e.message ?? '').join(' | ')}`.slice(0, 400);
    return;
  }
  const definitions = (dep.body.definitions as Array<{ key: string; startable: boolean; messages?: string[] }> | undefined) ?? [];
  for (const def of definitions.filter((d) => d.startable)) {
    const res = await c.call('POST', `/api/process-definitions/${encodeURIComponent(def.key)}/start`, { variables: {}, businessKey: 'sweep' });
    result.starts.push({ key: def.key, status: res.status, ...(res.body.code ? { code: String(res.body.code) } : {}) });
  }
  // The messages the definitions wait for and the signals the file names are sent once per round too.
  const messages = [...new Set(definitions.flatMap((d) => d.messages ?? []))];
  const signals = [...new Set([...xml.matchAll(/<(?:\w+:)?signal\b[^>]*?\sname="([^"]+)"/g)].map((m) => m[1] as string))];
  for (let round = 0; round < ROUNDS; round++) {
    let acted = 0;
    for (const messageName of messages) if ((await c.call('POST', '/api/messages', { messageName, variables: {} })).status === 200) acted++;
    for (const signalName of signals) await c.call('POST', '/api/signals', { signalName, variables: {} });
    const tasks = (await c.call('GET', '/api/tasks?state=open&limit=500')).body.items as Item[] | undefined;
    for (const task of tasks ?? []) {
      await c.call('POST', `/api/tasks/${task.id}/complete`, { variables: {} });
      result.actions.tasks++;
      acted++;
    }
    const external = (await c.call('GET', '/api/external-tasks?limit=500')).body.items as Item[] | undefined;
    for (const topic of new Set((external ?? []).map((t) => t.topic ?? ''))) {
      const locked = await c.call('POST', '/api/external-tasks/fetch-and-lock', { workerId: 'sweep', topic, maxTasks: 100, lockDurationMs: 60_000 });
      for (const task of (locked.body.items as Item[] | undefined) ?? []) {
        await c.call('POST', `/api/external-tasks/${task.id}/complete`, { variables: {}, workerId: 'sweep' });
        result.actions.externalTasks++;
        acted++;
      }
    }
    // The clock moves to the soonest due job or schedule firing; then the due jobs run, as one round of the job executor.
    const now = Date.parse(String((await c.call('GET', '/api/clock')).body.now));
    const jobs = ((await c.call('GET', '/api/jobs?limit=500')).body.items as Item[] | undefined) ?? [];
    const schedules = ((await c.call('GET', '/api/schedules')).body as unknown as Item[] | { items?: Item[] }) ?? [];
    const scheduleList = Array.isArray(schedules) ? schedules : (schedules.items ?? []);
    const due = [...jobs.map((j) => j.dueAt), ...scheduleList.map((s) => s.nextRunAt)]
      .map((t) => (t ? Date.parse(t) : NaN))
      .filter((t) => Number.isFinite(t) && t < Date.parse('9999-01-01T00:00:00Z'));
    if (due.length) {
      const next = Math.min(...due);
      if (next > now) {
        await c.call('PUT', '/api/clock', { now: new Date(next + 1000).toISOString() });
        result.actions.clockMoves++;
      }
      for (;;) {
        const leased = await service.application.jobs.acquire('camunda-sweep', 60_000, 25);
        for (const job of leased) {
          try {
            await service.application.jobs.run(job, 'camunda-sweep');
          } catch (err) {
            result.errors.push(`job ${job.kind} threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`.slice(0, 2000));
          }
        }
        result.actions.jobs += leased.length;
        acted += leased.length;
        if (leased.length < 25) break;
      }
    }
    if (!acted) break;
  }
  const instances = ((await c.call('GET', '/api/process-instances?limit=500')).body.items as Array<{ state: string; incidents: number }> | undefined) ?? [];
  for (const i of instances) result.instances[i.state] = (result.instances[i.state] ?? 0) + 1;
  result.incidents = instances.reduce((n, i) => n + i.incidents, 0);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const { gitDir, filter, out, resume } = args();
  const prefix = 'engine/src/test/resources/';
  const files = git(gitDir, 'ls-tree', '-r', 'HEAD', '--name-only')
    .split('\n')
    .filter((f) => f.startsWith(prefix) && /\.bpmn(20\.xml)?$/.test(f) && (!filter || f.includes(filter)));
  const done = new Set<string>();
  if (resume && fs.existsSync(out))
    for (const line of fs.readFileSync(out, 'utf8').split('\n').filter(Boolean)) done.add((JSON.parse(line) as FileResult).file);
  else fs.writeFileSync(out, '');
  const beat = startWatchdog(files, out);

  // One migrated database, copied for every file: each file runs on a fresh database of its own.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-sweep-'));
  const template = path.join(work, 'template.db');
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-sweep-empty-'));
  const env = (dbFile: string) =>
    loadConfig({
      PROCFLOW_DATABASE_URL: `sqlite:${dbFile}`,
      PROCFLOW_PORT: '0',
      PROCFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
      PROCFLOW_PROCESSES_DIR: empty,
      PROCFLOW_LOG_LEVEL: 'error',
      PROCFLOW_SHUTDOWN_GRACE_MS: '1000',
      PROCFLOW_SERVICE_TIMEOUT_MS: '3000',
    });
  const capture = new ErrorCapture();
  const logger = winston.createLogger({
    level: 'error',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: capture.stream })],
  });
  await (await startService(env(template), { listen: false, logger, defaultSchedules: false, runJobs: false })).close();

  const started = Date.now();
  for (const [index, file] of files.entries()) {
    if (done.has(file)) continue;
    Atomics.store(beat, 1, index);
    const result: FileResult = {
      file: file.slice(prefix.length),
      deploy: { status: 0 },
      starts: [],
      actions: { tasks: 0, externalTasks: 0, jobs: 0, clockMoves: 0, answers4xx: {} },
      instances: {},
      incidents: 0,
      http5xx: [],
      errors: [],
      ms: 0,
    };
    const dir = path.join(work, String(index));
    fs.mkdirSync(dir);
    fs.copyFileSync(template, path.join(dir, 'procflow.db'));
    capture.lines = [];
    const t0 = Date.now();
    let service: Service | undefined;
    try {
      service = await startService(env(path.join(dir, 'procflow.db')), { listen: true, logger, defaultSchedules: false, runJobs: false });
      const xml = git(gitDir, 'show', `HEAD:${file}`);
      if ((await withTimeout(drive(service, xml, path.basename(file), result), FILE_TIMEOUT_MS)) === 'timeout') result.timeout = true;
    } catch (err) {
      result.errors.push(`sweep: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`.slice(0, 2000));
    } finally {
      if (service && (await withTimeout(service.close(), 5000)) === 'timeout') result.errors.push('sweep: the service did not close within 5 s');
      result.errors.push(...capture.lines);
      result.ms = Date.now() - t0;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.appendFileSync(out, JSON.stringify(result) + '\n');
    if (result.http5xx.length || result.timeout || result.errors.length) {
      console.log(
        `${result.file}: ${result.http5xx.length} 5xx${result.timeout ? ', TIMEOUT' : ''}${result.errors.length ? `, ${result.errors.length} logged errors` : ''}`,
      );
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(empty, { recursive: true, force: true });
  summarize(out, Date.now() - started);
  process.exit(0);
}

function summarize(out: string, ms: number): void {
  const results = fs
    .readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FileResult);
  const count = (pred: (r: FileResult) => boolean) => results.filter(pred).length;
  const refusedBy: Record<string, number> = {};
  for (const r of results)
    if (r.deploy.status >= 400 && r.deploy.status < 500)
      refusedBy[r.deploy.code ?? String(r.deploy.status)] = (refusedBy[r.deploy.code ?? String(r.deploy.status)] ?? 0) + 1;
  const startsBy: Record<string, number> = {};
  for (const s of results.flatMap((r) => r.starts))
    startsBy[`${s.status}${s.code ? ` ${s.code}` : ''}`] = (startsBy[`${s.status}${s.code ? ` ${s.code}` : ''}`] ?? 0) + 1;
  const instances: Record<string, number> = {};
  for (const r of results) for (const [state, n] of Object.entries(r.instances ?? {})) instances[state] = (instances[state] ?? 0) + n;
  const summary = {
    files: results.length,
    deployed: count((r) => r.deploy.status === 201 || r.deploy.status === 200),
    refused: refusedBy,
    withStartable: count((r) => r.starts.length > 0),
    filesStarted: count((r) => r.starts.some((s) => s.status === 201)),
    starts: startsBy,
    instances,
    incidents: results.reduce((n, r) => n + (r.incidents ?? 0), 0),
    tasksCompleted: results.reduce((n, r) => n + (r.actions.tasks ?? 0), 0),
    externalTasksCompleted: results.reduce((n, r) => n + (r.actions.externalTasks ?? 0), 0),
    jobsRun: results.reduce((n, r) => n + (r.actions.jobs ?? 0), 0),
    answers5xx: results.reduce((n, r) => n + r.http5xx.length, 0),
    filesWith5xx: count((r) => r.http5xx.length > 0),
    timeouts: count((r) => r.timeout === true),
    filesWithLoggedErrors: count((r) => r.errors.length > 0),
    seconds: Math.round(ms / 1000),
  };
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
