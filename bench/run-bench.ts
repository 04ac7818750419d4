// `npm run bench`: the three-user-task process (start → A → B → C → end) run
//   (a) in bare bpmn-engine, in memory, and
//   (b) through procflow's engine layer (ProcessRuntime + Store) on SQLite and on Postgres,
// with instances completed per second and the ratio b/a side by side, where an event's time goes,
// and the memory held by waiting instances (procflow: state in the DB; bare: engines in memory).
// See docs/benchmarks.md. Settings come from BENCH_* environment variables (listed below).
import fs from 'node:fs';
import os from 'node:os';
import { compileDocument } from '../src/engine/definition-compiler';
import { openDatabase } from '../src/store/database';
import { bareLifecycle, startWaitingEngines, stopEngines, type BareDrive, type BareSource } from './bare-engine';
import { BENCH_XML } from './bench-process';
import { Profiler, type ProfileLine } from './bench-profile';
import { envFlag, envInt, envIntList, fmtRate, fmtRatio, hasGc, kb, log, mb, readMemory, runPool, table, type MemReading } from './bench-util';
import { BenchDatabase, type DbKind } from './procflow-rig';

const settings = {
  /** procflow instance lifecycles per throughput measurement */
  n: envInt('BENCH_N', 600),
  /** bare bpmn-engine lifecycles per throughput measurement */
  bareN: envInt('BENCH_BARE_N', 1500),
  /** lifecycles run before each measurement and not counted */
  warmup: envInt('BENCH_WARMUP', 50),
  /** lifecycles in flight at once */
  concurrency: envIntList('BENCH_CONCURRENCY', [1, 8]),
  /** procflow engine cache sizes to run (1000 = normal, 0 = recover every event from the DB) */
  cacheSizes: envIntList('BENCH_CACHE_SIZES', [1000, 0], 0),
  /** lifecycles for the time breakdown (one in flight) */
  profileN: envInt('BENCH_PROFILE_N', 200),
  /** instances left waiting at task A for the procflow memory reading */
  waiting: envInt('BENCH_WAITING', 10000),
  /** engines left waiting at task A for the bare memory reading */
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
}

interface BreakdownResult {
  db: DbKind;
  cacheSize: number;
  lifecycles: number;
  wallMs: number;
  lines: ProfileLine[];
}

interface MemoryResult {
  label: string;
  checkpoints: Array<{ count: number; heapDelta: number; rssDelta: number }>;
  seconds: number;
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
  postgres: 'not run' as string,
  totalSeconds: 0,
};

async function measureBare(label: string, source: BareSource, drive: BareDrive): Promise<ThroughputRow> {
  const row: ThroughputRow = { path: label, db: null, cacheSize: null, rates: {} };
  for (const c of settings.concurrency) {
    await runPool(settings.warmup, c, (i) => bareLifecycle(i, source, drive));
    const ms = await runPool(settings.bareN, c, (i) => bareLifecycle(i, source, drive));
    row.rates[c] = (settings.bareN / ms) * 1000;
    log(`  ${label}, ${c} in flight: ${fmtRate(row.rates[c])} instances/s (${settings.bareN} in ${(ms / 1000).toFixed(2)} s)`);
  }
  return row;
}

async function measureProcflow(bench: BenchDatabase, label: string): Promise<void> {
  for (const cacheSize of settings.cacheSizes) {
    const rt = bench.runtime(cacheSize);
    const row: ThroughputRow = { path: `procflow ${label}, cache ${cacheSize}`, db: bench.kind, cacheSize, rates: {} };
    try {
      for (const c of settings.concurrency) {
        await runPool(settings.warmup, c, (i) => rt.lifecycle(i));
        const ms = await runPool(settings.n, c, (i) => rt.lifecycle(i));
        row.rates[c] = (settings.n / ms) * 1000;
        log(`  ${row.path}, ${c} in flight: ${fmtRate(row.rates[c])} instances/s (${settings.n} in ${(ms / 1000).toFixed(2)} s)`);
      }
      if (settings.profileN > 0) {
        const profiler = Profiler.attach(bench.store);
        let wallMs: number;
        try {
          wallMs = await runPool(settings.profileN, 1, (i) => rt.lifecycle(i));
        } finally {
          profiler.detach();
        }
        results.breakdown.push({ db: bench.kind, cacheSize, lifecycles: settings.profileN, wallMs, lines: profiler.lines() });
      }
    } finally {
      await rt.close();
    }
    results.throughput.push(row);
  }
}

