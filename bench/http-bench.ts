// The durable path over HTTP, as a REST client drives it: for each instance, start it, then for
// each of its three user tasks read the open task and complete it (7 requests, 4 events) — or,
// as a client that reads the next task from each answer's waitingAt[].taskId, start and complete
// only (4 requests, 4 events) — against the whole service (Express, auth, JSON, the runtime, the
// database) on SQLite and on Postgres, side by side with bare bpmn-engine in the same run.
// The service runs in this process; the client is a process of its own (bench/http-client.ts),
// so its CPU is not charged to the service. Per database and client: closed loop at 1 and 8 in
// flight (throughput, ratio against bare bpmn-engine), then an open loop at half the higher of
// those rates (latency of start and complete under a load the service can carry), each with the
// CPU time of the service process, of the client process and of the rest of the machine.
// `npm run bench:http`
// Knobs: BENCH_HTTP_N (instances per closed-loop measurement, default 200), BENCH_HTTP_CONCURRENCY
// (1,8), BENCH_HTTP_OPEN_N (instances of the open loop, default 2 × BENCH_HTTP_N; 0 leaves it out),
// BENCH_HTTP_OPEN_CAP (instances in flight at most in the open loop, default 32),
// PROCFLOW_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SKIP_PG=1.
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import type http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import type { Service } from '../src/main';
import { bareLifecycle } from './bare-engine';
import { callService, createSchema, dropSchema, startBenchService } from './bench-service';
import { BENCH_XML } from './bench-process';
import { cpuMark, cpuMsSince, envFlag, envInt, envIntList, fmtRate, fmtRatio, log, percentile, runPool, table } from './bench-util';
import { HttpClientProcess, type ClientJob, type ClientLifecycle, type ClientMode, type ClientResult } from './http-client-process';

const TOKEN = 'bench-http-admin-token-000';
const WARMUP = 20;

/** Connections the service accepted and saw closed, requests it received (all its servers in this process), and its keep-alive timeout. */
const served = {
  connections: 0,
  closed: 0,
  closedByClient: 0,
  closedByRunningService: 0,
  server: undefined as http.Server | undefined,
  requests: 0,
  keepAliveTimeout: undefined as number | undefined,
};
const seenSockets = new WeakSet<object>();
/** Servers of services that are stopping or stopped: the connections they close then are not closed between requests. */
const stoppedServers = new WeakSet<http.Server>();
diagnosticsChannel.subscribe('http.server.request.start', (message) => {
  const { socket, server } = message as { socket: Socket; server: http.Server };
  served.requests++;
  served.keepAliveTimeout = server.keepAliveTimeout;
  served.server = server;
  if (!seenSockets.has(socket)) {
    seenSockets.add(socket);
    served.connections++;
    // A connection the client ends gets its FIN ('end') or reset (ECONNRESET) first; one the service closes gets neither.
    let clientEnded = false;
    socket.once('end', () => (clientEnded = true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') clientEnded = true;
    });
    socket.once('close', () => {
      served.closed++;
      if (clientEnded) served.closedByClient++;
      else if (!stoppedServers.has(server)) served.closedByRunningService++;
    });
  }
});

interface Measurement {
  label: string;
  load: string;
  n: number;
  rate: number;
  /** CPU milliseconds over the measurement: this (the service's) process, the client process, the whole machine. */
  cpu: { service: number; client?: number; machine: number };
  elapsedMs: number;
  /** Connections the service accepted and saw closed during the measurement (after the warm-up). */
  newConnections?: number;
  closedConnections?: number;
  /** Of those, closed by the service (the rest the client ended). */
  closedByService?: number;
  requests?: number;
  client?: ClientResult;
}

async function startOn(databaseUrl: string, searchPath?: string): Promise<Service> {
  const service = await startBenchService(TOKEN, databaseUrl, searchPath);
  await callService(service.url, TOKEN, 'POST', '/api/deployments?name=bench.bpmn', BENCH_XML, 'application/xml');
  return service;
}

async function measureBare(n: number, concurrency: number): Promise<Measurement> {
  const job = (i: number) => bareLifecycle(i, { source: BENCH_XML }, 'execution.signal');
  await runPool(Math.min(WARMUP, n), concurrency, job);
  const mark = cpuMark();
  const elapsedMs = await runPool(n, concurrency, job);
  const cpu = cpuMsSince(mark);
  const rate = (n * 1000) / elapsedMs;
  log(`bare bpmn-engine, ${concurrency} in flight: ${fmtRate(rate)} instances/s`);
  return { label: '(a) bare bpmn-engine', load: `${concurrency} in flight`, n, rate, elapsedMs, cpu: { service: cpu.own, machine: cpu.machine } };
}

