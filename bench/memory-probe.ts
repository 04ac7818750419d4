// One memory reading in a fresh process (so RSS is not skewed by earlier measurements), run by
// run-bench.ts as `node --expose-gc dist/bench/memory-probe.js <scenario> <count>`:
//   procflow-cache<N>  instances started through procflow (SQLite), all waiting at task A
//   bare-source        bare engines made with new Engine({ source }), all waiting at task A
//   bare-shared        bare engines sharing one serialized sourceContext, all waiting at task A
// Progress goes to stdout; the last line is `RESULT <json>`.
import { compileDocument } from '../src/engine/definition-compiler';
import { startWaitingEngines, stopEngines, type BareSource } from './bare-engine';
import { BENCH_XML } from './bench-process';
import { hasGc, log, mb, readMemory, runPool, type MemReading } from './bench-util';
import { BenchDatabase } from './procflow-rig';

export interface MemoryResult {
  scenario: string;
  label: string;
  checkpoints: Array<{ count: number; heapDelta: number; heapTotalDelta: number; externalDelta: number; rssDelta: number }>;
  seconds: number;
}

/** Starts `total` procflow instances that all wait at task A; reads memory at a few counts on the way. */
async function procflowWaiting(cacheSize: number, total: number): Promise<MemoryResult> {
  const label = `procflow SQLite, cache ${cacheSize}`;
  const bench = await BenchDatabase.sqlite(`waiting-cache${cacheSize}`);
  const rt = bench.runtime(cacheSize);
  try {
    // Warm up (JIT, definition registry, statement caches) with a few complete lifecycles.
    await runPool(30, 4, (i) => rt.lifecycle(i));
    const base = await readMemory();
    const marks = [...new Set([0.1, 0.5, 1].map((f) => Math.round(total * f)).filter((x) => x > 0))];
    const checkpoints: MemoryResult['checkpoints'] = [];
    let started = 0;
    const t0 = performance.now();
    for (const mark of marks) {
      const from = started;
      await runPool(mark - from, 8, async (i) => void (await rt.start(from + i)));
      started = mark;
      const m = await readMemory();
      checkpoints.push(deltas(mark, base, m));
      log(`  ${label}: ${mark} waiting → ${describe(base, m)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const open = await bench.countOpenTasks();
    if (open !== started) throw new Error(`expected ${started} open tasks (one per waiting instance), found ${open}`);
    return { scenario: `procflow-cache${cacheSize}`, label, checkpoints, seconds };
  } finally {
    await rt.close();
    await bench.close();
  }
}

async function bareWaiting(scenario: string, label: string, source: BareSource, count: number): Promise<MemoryResult> {
  const base = await readMemory();
  const t0 = performance.now();
  const engines = await startWaitingEngines(count, source);
  const seconds = (performance.now() - t0) / 1000;
  const m = await readMemory();
  log(`  ${label}: ${engines.length} waiting engines → ${describe(base, m)}`);
  await stopEngines(engines);
  return { scenario, label, checkpoints: [deltas(count, base, m)], seconds };
}

function deltas(count: number, base: MemReading, m: MemReading): MemoryResult['checkpoints'][number] {
  return {
    count,
    heapDelta: m.heapUsed - base.heapUsed,
    heapTotalDelta: m.heapTotal - base.heapTotal,
    externalDelta: m.external - base.external,
    rssDelta: m.rss - base.rss,
  };
}

function describe(base: MemReading, m: MemReading): string {
  return (
    `heap used ${sign(m.heapUsed - base.heapUsed)}, heap total ${sign(m.heapTotal - base.heapTotal)}, ` +
    `external ${sign(m.external - base.external)}, RSS ${sign(m.rss - base.rss)}`
  );
}

function sign(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes))}`;
}

async function main(): Promise<void> {
  const [scenario = '', countArg = ''] = process.argv.slice(2);
  const count = Number(countArg);
  if (!Number.isInteger(count) || count < 1) throw new Error(`usage: memory-probe <scenario> <count>, found count <${countArg}>`);
  if (!hasGc()) log('  note: without --expose-gc the memory figures include uncollected garbage');
  let result: MemoryResult;
  const cache = /^procflow-cache(\d+)$/.exec(scenario);
  if (cache) {
    result = await procflowWaiting(Number(cache[1]), count);
  } else if (scenario === 'bare-source') {
    result = await bareWaiting(scenario, 'bare bpmn-engine, new Engine({source})', { source: BENCH_XML }, count);
  } else if (scenario === 'bare-shared') {
    const compiled = await compileDocument(BENCH_XML);
    result = await bareWaiting(scenario, 'bare bpmn-engine, shared sourceContext', { sourceContext: compiled.sourceContext }, count);
  } else {
    throw new Error(`unknown scenario <${scenario}>`);
  }
  log(`RESULT ${JSON.stringify(result)}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`memory probe failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
