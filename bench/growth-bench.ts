// Flat cost as the work grows: seeds 1,000 / 10,000 / 100,000 / 1,000,000 waiting instances of a
// small user-task process (with their open task, candidate group, variables and history) straight
// into the database — multi-row inserts in transactions, not through the API — and after each
// size restarts the service (the compiled one, as a child process) and times over HTTP the
// client's hot calls and every cockpit statistic (median of several calls), the restart to /ready,
// and the service's RSS. `npm run bench:growth`
// Knobs: BENCH_GROWTH_SIZES (1000,10000,100000,1000000), BENCH_GROWTH_REPEAT (7 calls per figure),
// BENCH_GROWTH_SEED_BUDGET_S (600: the sizes after the one that took seeding past it are left
// out), PROCFLOW_BENCH_PG_URL (Postgres instead of SQLite when set), BENCH_GROWTH_DIST (another
// compiled service to run, e.g. an earlier build), BENCH_JSON (a file for the results).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../src/store/database';
import { rebuildStatsCounters } from '../src/store/stats-counters';
import { Store } from '../src/store/store';
import { BENCH_XML, PROCESS_KEY } from './bench-process';
import { envInt, envIntList, log, table } from './bench-util';

const TOKEN = 'bench-growth-admin-token-000';
const ROOT = path.resolve(__dirname, '..', '..');
/** The compiled service to run: BENCH_GROWTH_DIST (a copy of dist/, e.g. an earlier build) or this build. */
const DIST = process.env.BENCH_GROWTH_DIST ?? path.join(ROOT, 'dist');
const DAY_MS = 86_400_000;
/** Seeded instances started over the last 30 days (the span of the day timeline). */
const SPREAD_MS = 30 * DAY_MS;

type Row = Record<string, unknown>;

interface Target {
  kind: 'sqlite' | 'postgres';
  /** The URL the service gets (with the schema in it on Postgres). */
  serviceUrl: string;
  open(): Database;
  cleanup(): Promise<void>;
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function call(base: string, method: string, url: string, token = TOKEN, body?: unknown, type = 'application/json'): Promise<unknown> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': type }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

interface Node {
  child: ChildProcess;
  url: string;
  /** From spawning the process to the first 200 of /ready. */
  readyMs: number;
}

async function startNode(target: Target): Promise<Node> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(DIST, 'src', 'main.js')], {
    env: {
      ...process.env,
      PROCFLOW_DATABASE_URL: target.serviceUrl,
      PROCFLOW_PORT: String(port),
      PROCFLOW_ADMIN_TOKEN: TOKEN,
      PROCFLOW_PROCESSES_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-growth-empty-')),
      PROCFLOW_LOG_LEVEL: 'warn',
      PROCFLOW_SIMULATORS: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3000; i++) {
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) return { child, url, readyMs: performance.now() - t0 };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not become ready');
}

