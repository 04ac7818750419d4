// `npm run bench:cpu`: where the CPU of one side goes, by package — the service serving the
// benchmark's REST client (a process of its own, 8 in flight, the "from the answers" lifecycle) on
// SQLite, and bare bpmn-engine running the same process in memory (`new Engine({ source })` per
// instance, 8 in flight). Each side is profiled with V8's sampling profiler (node:inspector) over
// the measured instances only, after a warm-up, and its self time is summed per npm package (and
// per folder of procflow's own code). The profiles are kept beside the output for DevTools.
// Settings: BENCH_CPU_N (instances per side, default 1000), BENCH_CPU_DIR (where the .cpuprofile
// files go, default a folder under os.tmpdir()).
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { bareLifecycle } from './bare-engine';
import { callService, startBenchService } from './bench-service';
import { BENCH_XML } from './bench-process';
import { cpuMark, cpuMsSince, envInt, log, runPool, table } from './bench-util';
import { HttpClientProcess } from './http-client-process';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOKEN = 'bench-cpu-admin-token-0000';

/** The package (or procflow folder, or V8's own bucket) a profile node's code belongs to. */
function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  // better-sqlite3's statement calls are native functions without a file.
  if (!url && ['run', 'all', 'get', 'iterate', 'prepare', 'exec'].includes(functionName)) return 'better-sqlite3 (native: SQLite runs the statement)';
  if (!url) return functionName ? `(${functionName.replace(/[()]/g, '')})` : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  if (pkg)
    return /node_modules\/[^/]+\/node_modules\//.test(url) ? `${pkg[1]} (in ${/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]})` : (pkg[1] as string);
  const own = /\/dist\/(src|bench)\/([^/]+)/.exec(url);
  if (own) return `procflow ${own[1]}/${own[2]?.replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return 'node (http, streams, events, …)';
  return url;
}

function split(profile: Profile): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const bucket = bucketOf(node);
    totals.set(bucket, (totals.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

async function profiled(session: Session, file: string, work: () => Promise<void>): Promise<{ profile: Profile; cpuMs: number }> {
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const mark = cpuMark();
  await work();
  const cpuMs = cpuMsSince(mark).own;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  fs.writeFileSync(file, JSON.stringify(profile));
  return { profile, cpuMs };
}

async function main(): Promise<void> {
  const n = envInt('BENCH_CPU_N', 1000);
  const dir = process.env.BENCH_CPU_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-cpu-'));
  fs.mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();

  // bare bpmn-engine
  const bareRun = (count: number) => runPool(count, 8, (i) => bareLifecycle(i, { source: BENCH_XML }, 'execution.signal'));
  await bareRun(200);
  const bare = await profiled(session, path.join(dir, 'bare.cpuprofile'), async () => {
    await bareRun(n);
  });

  // the service on SQLite, driven by the client process
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-cpu-db-'));
  const service = await startBenchService(TOKEN, `sqlite:${path.join(dbDir, 'bench.db')}`);
  const client = HttpClientProcess.start();
  let served: { profile: Profile; cpuMs: number };
  try {
    await callService(service.url, TOKEN, 'POST', '/api/deployments?name=bench.bpmn', BENCH_XML, 'application/xml');
    const job = (count: number) => client.run({ base: service.url, token: TOKEN, lifecycle: 'answers', n: count, mode: { kind: 'closed', concurrency: 8 } });
    await job(200);
    served = await profiled(session, path.join(dir, 'service-sqlite.cpuprofile'), async () => {
      await job(n);
    });
  } finally {
    await client.close();
    await service.close();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
  session.disconnect();

  for (const [label, side] of [
    ['bare bpmn-engine', bare],
    ['procflow service, SQLite', served],
  ] as const) {
    const rows = split(side.profile);
    const sampled = rows.reduce((a, [, t]) => a + t, 0);
    const perInstance = side.cpuMs / n;
    log(`${label}: ${perInstance.toFixed(1)} ms of process CPU per instance; self time by package (sampled wall time of the JavaScript thread)`);
    console.log(
      table([
        ['share', 'ms/instance', 'package'],
        ...rows.slice(0, 25).map(([bucket, t]) => [`${((100 * t) / sampled).toFixed(1)} %`, (t / 1000 / n).toFixed(2), bucket]),
      ]),
    );
  }
  log(`profiles in ${dir}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
