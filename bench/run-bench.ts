// `npm run bench`: the three-user-task process (start → A → B → C → end) run
//   (a) in bare bpmn-engine, in memory, and
//   (b) through procflow's engine layer (ProcessRuntime + Store) on SQLite and on Postgres,
// with instances completed per second and the ratio b/a side by side, where an event's time goes,
// and the memory held by waiting instances (procflow: state in the DB; bare: engines in memory).
// See docs/benchmarks.md for what is measured and how to read it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileDocument } from '../src/engine/definition-compiler';
import { bareLifecycle, type BareDrive, type BareSource } from './bare-engine';
import { BENCH_XML } from './bench-process';
import { Profiler, type ProfileLine } from './bench-profile';
import { cpuMark, cpuSince, envFlag, envInt, envIntList, fmtRate, fmtRatio, hasGc, kb, log, mb, runPool, table } from './bench-util';
import type { MemoryResult } from './memory-probe';
import { BenchDatabase, type DbKind } from './procflow-rig';

const settings = {
  /** procflow instance lifecycles per throughput measurement */
  n: envInt('BENCH_N', 200),
  /** bare bpmn-engine lifecycles per throughput measurement */
  bareN: envInt('BENCH_BARE_N', 300),
  /** lifecycles run before each measurement and not counted */
  warmup: envInt('BENCH_WARMUP', 20),
  /** lifecycles in flight at once */
  concurrency: envIntList('BENCH_CONCURRENCY', [1, 8]),
  /** procflow engine cache sizes (1000 = the normal configuration, 0 = every event recovers from the DB) */
  cacheSizes: envIntList('BENCH_CACHE_SIZES', [1000, 0], 0),
  /** instances left waiting at task A, procflow with the normal cache (1000) */
  waiting: envInt('BENCH_WAITING', 10000),
  /** instances left waiting at task A, procflow with cache 0 */
  waitingNoCache: envInt('BENCH_WAITING_NOCACHE', 1000),
  /** engines left waiting at task A, bare bpmn-engine */
  bareWaiting: envInt('BENCH_BARE_WAITING', 1000),
  pgUrl: process.env.PROCFLOW_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  skipPg: envFlag('BENCH_SKIP_PG'),
  skipMemory: envFlag('BENCH_SKIP_MEMORY'),
  jsonOut: process.env.BENCH_JSON || '',
};

interface ThroughputRow {
  path: string;
  db: DbKind | null;
  cacheSize: number | null;
  /** concurrency → instances completed per second */
  rates: Record<number, number>;
  /** concurrency → % of all CPUs used outside this process during the measurement */
  outsideCpu: Record<number, number>;
}

interface BreakdownResult {
  db: DbKind;
  cacheSize: number;
  lifecycles: number;
  wallMs: number;
  lines: ProfileLine[];
}

const results = {
  machine: {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kernel: os.release(),
    totalMemory: os.totalmem(),
  },
  settings: { ...settings, pgUrl: settings.pgUrl.replace(/\/\/[^@/]*@/, '//…@') },
  throughput: [] as ThroughputRow[],
  breakdown: [] as BreakdownResult[],
  memory: [] as MemoryResult[],
  postgres: 'not run',
  totalSeconds: 0,
  loadBefore: [] as number[],
  loadAfter: [] as number[],
  /** % of all CPUs busy during 2 s before the benchmark started */
  busyBefore: 0,
};

async function measureBare(label: string, source: BareSource, drive: BareDrive): Promise<void> {
  const row: ThroughputRow = { path: label, db: null, cacheSize: null, rates: {}, outsideCpu: {} };
  for (const c of settings.concurrency) {
    await runPool(settings.warmup, c, (i) => bareLifecycle(i, source, drive));
    const mark = cpuMark();
    const ms = await runPool(settings.bareN, c, (i) => bareLifecycle(i, source, drive));
    const cpu = cpuSince(mark);
    row.rates[c] = (settings.bareN / ms) * 1000;
    row.outsideCpu[c] = cpu.outside;
    log(`  ${label}, ${c} in flight: ${fmtRate(row.rates[c])} instances/s (${settings.bareN} in ${(ms / 1000).toFixed(2)} s; ${cpuText(cpu)})`);
  }
  results.throughput.push(row);
}

/**
 * Throughput of whole lifecycles per cache size and concurrency. The run with one lifecycle in
 * flight is also the time breakdown: the profiler's wrappers cost microseconds per call against
 * milliseconds per event, and with one in flight nothing overlaps.
 */