/** One job of the client process against the service, with the CPU this process (the service) and the machine used meanwhile. */
async function measureHttp(client: HttpClientProcess, label: string, load: string, job: ClientJob, warmup: boolean): Promise<Measurement> {
  if (warmup) await client.run({ ...job, n: Math.min(WARMUP, job.n) });
  const before = { ...served };
  const mark = cpuMark();
  const result = await client.run(job);
  const cpu = cpuMsSince(mark);
  const rate = (job.n * 1000) / result.elapsedMs;
  const m: Measurement = {
    label,
    load,
    n: job.n,
    rate,
    elapsedMs: result.elapsedMs,
    cpu: { service: cpu.own, client: result.cpuMs.user + result.cpuMs.system, machine: cpu.machine },
    newConnections: served.connections - before.connections,
    closedConnections: served.closed - before.closed,
    closedByService: served.closed - served.closedByClient - (before.closed - before.closedByClient),
    requests: served.requests - before.requests,
    client: result,
  };
  const complete = result.latencies.complete;
  log(
    `${label}, ${load}: ${fmtRate(rate)} instances/s; complete p50 ${fmtMs(percentile(complete, 50))} p99 ${fmtMs(percentile(complete, 99))} ms; ` +
      `CPU ms/instance service ${fmtMs(m.cpu.service / m.n)}, client ${fmtMs((m.cpu.client ?? 0) / m.n)}; ${m.newConnections} connections opened, ${m.closedConnections} closed (${m.closedByService} by the service) for ${m.requests} requests`,
  );
  return m;
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function loadAvg(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

async function main(): Promise<void> {
  const n = envInt('BENCH_HTTP_N', 200);
  const levels = envIntList('BENCH_HTTP_CONCURRENCY', [1, 8]);
  const openN = envInt('BENCH_HTTP_OPEN_N', 2 * n);
  const openCap = Math.max(1, envInt('BENCH_HTTP_OPEN_CAP', 32));
  const began = new Date();
  log(`${began.toISOString()}: load average ${loadAvg()} (${os.cpus().length} CPUs)`);

  const throughput: string[][] = [['path', ...levels.flatMap((c) => [`${c} in flight, inst/s`, `÷ (a) @${c}`])]];
  const measurements: Measurement[] = [];
  const open: Array<{ label: string; offered: number; m: Measurement }> = [];
  const bare: Measurement[] = [];
  for (const c of levels) bare.push(await measureBare(n, c));
  measurements.push(...bare);
  throughput.push(['(a) bare bpmn-engine, new Engine({source}), execution.signal', ...bare.flatMap((m) => [fmtRate(m.rate), '(a)'])]);

  const targets: Array<{ label: string; url: string; searchPath?: string; cleanup: () => Promise<void> }> = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-http-'));
  targets.push({
    label: 'SQLite',
    url: `sqlite:${path.join(dir, 'bench.db')}`,
    cleanup: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  });
  if (!envFlag('BENCH_SKIP_PG')) {
    const pgUrl = process.env.PROCFLOW_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    try {
      const schema = await createSchema(pgUrl, 'bench_http');
      targets.push({ label: 'Postgres', url: pgUrl, searchPath: schema, cleanup: () => dropSchema(pgUrl, schema) });
    } catch (err) {
      log(`Postgres unreachable (${err instanceof Error ? err.message : String(err)}): its rows are skipped`);
    }
  }

  const failed: string[] = [];
  const client = HttpClientProcess.start();
  log(`client process ${client.pid}, service process ${process.pid}`);
  try {
    for (const target of targets) {
      let service: Service | undefined;
      try {
        service = await startOn(target.url, target.searchPath);
        const base = service.url;
        const clients: Array<{ name: string; lifecycle: ClientLifecycle }> = [
          { name: 'list, then complete (7 req.)', lifecycle: 'list' },
          { name: 'from the answers (4 req.)', lifecycle: 'answers' },
        ];
        for (const c of clients) {
          const label = `procflow ${target.label}, ${c.name}`;
          const job = (jobN: number, mode: ClientMode): ClientJob => ({ base, token: TOKEN, lifecycle: c.lifecycle, n: jobN, mode });
          const closed: Measurement[] = [];
          for (const level of levels) closed.push(await measureHttp(client, label, `${level} in flight`, job(n, { kind: 'closed', concurrency: level }), true));
          measurements.push(...closed);
          throughput.push([
            `${label} (engine cache ${loadConfig({}).engineCacheSize})`,
            ...closed.flatMap((m, k) => [fmtRate(m.rate), fmtRatio(m.rate / (bare[k] as Measurement).rate)]),
          ]);
          if (openN > 0) {
            const offered = Math.max(...closed.map((m) => m.rate)) / 2;
            const m = await measureHttp(client, label, `open loop, ${fmtRate(offered)}/s`, job(openN, { kind: 'open', rate: offered, cap: openCap }), false);
            measurements.push(m);
            open.push({ label, offered, m });
          }
        }
      } catch (err) {
        // One database failing (a service that does not start on it, say) leaves the other's figures standing.
        log(`${target.label}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; its rows are incomplete`);
        failed.push(target.label);
      } finally {
        if (served.server) stoppedServers.add(served.server);
        await service?.close();
        await target.cleanup();
      }
    }
  } finally {
    await client.close();
  }

  const cpus = os.cpus().length;
  const where: string[][] = [
    [
      'path',
      'load',
      'inst/s',
      'complete p50 ms',
      'complete p99 ms',
      'service CPU ms/inst',
      'client CPU ms/inst',
      'rest of machine ms/inst',
      `CPUs busy (of ${cpus})`,
      'conn. opened / closed (by service) / requests',
    ],
  ];
  for (const m of measurements) {
    const complete = m.client?.latencies.complete ?? [];
    where.push([
      m.label,
      m.load,
      fmtRate(m.rate),
      fmtMs(percentile(complete, 50)),
      fmtMs(percentile(complete, 99)),
      fmtMs(m.cpu.service / m.n),
      m.cpu.client === undefined ? '(same process)' : fmtMs(m.cpu.client / m.n),
      fmtMs(Math.max(0, m.cpu.machine - m.cpu.service - (m.cpu.client ?? 0)) / m.n),
      (m.cpu.machine / m.elapsedMs).toFixed(2),
      m.requests === undefined ? '—' : `${m.newConnections} / ${m.closedConnections} (${m.closedByService}) / ${m.requests}`,
    ]);
  }

  const latency: string[][] = [
    ['path', 'offered inst/s', 'done inst/s', 'peak in flight', 'waited for cap', 'max lag ms', 'request', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
  ];
  for (const { label, offered, m } of open) {
    const lat = m.client?.latencies;
    const o = m.client?.open;
    if (!lat || !o) continue;
    const kinds: Array<[string, number[]]> = [
      ['POST …/start', lat.start],
      ['GET /api/tasks', lat.list],
      ['POST /api/tasks/{id}/complete', lat.complete],
    ];
    let first = true;
    for (const [request, values] of kinds) {
      if (!values.length) continue;
      latency.push([
        first ? label : '',
        first ? fmtRate(offered) : '',
        first ? fmtRate(m.rate) : '',
        first ? String(o.peakInFlight) : '',
        first ? String(o.capDelayed) : '',
        first ? fmtMs(o.maxLagMs) : '',
        request,
        String(values.length),
        fmtMs(percentile(values, 50)),
        fmtMs(percentile(values, 90)),
        fmtMs(percentile(values, 99)),
        fmtMs(percentile(values, 100)),
      ]);
      first = false;
    }
  }

  const ended = new Date();
  log('');
  log(
    `${ended.toISOString()}: load average ${loadAvg()}; ${((ended.getTime() - began.getTime()) / 1000).toFixed(0)} s; ` +
      `service keep-alive timeout ${served.keepAliveTimeout ?? '—'} ms; ${served.connections} connections for ${served.requests} requests, ` +
      `${served.closed} closed: ${served.closedByClient} by the client, ${served.closedByRunningService} by the service while it ran, the rest when it stopped`,
  );
  log('');
  log('Throughput over HTTP — instances completed per second (one instance = 4 events; 7 or 4 requests), closed loop');
  log(table(throughput));
  log('');
  log('Where the time goes — CPU milliseconds per instance: the service process, the client process, and the rest of the machine (Postgres, anything else)');
  log(table(where));
  if (open.length) {
    log('');
    log(
      `Latency at half of the maximum throughput — open loop, ${openN} instances at a fixed rate, at most ${openCap} in flight; measured in the client process`,
    );
    log(table(latency));
  }
  if (failed.length) throw new Error(`the run on ${failed.join(' and ')} failed (see above); the tables lack its rows`);
}

main().then(
  // Exit once the tables are out, whatever timers a closed service's libraries still hold.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