/** Can we reach Postgres at all? Answers within a few seconds either way. */
async function postgresReachable(url: string): Promise<string | null> {
  const db = openDatabase(url, { poolMax: 1 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.knex.raw('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      }),
    ]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  } finally {
    clearTimeout(timer);
    void db.close().catch(() => undefined);
  }
}

/** Starts `total` procflow instances that all wait at task A; reads memory at a few counts. */
async function procflowWaitingMemory(cacheSize: number): Promise<MemoryResult> {
  const label = `procflow SQLite, cache ${cacheSize}: ${settings.waiting} waiting instances`;
  const bench = await BenchDatabase.sqlite(`waiting-cache${cacheSize}`);
  const rt = bench.runtime(cacheSize);
  try {
    await runPool(Math.min(settings.warmup, 50), 4, (i) => rt.lifecycle(i));
    const base = await readMemory();
    const marks = [...new Set([0.1, 0.25, 0.5, 1].map((f) => Math.round(settings.waiting * f)).filter((x) => x > 0))];
    const checkpoints: MemoryResult['checkpoints'] = [];
    let started = 0;
    const t0 = performance.now();
    for (const mark of marks) {
      const from = started;
      await runPool(mark - from, 8, async (i) => void (await rt.start(from + i)));
      started = mark;
      const m = await readMemory();
      checkpoints.push({ count: mark, heapDelta: m.heapUsed - base.heapUsed, rssDelta: m.rss - base.rss });
      log(`  ${label.split(':')[0]}: ${mark} waiting → heap used +${mb(m.heapUsed - base.heapUsed)}, RSS +${mb(m.rss - base.rss)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const open = await bench.countOpenTasks();
    if (open !== started) throw new Error(`expected ${started} open tasks (one per waiting instance), found ${open}`);
    return { label, checkpoints, seconds };
  } finally {
    await rt.close();
    await bench.close();
  }
}

async function bareWaitingMemory(label: string, source: BareSource): Promise<MemoryResult> {
  const base: MemReading = await readMemory();
  const t0 = performance.now();
  const engines = await startWaitingEngines(settings.bareWaiting, source);
  const seconds = (performance.now() - t0) / 1000;
  const m = await readMemory();
  const checkpoints = [{ count: engines.length, heapDelta: m.heapUsed - base.heapUsed, rssDelta: m.rss - base.rss }];
  log(`  ${label}: ${engines.length} waiting engines → heap used +${mb(m.heapUsed - base.heapUsed)}, RSS +${mb(m.rss - base.rss)}`);
  await stopEngines(engines);
  return { label: `${label}: ${settings.bareWaiting} waiting engines`, checkpoints, seconds };
}

function printSummary(): void {
  const conc = settings.concurrency;
  const baseline = results.throughput[0];
  const header = ['path', ...conc.flatMap((c) => [`${c} in flight (inst/s)`, `b/a @${c}`])];
  const rows = results.throughput.map((r) => [
    r.path,
    ...conc.flatMap((c) => {
      const rate = r.rates[c];
      const base = baseline?.rates[c];
      const ratio = r.db && rate !== undefined && base ? rate / base : undefined;
      return [fmtRate(rate), r.db ? fmtRatio(ratio) : r === baseline ? '(a)' : fmtRatio(rate !== undefined && base ? rate / base : undefined)];
    }),
  ]);
  log('\nThroughput — instances completed per second (each instance = start + 3 task completions = 4 events)');
  log(`baseline (a) = ${baseline?.path ?? '—'}; b/a = procflow rate / baseline rate at the same concurrency`);
  log(table([header, ...rows]));

  if (results.breakdown.length) {
    log('\nWhere an instance lifecycle spends its time (one in flight; ms per instance = 4 events)');
    for (const b of results.breakdown) {
      const per = (ms: number) => (ms / b.lifecycles).toFixed(3);
      const accounted = b.lines.reduce((s, l) => s + l.ms, 0);
      const rows2 = [['part', 'ms / instance', 'share', 'calls / instance']];
      for (const l of b.lines.sort((x, y) => y.ms - x.ms)) {
        rows2.push([l.category, per(l.ms), `${((l.ms / b.wallMs) * 100).toFixed(0)}%`, (l.calls / b.lifecycles).toFixed(1)]);
      }
      rows2.push(['rest (runtime glue, locks, event-loop turns)', per(b.wallMs - accounted), `${(((b.wallMs - accounted) / b.wallMs) * 100).toFixed(0)}%`, '']);
      rows2.push(['total', per(b.wallMs), '100%', '']);
      log(`\n${b.db === 'sqlite' ? 'SQLite' : 'Postgres'}, cache ${b.cacheSize} (${b.lifecycles} lifecycles)`);
      log(table(rows2));
    }
  }

  if (results.memory.length) {
    log('\nMemory of waiting instances (after full GC; deltas against a baseline taken before starting them)');
    const rows3 = [['what', 'waiting', 'heap used Δ', 'per instance', 'RSS Δ']];
    for (const m of results.memory) {
      for (const c of m.checkpoints) {
        rows3.push([m.label.split(':')[0] ?? m.label, String(c.count), mb(c.heapDelta), kb(c.heapDelta / c.count), mb(c.rssDelta)]);
      }
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
      `BENCH_CACHE_SIZES=${settings.cacheSizes.join(',')} BENCH_PROFILE_N=${settings.profileN} BENCH_WAITING=${settings.waiting} BENCH_BARE_WAITING=${settings.bareWaiting}`,
  );
  if (!hasGc()) log('note: run with node --expose-gc (as `npm run bench` does) for meaningful memory figures');

  log('\n(a) bare bpmn-engine, in memory');
  const compiled = await compileDocument(BENCH_XML);
  results.throughput.push(await measureBare('bare bpmn-engine, new Engine({source}), execution.signal', { source: BENCH_XML }, 'execution.signal'));
  results.throughput.push(await measureBare('bare bpmn-engine, new Engine({source}), wait listener api.signal()', { source: BENCH_XML }, 'listener'));
  results.throughput.push(
    await measureBare('bare bpmn-engine, shared sourceContext (as procflow), execution.signal', { sourceContext: compiled.sourceContext }, 'execution.signal'),
  );

  log('\n(b) procflow engine layer on SQLite');
  const sqlite = await BenchDatabase.sqlite('throughput');
  try {
    await measureProcflow(sqlite, 'SQLite');
  } finally {
    await sqlite.close();
  }

  log('\n(b) procflow engine layer on Postgres');
  const problem = settings.skipPg ? 'skipped (BENCH_SKIP_PG is set)' : await postgresReachable(settings.pgUrl);
  if (problem) {
    results.postgres = `skipped: ${problem}`;
    log(`  Postgres column skipped — cannot use ${results.settings.pgUrl}: ${problem}`);
    log('  (set PROCFLOW_BENCH_PG_URL to a reachable database to include it)');
  } else {
    const schema = `bench_${Date.now()}`;
    const pg = await BenchDatabase.postgres(settings.pgUrl, schema);
    results.postgres = `ran in schema ${schema} (dropped afterwards)`;
    try {
      await measureProcflow(pg, 'Postgres');
    } finally {
      await pg.close();
    }
  }

  if (!settings.skipMemory) {
    log('\nMemory of waiting instances');
    if (settings.waiting > 0) {
      for (const cacheSize of settings.cacheSizes) results.memory.push(await procflowWaitingMemory(cacheSize));
    }
    if (settings.bareWaiting > 0) {
      results.memory.push(await bareWaitingMemory('bare bpmn-engine, new Engine({source})', { source: BENCH_XML }));
      results.memory.push(await bareWaitingMemory('bare bpmn-engine, shared sourceContext', { sourceContext: compiled.sourceContext }));
    }
  }

  results.totalSeconds = (performance.now() - t0) / 1000;
  printSummary();
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