async function measureProcflow(bench: BenchDatabase, label: string): Promise<void> {
  for (const cacheSize of settings.cacheSizes) {
    const rt = bench.runtime(cacheSize);
    const row: ThroughputRow = { path: `procflow ${label}, cache ${cacheSize}`, db: bench.kind, cacheSize, rates: {}, outsideCpu: {} };
    try {
      for (const c of settings.concurrency) {
        await runPool(settings.warmup, c, (i) => rt.lifecycle(i));
        const profiler = c === 1 ? Profiler.attach(bench.store) : null;
        const mark = cpuMark();
        let ms: number;
        try {
          ms = await runPool(settings.n, c, (i) => rt.lifecycle(i));
        } finally {
          profiler?.detach();
        }
        const cpu = cpuSince(mark);
        row.outsideCpu[c] = cpu.outside;
        if (profiler) results.breakdown.push({ db: bench.kind, cacheSize, lifecycles: settings.n, wallMs: ms, lines: profiler.lines() });
        row.rates[c] = (settings.n / ms) * 1000;
        log(`  ${row.path}, ${c} in flight: ${fmtRate(row.rates[c])} instances/s (${settings.n} in ${(ms / 1000).toFixed(2)} s; ${cpuText(cpu)})`);
      }
    } finally {
      await rt.close();
    }
    results.throughput.push(row);
  }
}

function cpuText(cpu: { machine: number; own: number; outside: number }): string {
  return `CPU of ${os.cpus().length}: machine ${cpu.machine.toFixed(0)}%, this process ${cpu.own.toFixed(0)}%, outside it ${cpu.outside.toFixed(0)}%`;
}

/** Null when Postgres answers `select 1` within 5 s, else what went wrong (asked with pg directly, so knex logs nothing). */
async function postgresProblem(url: string): Promise<string | null> {
  interface PgClient {
    connect(): Promise<void>;
    query(sql: string): Promise<unknown>;
    end(): Promise<void>;
  }
  const { Client } = require('pg') as { Client: new (config: { connectionString: string; connectionTimeoutMillis: number }) => PgClient };
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    const e = err as { message?: string; code?: string; name?: string };
    return e.message || e.code || e.name || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one memory scenario in a fresh node process (clean heap and RSS baseline). */
function memoryProbe(scenario: string, count: number): Promise<MemoryResult> {
  const probe = path.join(__dirname, 'memory-probe.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', probe, scenario, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    let result: MemoryResult | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as MemoryResult;
        else log(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`memory probe <${scenario}> exited with code ${String(code)}`));
    });
  });
}

