// Several nodes on one Postgres: node A runs in this test, node B is a real child process (the
// compiled service) that gets killed with SIGKILL in the middle. Timers fire exactly once and
// none is lost; a schedule fires once per firing across the nodes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

const pgUrl = process.env.PROCFLOW_TEST_PG_URL;
const maybe = pgUrl ? describe : describe.skip;
if (!pgUrl) console.warn('multi-node tests skipped: they need PROCFLOW_TEST_PG_URL (Postgres)');

const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;
const count = (rows: unknown[]) => Number((rows[0] as { n: string | number }).n);

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Starts the compiled service as a separate process and waits until it answers. */
async function startNode(db: TestDatabase, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-node-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      PROCFLOW_DATABASE_URL: withSearchPath(db.url, db.searchPath as string),
      PROCFLOW_PORT: String(port),
      PROCFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
      PROCFLOW_PROCESSES_DIR: empty,
      PROCFLOW_LOG_LEVEL: 'warn',
      PROCFLOW_SIMULATORS: 'off',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await supertest(url).get('/ready');
      if (res.status === 200) return { child, url };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('node B did not become ready');
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

maybe('several nodes on one Postgres', () => {
  let db: TestDatabase;
  let a: TestService | undefined;
  let b: { child: ChildProcess; url: string } | undefined;

  beforeAll(() => {
    // Node B runs the compiled service, built from the current sources.
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }, 180000);

  beforeEach(async () => {
    db = await createTestDatabase('postgres');
  });

  afterEach(async () => {
    b?.child.kill('SIGKILL');
    b = undefined;
    await a?.stop();
    a = undefined;
    await db.drop();
  });

  test('1000 instances waiting on short timers over two nodes: each timer fires exactly once, none lost when node B is killed', async () => {
    // A service second lasts a real 1000 s: only the clock jumps below make timers due.
    const env = { PROCFLOW_JOB_LEASE_MS: '3000', PROCFLOW_JOB_POLL_MS: '100', PROCFLOW_CLOCK_SPEED: '0.001' };
    a = await startTestService(db, { env });
    expect((await deploy(a, fixture('timer-wait.bpmn'))).status).toBe(201);
    b = await startNode(db, env);
    const nodeB = supertest.agent(b.url).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const clockOf = async (agent: supertest.Agent) => Date.parse((await agent.get('/api/clock')).body.now as string);
    /** Moves service time on node A and waits until node B, while alive, follows (it reads the clock from the database). */
    const jumpTo = async (ms: number, nodeBAlive = true) => {
      expect((await a!.admin.put('/api/clock').send({ now: new Date(ms).toISOString() })).status).toBe(200);
      if (nodeBAlive) await waitUntil(async () => (await clockOf(nodeB)) >= ms, `node B to follow the clock to ${new Date(ms).toISOString()}`);
    };
    const startHalfOnEach = async (): Promise<string[]> => {
      const ids: string[] = [];
      const startOn = (agent: supertest.Agent) => async () => {
        const res = await agent.post('/api/process-definitions/timerTwoSeconds/start').send({});
        expect(res.status).toBe(201);
        ids.push(res.body.id as string);
      };
      const jobsA = Array.from({ length: 250 }, () => startOn(a!.admin));
      const jobsB = Array.from({ length: 250 }, () => startOn(nodeB));
      await Promise.all([inBatches(jobsA, 8, (f) => f()), inBatches(jobsB, 8, (f) => f())]);
      return ids;
    };
    // The first 500 wait until about t0 + 2 s, the other 500 until about t0 + 3 s.
    const t0 = await clockOf(a.admin);
    const first = await startHalfOnEach();
    await jumpTo(t0 + 1000);
    const second = await startHalfOnEach();
    expect(new Set([...first, ...second]).size).toBe(1000);

    const k = knexFactory({ client: 'pg', connection: pgUrl as string, searchPath: [db.searchPath as string], pool: { min: 0, max: 2 } });
    try {
      const completed = async (ids?: string[]) => {
        const q = k('process_instances').where({ state: 'completed' });
        if (ids) void q.whereIn('id', ids);
        return count(await q.count({ n: '*' }));
      };
      // Kill node B while the first 500 timers are being fired.
      await jumpTo(t0 + 2500);
      await waitUntil(async () => (await completed()) >= 150, 'the first 150 timers to have fired', 30_000);
      b.child.kill('SIGKILL');
      expect(await completed(second)).toBe(0);
      // Node A takes over what node B had leased once the leases run out.
      await waitUntil(async () => (await completed(first)) === 500, 'the first 500 timers to have fired, node B dead', 90_000);
      expect(await completed(second)).toBe(0);
      await jumpTo(t0 + 3500, false);
      await waitUntil(async () => (await completed()) === 1000, 'all 1000 timers to have fired', 90_000);
      const fired: Array<{ n: string }> = await k('history')
        .where({ activity_id: 'wait2s', event: 'end' })
        .select('process_instance_id')
        .count<Array<{ n: string }>>({ n: '*' })
        .groupBy('process_instance_id');
      expect(fired).toHaveLength(1000);
      expect(fired.every((r) => Number(r.n) === 1)).toBe(true);
      expect(count(await k('jobs').count({ n: '*' }))).toBe(0);
    } finally {
      await k.destroy();
    }
  }, 240000);

  test('a schedule with R/PT1M fires once per firing across two nodes: five service minutes, five starts', async () => {
    const env = { PROCFLOW_JOB_POLL_MS: '50' };
    a = await startTestService(db, { env });
    expect((await deploy(a, fixture('timer-wait.bpmn'))).status).toBe(201);
    b = await startNode(db, env);
    const created = await a.admin
      .post('/api/schedules')
      .send({ name: 'each minute', processKey: 'timerShort', recurrence: 'R/PT1M', variables: { via: 'schedule' } });
    expect(created.status).toBe(201);
    const firstRun = Date.parse(created.body.nextRunAt as string);
    const firings = Array.from({ length: 5 }, (_, n) => new Date(firstRun + n * MINUTE).toISOString());
    const k = knexFactory({ client: 'pg', connection: pgUrl as string, searchPath: [db.searchPath as string], pool: { min: 0, max: 1 } });
    try {
      const started = async () => {
        const rows: Array<{ variables: string }> = await k('process_instances').where({ definition_key: 'timerShort' }).select('variables');
        return rows.map((r) => (JSON.parse(r.variables) as { scheduledAt?: string }).scheduledAt).sort();
      };
      for (const [n, at] of firings.entries()) {
        expect((await a.admin.put('/api/clock').send({ now: at })).status).toBe(200);
        // Claimed (by either node) and carried out: a firing claimed twice would leave a second start job.
        await waitUntil(async () => {
          const schedule = (await k('schedules').where({ id: created.body.id }).first()) as { last_run_at: unknown };
          const lastRun = schedule.last_run_at ? new Date(schedule.last_run_at as string).toISOString() : null;
          return lastRun === at && count(await k('jobs').where({ kind: 'start' }).count({ n: '*' })) === 0;
        }, `the firing at ${at} to have been claimed and carried out`);
        // Once per firing: exactly the firings so far, none started twice.
        expect(await started()).toEqual(firings.slice(0, n + 1));
      }
    } finally {
      await k.destroy();
    }
    expect((await a.admin.delete(`/api/schedules/${created.body.id}`)).status).toBe(204);
  }, 120000);
});
