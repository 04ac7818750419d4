// Benchmark: one sweep of the game-server monitor over many simulated servers. The simulators run
// in a child process (the other core), procflow in this one: each round starts gameServerMonitor
// through the runtime, exactly as `POST /api/game-servers/poll` does, and times it end to end
// (query every server + store every sample in one transaction + notify + roll-up).
//
//   npm run bench:poll
//   BENCH_SERVERS=500 BENCH_SILENT=0 BENCH_MCSRVSTAT_SHARE=0.2 BENCH_POLL_CONCURRENCY=16,64,256 \
//   BENCH_ROUNDS=5 BENCH_TIMEOUT_MS=3000 PROCFLOW_BENCH_PG_URL=postgres://… BENCH_SKIP_PG=1
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { McsrvstatSimulator } from '../src/connectors/simulators/mcsrvstat-simulator';
import { SimulatedMinecraftServer } from '../src/connectors/simulators/minecraft-server-simulator';
import { createLogger } from '../src/log/logger';
import { startService, type Service } from '../src/main';
import { openDatabase } from '../src/store/database';
import { envFlag, envInt, envIntList, log, table } from './bench-util';

interface SimulatorPorts {
  healthy: number[];
  silent: number[];
  mcsrvstatUrl: string;
}

const settings = {
  servers: envInt('BENCH_SERVERS', 500),
  silent: envInt('BENCH_SILENT', 0),
  mcsrvstatShare: Number(process.env.BENCH_MCSRVSTAT_SHARE ?? '0.2'),
  concurrency: envIntList('BENCH_POLL_CONCURRENCY', [16, 64, 256]),
  rounds: envInt('BENCH_ROUNDS', 5),
  timeoutMs: envInt('BENCH_TIMEOUT_MS', 3000),
  pgUrl: process.env.PROCFLOW_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  skipPg: envFlag('BENCH_SKIP_PG'),
};

// ----- the child: every simulated server -----

async function runSimulators(): Promise<void> {
  const healthy: SimulatedMinecraftServer[] = [];
  const silent: SimulatedMinecraftServer[] = [];
  for (let i = 0; i < settings.servers - settings.silent; i++) {
    healthy.push(await SimulatedMinecraftServer.start({ status: { playersOnline: i % 50, playersMax: 50, motd: [`bench server ${i}`] } }));
  }
  for (let i = 0; i < settings.silent; i++) silent.push(await SimulatedMinecraftServer.start({ behaviour: 'silent' }));
  const mcsrvstat = await McsrvstatSimulator.start();
  for (const s of healthy) mcsrvstat.attach(s);
  const ports: SimulatorPorts = { healthy: healthy.map((s) => s.port), silent: silent.map((s) => s.port), mcsrvstatUrl: mcsrvstat.url };
  process.send?.(ports);
  process.on('message', () => {
    void Promise.allSettled([...healthy, ...silent].map((s) => s.close()).concat(mcsrvstat.close())).then(() => process.exit(0));
  });
}