function printSummary(): void {
  const conc = settings.concurrency;
  const baseline = results.throughput[0];
  const header = ['path', ...conc.flatMap((c) => [`${c} in flight, inst/s`, `÷ (a) @${c}`]), 'CPU outside, max'];
  const rows = results.throughput.map((r) => [
    r.path,
    ...conc.flatMap((c) => {
      const rate = r.rates[c];
      const base = baseline?.rates[c];
      return [fmtRate(rate), r === baseline ? '(a)' : fmtRatio(rate !== undefined && base ? rate / base : undefined)];
    }),
    Object.keys(r.outsideCpu).length ? `${Math.max(...Object.values(r.outsideCpu)).toFixed(0)}%` : '—',
  ]);
  log('\nThroughput — instances completed per second (one instance = start + 3 task completions = 4 events)');
  log(`(a) = ${baseline?.path ?? '—'}; the ÷ (a) column is the ratio b/a at the same concurrency`);
  log('CPU outside = % of all CPUs busy outside this process while measuring (the Postgres server, or other load on the machine)');
  log(table([header, ...rows]));

  if (results.breakdown.length) {
    log('\nWhere a procflow lifecycle spends its time (one in flight; ms per instance, i.e. per 4 events)');
    for (const b of results.breakdown) {
      const per = (ms: number) => (ms / b.lifecycles).toFixed(2);
      const pct = (ms: number) => `${((ms / b.wallMs) * 100).toFixed(0)}%`;
      const accounted = b.lines.reduce((s, l) => s + l.ms, 0);
      const rows2 = [['part', 'ms / instance', 'share', 'calls / instance']];
      for (const l of [...b.lines].sort((x, y) => y.ms - x.ms)) rows2.push([l.category, per(l.ms), pct(l.ms), (l.calls / b.lifecycles).toFixed(1)]);
      rows2.push(['rest (runtime glue, locks, event-loop turns, disposal)', per(b.wallMs - accounted), pct(b.wallMs - accounted), '']);
      rows2.push(['total', per(b.wallMs), '100%', '']);
      log(`\n${b.db === 'sqlite' ? 'SQLite' : 'Postgres'}, cache ${b.cacheSize} (${b.lifecycles} lifecycles)`);
      log(table(rows2));
    }
  }

  if (results.memory.length) {
    log('\nMemory of waiting instances (each scenario in a fresh process; after full GC; Δ against a reading taken before starting them)');
    const rows3 = [['what', 'waiting', 'heap used Δ', 'heap Δ / instance', 'heap total Δ', 'RSS Δ']];
    for (const m of results.memory) {
      for (const c of m.checkpoints) rows3.push([m.label, String(c.count), mb(c.heapDelta), kb(c.heapDelta / c.count), mb(c.heapTotalDelta), mb(c.rssDelta)]);
    }
    log(table(rows3));
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const m = results.machine;
  log(`procflow benchmark — ${m.cpus} CPUs (${m.cpuModel}), node ${m.node}, kernel ${m.kernel}, ${mb(m.totalMemory)} RAM`);
  log(
    `settings: BENCH_N=${settings.n} BENCH_BARE_N=${settings.bareN} BENCH_WARMUP=${settings.warmup} BENCH_CONCURRENCY=${settings.concurrency.join(',')} ` +
      `BENCH_CACHE_SIZES=${settings.cacheSizes.join(',')} BENCH_WAITING=${settings.waiting} BENCH_WAITING_NOCACHE=${settings.waitingNoCache} ` +
      `BENCH_BARE_WAITING=${settings.bareWaiting}`,
  );
  if (!hasGc()) log('note: run with node --expose-gc (as `npm run bench` does) for steadier figures');
  results.loadBefore = os.loadavg();
  log(`load average before: ${results.loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const idleMark = cpuMark();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  results.busyBefore = cpuSince(idleMark).machine;
  log(`machine CPU busy during 2 s before starting: ${results.busyBefore.toFixed(0)}% of ${m.cpus} CPUs`);
  if (results.busyBefore > 15) log('WARNING: something else is using the CPUs: the figures will be low and noisy');

  log('\n(a) bare bpmn-engine, in memory');
  const compiled = await compileDocument(BENCH_XML);
  await measureBare('bare bpmn-engine, new Engine({source}), execution.signal', { source: BENCH_XML }, 'execution.signal');
  await measureBare('bare bpmn-engine, new Engine({source}), listener api.signal()', { source: BENCH_XML }, 'listener');
  await measureBare('bare bpmn-engine, shared sourceContext, execution.signal', { sourceContext: compiled.sourceContext }, 'execution.signal');

  log('\n(b) procflow engine layer on SQLite');
  const sqlite = await BenchDatabase.sqlite('throughput');
  try {
    await measureProcflow(sqlite, 'SQLite');
  } finally {
    await sqlite.close();
  }

  log('\n(b) procflow engine layer on Postgres');
  const problem = settings.skipPg ? 'BENCH_SKIP_PG is set' : await postgresProblem(settings.pgUrl);
  if (problem) {
    results.postgres = `skipped: ${problem}`;
    log(`  Postgres column SKIPPED — cannot use ${results.settings.pgUrl}: ${problem}`);
    log('  (set PROCFLOW_BENCH_PG_URL to a reachable database to include it)');
    results.throughput.push({ path: 'procflow Postgres — SKIPPED (unreachable)', db: 'postgres', cacheSize: null, rates: {}, outsideCpu: {} });
  } else {
    const schema = `bench_${Date.now()}`;
    const pg = await BenchDatabase.postgres(settings.pgUrl, schema);
    results.postgres = `ran in schema ${schema} of ${results.settings.pgUrl}, dropped afterwards`;
    // Ctrl-C during the Postgres part still drops the schema.
    const onSignal = () => {
      log(`\ninterrupted: dropping schema ${schema}`);
      void pg.close().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await measureProcflow(pg, 'Postgres');
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await pg.close();
    }
  }

  if (!settings.skipMemory) {
    log('\nMemory of waiting instances (one fresh process per scenario)');
    if (settings.bareWaiting > 0) {
      results.memory.push(await memoryProbe('bare-source', settings.bareWaiting));
      results.memory.push(await memoryProbe('bare-shared', settings.bareWaiting));
    }
    for (const cacheSize of settings.cacheSizes) {
      const count = cacheSize === 0 ? settings.waitingNoCache : settings.waiting;
      if (count > 0) results.memory.push(await memoryProbe(`procflow-cache${cacheSize}`, count));
    }
  }

  results.totalSeconds = (performance.now() - t0) / 1000;
  results.loadAfter = os.loadavg();
  printSummary();
  log(`\nload average before: ${results.loadBefore.map((x) => x.toFixed(2)).join(' ')}; after: ${results.loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  log(`\nPostgres: ${results.postgres}`);
  log(`total time ${results.totalSeconds.toFixed(1)} s`);
  if (settings.jsonOut) {
    fs.writeFileSync(settings.jsonOut, JSON.stringify(results, null, 2));
    log(`results written to ${settings.jsonOut}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