async function stopNode(node: Node): Promise<void> {
  const exited = new Promise((r) => node.child.once('exit', r));
  node.child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

interface Template {
  instance: Row;
  task: Row;
  history: Row[];
  definitionId: string;
}

/** One instance started through the API: its rows are the pattern the seeded ones copy. */
async function template(knex: Knex, base: string): Promise<Template> {
  await call(base, 'POST', '/api/deployments?name=growth.bpmn', TOKEN, BENCH_XML, 'application/xml');
  const started = (await call(base, 'POST', `/api/process-definitions/${PROCESS_KEY}/start`, TOKEN, { variables: { amount: 1, customer: 'c-1' } })) as {
    id: string;
  };
  const instance = (await knex('process_instances').where({ id: started.id }).first()) as Row;
  const task = (await knex('tasks').where({ process_instance_id: started.id }).first()) as Row;
  const history = (await knex('history').where({ process_instance_id: started.id }).orderBy('id')) as Row[];
  return { instance, task, history, definitionId: String(instance.definition_id) };
}

const pad = (i: number) => String(i).padStart(8, '0');

/** Inserts instances [from, to) in transactions of `batch` instances, each table one multi-row insert per chunk. */
async function seed(knex: Knex, t: Template, from: number, to: number, now: number): Promise<void> {
  const batch = 2000;
  const chunk = 250;
  const insert = async (trx: Knex.Transaction, table: string, rows: Row[]) => {
    for (let i = 0; i < rows.length; i += chunk) await trx(table).insert(rows.slice(i, i + chunk));
  };
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    const instances: Row[] = [];
    const tasks: Row[] = [];
    const groups: Row[] = [];
    const history: Row[] = [];
    for (let i = start; i < end; i++) {
      const id = `g-${pad(i)}`;
      // Spread over the last 30 days, newest first, so every hour and day bucket holds some.
      const at = new Date(now - ((i * 7919) % SPREAD_MS)).toISOString();
      instances.push({
        ...t.instance,
        id,
        business_key: `order-${pad(i)}`,
        started_at: at,
        updated_at: at,
        variables: JSON.stringify({ amount: i, customer: `c-${i % 997}` }),
      });
      const taskId = `gt-${pad(i)}`;
      tasks.push({ ...t.task, id: taskId, process_instance_id: id, created_at: at });
      groups.push({ task_id: taskId, group_name: 'bench' });
      for (const h of t.history) {
        const { id: _id, ...rest } = h;
        history.push({ ...rest, process_instance_id: id, at });
      }
    }
    await knex.transaction(async (trx) => {
      await insert(trx, 'process_instances', instances);
      await insert(trx, 'tasks', tasks);
      await insert(trx, 'task_candidate_groups', groups);
      await insert(trx, 'history', history);
    });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timed(fn: () => Promise<unknown>, repeat: number): Promise<number> {
  await fn(); // warm-up: the first call after the restart
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

interface SizeResult {
  size: number;
  seedS: number;
  readyMs: number;
  rssMb: number;
  calls: Record<string, number>;
}

async function run(target: Target, sizes: number[], repeat: number, budgetS: number): Promise<SizeResult[]> {
  const db = target.open();
  const knex = db.knex;
  let node = await startNode(target);
  const member = ((await call(node.url, 'POST', '/api/users', TOKEN, { name: 'growth-member', groups: ['bench'] })) as { token: string }).token;
  const tpl = await template(knex, node.url);
  const engineStateKb = String(tpl.instance.engine_state ?? '').length / 1024;
  log(`${target.kind}: template instance ${String(tpl.instance.id)}, engine state ${engineStateKb.toFixed(1)} KB, ${tpl.history.length} history rows`);
  const now = Date.now();
  const results: SizeResult[] = [];
  let seeded = 0;
  let seedTotalS = 0;
  for (const size of sizes) {
    if (seedTotalS > budgetS) {
      log(`${target.kind}: ${size} left out: seeding took ${seedTotalS.toFixed(0)} s so far (budget ${budgetS} s)`);
      break;
    }
    await stopNode(node);
    const t0 = performance.now();
    await seed(knex, tpl, seeded, size, now);
    // The statistics' counters, rolled up from the seeded rows (the service keeps them itself).
    if (await knex.schema.hasTable('stats_instance_counts')) await rebuildStatsCounters(knex, db.dialect);
    await knex.raw('analyze');
    // Fold the write-ahead log into the file, as a running service's checkpoints would have.
    if (db.dialect === 'sqlite') await knex.raw('pragma wal_checkpoint(TRUNCATE)');
    const seedS = (performance.now() - t0) / 1000;
    seedTotalS += seedS;
    seeded = size;
    log(`${target.kind}: seeded to ${size} waiting instances in ${seedS.toFixed(1)} s`);
    node = await startNode(target);
    const base = node.url;
    const pick = () => `g-${pad(crypto.randomInt(0, size))}`;
    const calls: Record<string, number> = {};
    calls['GET /api/tasks?processInstanceId=…'] = await timed(() => call(base, 'GET', `/api/tasks?processInstanceId=${pick()}`), repeat);
    calls['GET /api/process-instances/{id}'] = await timed(() => call(base, 'GET', `/api/process-instances/${pick()}`), repeat);
    calls["a group member's first task page"] = await timed(() => call(base, 'GET', '/api/tasks?state=open', member), repeat);
    calls['GET /api/tasks?candidateGroup=bench (admin)'] = await timed(() => call(base, 'GET', '/api/tasks?candidateGroup=bench&state=open'), repeat);
    calls['GET /api/stats/definitions'] = await timed(() => call(base, 'GET', '/api/stats/definitions'), repeat);
    calls['GET /api/stats/tasks'] = await timed(() => call(base, 'GET', '/api/stats/tasks'), repeat);
    calls['GET /api/stats/waiting'] = await timed(() => call(base, 'GET', '/api/stats/waiting'), repeat);
    calls['GET /api/stats/timeline?bucket=hour'] = await timed(() => call(base, 'GET', '/api/stats/timeline?bucket=hour'), repeat);
    calls['GET /api/stats/timeline?bucket=day'] = await timed(() => call(base, 'GET', '/api/stats/timeline?bucket=day'), repeat);
    const result = { size, seedS, readyMs: node.readyMs, rssMb: rssMb(node.child.pid as number), calls };
    results.push(result);
    log(`${target.kind} ${size}: ${JSON.stringify(result)}`);
  }
  await stopNode(node);
  if (process.env.BENCH_GROWTH_EXPLAIN) fs.writeFileSync(process.env.BENCH_GROWTH_EXPLAIN, await explainAll(db, `g-${pad(Math.floor(seeded / 2))}`));
  await db.close();
  return results;
}

/**
 * The query plans of every statement the hot calls and the statistics make: the store methods
 * behind them are called on the seeded database and each statement they send is explained
 * (SQLite: EXPLAIN QUERY PLAN; Postgres: EXPLAIN).
 */
async function explainAll(db: Database, instanceId: string): Promise<string> {
  const store = new Store(db);
  const seen: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => void seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  const out: string[] = [];
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['tasks of an instance', () => store.tasks.list({ processInstanceId: instanceId }, { limit: 50, offset: 0 })],
    ['an instance', () => store.instances.get(instanceId)],
    [
      "a group member's first task page",
      () => store.tasks.list({ state: 'open', visibleTo: { name: 'growth-member', groups: ['bench'] } }, { limit: 50, offset: 0 }),
    ],
    ['a group’s first task page (admin)', () => store.tasks.list({ state: 'open', candidateGroup: 'bench' }, { limit: 50, offset: 0 })],
    ['stats/definitions', () => store.stats.definitions()],
    ['stats/tasks', () => Promise.all([store.stats.tasks({}), store.stats.groups({})])],
    ['stats/waiting', () => store.stats.waiting({})],
    [
      'stats/timeline (hour, with partial first and last hours)',
      () =>
        store.stats.timeline({
          bucket: 'hour',
          since: new Date(Date.now() - 48.5 * 3_600_000).toISOString(),
          until: new Date(Date.now() - 1_800_000).toISOString(),
        }),
    ],
  ];
  for (const [name, fn] of calls) {
    seen.length = 0;
    db.knex.on('query', listener);
    await fn();
    db.knex.off('query', listener);
    out.push(`### ${name}`, '');
    for (const q of [...seen]) {
      // knex reports Postgres statements with $1, $2, …; raw() takes ?.
      const explain = db.dialect === 'postgres' ? `explain ${q.sql.replace(/\$\d+/g, '?')}` : `explain query plan ${q.sql}`;
      const result = (await db.knex.raw(explain, q.bindings as Knex.RawBinding[])) as Row[] | { rows: Row[] };
      const rows = Array.isArray(result) ? result : result.rows;
      const plan = rows.map((r) => (db.dialect === 'postgres' ? String(r['QUERY PLAN']) : `${'  '.repeat(Number(r.parent) ? 1 : 0)}${String(r.detail)}`));
      out.push('```', q.sql, '--', ...plan, '```', '');
    }
  }
  return out.join('\n');
}

function report(kind: string, results: SizeResult[]): string {
  if (!results.length) return `${kind}: no results`;
  const first = results[0] as SizeResult;
  const names = Object.keys(first.calls);
  const header = ['median ms over HTTP', ...results.map((r) => r.size.toLocaleString('en-US')), `last ÷ ${first.size.toLocaleString('en-US')}`];
  const rows: string[][] = [header];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  for (const name of names) {
    const values = results.map((r) => r.calls[name] as number);
    rows.push([name, ...values.map((v) => v.toFixed(1)), ratio(values.at(-1) as number, values[0] as number)]);
  }
  rows.push(['restart to /ready (ms)', ...results.map((r) => r.readyMs.toFixed(0)), ratio((results.at(-1) as SizeResult).readyMs, first.readyMs)]);
  rows.push(['RSS after the calls (MB)', ...results.map((r) => r.rssMb.toFixed(0)), ratio((results.at(-1) as SizeResult).rssMb, first.rssMb)]);
  rows.push(['seeding to this size (s)', ...results.map((r) => r.seedS.toFixed(1)), '']);
  return `${kind}\n${table(rows)}`;
}

async function main(): Promise<void> {
  const sizes = envIntList('BENCH_GROWTH_SIZES', [1000, 10_000, 100_000, 1_000_000]);
  const repeat = envInt('BENCH_GROWTH_REPEAT', 7);
  const budgetS = envInt('BENCH_GROWTH_SEED_BUDGET_S', 600);
  const pgUrl = process.env.PROCFLOW_BENCH_PG_URL;
  let target: Target;
  if (pgUrl) {
    const schema = `bench_growth_${Date.now()}`;
    const admin = openDatabase(pgUrl, { poolMax: 1 });
    await admin.knex.raw(`create schema "${schema}"`);
    await admin.close();
    target = {
      kind: 'postgres',
      serviceUrl: withSearchPath(pgUrl, schema),
      open: () => openDatabase(pgUrl, { searchPath: schema, poolMax: 2 }),
      cleanup: async () => {
        const drop = openDatabase(pgUrl, { poolMax: 1 });
        await drop.knex.raw(`drop schema if exists "${schema}" cascade`);
        await drop.close();
      },
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-growth-'));
    const file = path.join(dir, 'growth.db');
    target = {
      kind: 'sqlite',
      serviceUrl: `sqlite:${file}`,
      open: () => openDatabase(`sqlite:${file}`),
      cleanup: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  const cleanup = () => void target.cleanup().finally(() => process.exit(130));
  process.once('SIGINT', cleanup);
  try {
    const results = await run(target, sizes, repeat, budgetS);
    log('');
    log(report(`${target.kind}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(2)} at the end`, results));
    if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ kind: target.kind, results }, null, 2));
  } finally {
    await target.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