// ----- the parent: procflow -----

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function postgresProblem(url: string): Promise<string | null> {
  const db = openDatabase(url, { poolMax: 1 });
  try {
    await db.knex.raw('select 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await db.close();
  }
}

async function withService<T>(kind: 'sqlite' | 'postgres', env: Record<string, string>, fn: (service: Service) => Promise<T>): Promise<T> {
  const processes = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-processes-'));
  fs.copyFileSync(path.resolve(__dirname, '..', '..', 'processes', 'game-server-monitor.bpmn'), path.join(processes, 'game-server-monitor.bpmn'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-db-'));
  const schema = `bench_poll_${process.pid}_${Date.now()}`;
  if (kind === 'postgres') {
    const admin = openDatabase(settings.pgUrl, { poolMax: 1 });
    await admin.knex.raw(`create schema "${schema}"`);
    await admin.close();
  }
  const config = loadConfig({
    PROCFLOW_DATABASE_URL: kind === 'sqlite' ? `sqlite:${path.join(dataDir, 'bench.db')}` : settings.pgUrl,
    PROCFLOW_PROCESSES_DIR: processes,
    PROCFLOW_ADMIN_TOKEN: 'bench-admin-token-0123',
    PROCFLOW_LOG_LEVEL: 'error',
    PROCFLOW_SERVICE_RETRIES: '0',
    ...env,
  });
  const service = await startService(config, { listen: false, logger: createLogger('error', true), ...(kind === 'postgres' ? { searchPath: schema } : {}) });
  try {
    return await fn(service);
  } finally {
    await service.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(processes, { recursive: true, force: true });
    if (kind === 'postgres') {
      const admin = openDatabase(settings.pgUrl, { poolMax: 1 });
      await admin.knex.raw(`drop schema if exists "${schema}" cascade`);
      await admin.close();
    }
  }
}

interface Round {
  wallMs: number;
  queryMs: number;
  storeMs: number;
  online: number;
  offline: number;
}

async function measure(kind: 'sqlite' | 'postgres', concurrency: number, ports: SimulatorPorts): Promise<Round[]> {
  const env = {
    PROCFLOW_MCSRVSTAT_URL: ports.mcsrvstatUrl,
    PROCFLOW_GAME_POLL_CONCURRENCY: String(concurrency),
    PROCFLOW_GAME_POLL_TIMEOUT_MS: String(settings.timeoutMs),
  };
  return withService(kind, env, async (service) => {
    const now = new Date().toISOString();
    const viaApi = Math.round(ports.healthy.length * settings.mcsrvstatShare);
    const targets = [
      ...ports.healthy.map((port, i) => ({ port, provider: i < viaApi ? ('mcsrvstat' as const) : ('query' as const) })),
      ...ports.silent.map((port) => ({ port, provider: 'query' as const })),
    ];
    for (const [i, t] of targets.entries()) {
      await service.areas.gameServers.store.insert({
        id: `bench-${i}`,
        name: `bench ${i}`,
        game: 'minecraft',
        host: '127.0.0.1',
        port: t.port,
        provider: t.provider,
        demo: false,
        createdAt: now,
      });
    }
    const rounds: Round[] = [];
    for (let r = 0; r <= settings.rounds; r++) {
      const t0 = performance.now();
      const instance = await service.application.starts.startLatest('gameServerMonitor', { variables: { trigger: 'bench' } }, null);
      const wallMs = performance.now() - t0;
      if (instance.state !== 'completed') throw new Error(`the monitor instance ended ${instance.state}: ${JSON.stringify(instance.waitingAt)}`);
      const v = instance.variables as { queryMs: number; storeMs: number; online: number; offline: number };
      if (r > 0) rounds.push({ wallMs, queryMs: v.queryMs, storeMs: v.storeMs, online: v.online, offline: v.offline }); // round 0 warms up
    }
    return rounds;
  });
}

async function main(): Promise<void> {
  if (process.env.BENCH_ROLE === 'simulators') return runSimulators();
  log(
    `poll-sweep benchmark: ${settings.servers} simulated Minecraft servers (${settings.silent} silent), ` +
      `${Math.round(settings.mcsrvstatShare * 100)}% of the healthy ones through the mcsrvstat simulator, ${settings.rounds} rounds after a warm-up, ` +
      `timeout ${settings.timeoutMs} ms; node ${process.version}, ${os.cpus().length} cores`,
  );
  const child = fork(__filename, [], { env: { ...process.env, BENCH_ROLE: 'simulators' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<SimulatorPorts>((resolve, reject) => {
    child.once('message', (m) => resolve(m as SimulatorPorts));
    child.once('exit', (code) => reject(new Error(`the simulators exited with ${code}`)));
  });
  try {
    const kinds: Array<'sqlite' | 'postgres'> = ['sqlite'];
    const problem = settings.skipPg ? 'BENCH_SKIP_PG is set' : await postgresProblem(settings.pgUrl);
    if (problem) log(`postgres skipped: ${problem}`);
    else kinds.push('postgres');
    const rows: string[][] = [['database', 'concurrency', 'sweep end to end (median)', 'min', 'max', 'querying', 'storing', 'servers/s', 'online', 'offline']];
    for (const kind of kinds) {
      for (const c of settings.concurrency) {
        const rounds = await measure(kind, c, ports);
        const wall = rounds.map((r) => r.wallMs);
        const med = median(wall);
        rows.push([
          kind,
          String(c),
          `${med.toFixed(0)} ms`,
          `${Math.min(...wall).toFixed(0)} ms`,
          `${Math.max(...wall).toFixed(0)} ms`,
          `${median(rounds.map((r) => r.queryMs)).toFixed(0)} ms`,
          `${median(rounds.map((r) => r.storeMs)).toFixed(0)} ms`,
          ((settings.servers / med) * 1000).toFixed(0),
          String(rounds[0]?.online ?? 0),
          String(rounds[0]?.offline ?? 0),
        ]);
        log(`  ${kind} c=${c}: ${wall.map((w) => w.toFixed(0)).join(', ')} ms`);
      }
    }
    log('');
    log(table(rows));
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`poll-sweep benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
