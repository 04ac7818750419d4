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

const pgUrl = process.env.PROCFLOW_TEST_PG_URL;
const maybe = pgUrl ? describe : describe.skip;
if (!pgUrl) console.warn('multi-node tests skipped: they need PROCFLOW_TEST_PG_URL (Postgres)');

const ROOT = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const env = { PROCFLOW_JOB_LEASE_MS: '3000', PROCFLOW_JOB_POLL_MS: '100' };
    a = await startTestService(db, { env });
    expect((await deploy(a, fixture('timer-wait.bpmn'))).status).toBe(201);
    b = await startNode(db, env);
    const nodeB = supertest.agent(b.url).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const ids: string[] = [];
    const startOn = (agent: supertest.Agent) => async () => {
      const res = await agent.post('/api/process-definitions/timerTwoSeconds/start').send({});
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    };
    const jobsA = Array.from({ length: 500 }, () => startOn(a!.admin));
    const jobsB = Array.from({ length: 500 }, () => startOn(nodeB));
    await Promise.all([inBatches(jobsA, 8, (f) => f()), inBatches(jobsB, 8, (f) => f())]);
    expect(ids).toHaveLength(1000);

    const k = knexFactory({ client: 'pg', connection: pgUrl as string, searchPath: [db.searchPath as string], pool: { min: 0, max: 2 } });
    try {
      const completed = async () => Number(((await k('process_instances').where({ state: 'completed' }).count({ n: '*' }))[0] as { n: string }).n);
      // Kill node B while timers are being fired.
      const t0 = Date.now();
      while ((await completed()) < 150 && Date.now() - t0 < 30000) await sleep(20);
      b.child.kill('SIGKILL');
      const atKill = await completed();
      expect(atKill).toBeLessThan(1000);
      const deadline = Date.now() + 90000;
      while ((await completed()) < 1000 && Date.now() < deadline) await sleep(250);
      expect(await completed()).toBe(1000);
      const fired: Array<{ n: string }> = await k('history')
        .where({ activity_id: 'wait2s', event: 'end' })
        .select('process_instance_id')
        .count<Array<{ n: string }>>({ n: '*' })
        .groupBy('process_instance_id');
      expect(fired).toHaveLength(1000);
      expect(fired.every((r) => Number(r.n) === 1)).toBe(true);
      expect(Number(((await k('jobs').count({ n: '*' }))[0] as { n: string }).n)).toBe(0);
    } finally {
      await k.destroy();
    }
  }, 240000);

  test('a schedule with R/PT1M at speed 60 fires about once a second, once per firing across two nodes', async () => {
    const env = { PROCFLOW_CLOCK_SPEED: '60', PROCFLOW_JOB_POLL_MS: '50' };
    a = await startTestService(db, { env });
    expect((await deploy(a, fixture('timer-wait.bpmn'))).status).toBe(201);
    b = await startNode(db, env);
    const created = await a.admin
      .post('/api/schedules')
      .send({ name: 'each minute', processKey: 'timerShort', recurrence: 'R/PT1M', variables: { via: 'schedule' } });
    expect(created.status).toBe(201);
    await sleep(5200);
    await a.admin.delete(`/api/schedules/${created.body.id}`);
    await sleep(300);
    const k = knexFactory({ client: 'pg', connection: pgUrl as string, searchPath: [db.searchPath as string], pool: { min: 0, max: 1 } });
    try {
      const rows: Array<{ variables: string }> = await k('process_instances').where({ definition_key: 'timerShort' }).select('variables');
      const firings = rows.map((r) => (JSON.parse(r.variables) as { scheduledAt?: string }).scheduledAt);
      expect(firings.length).toBeGreaterThanOrEqual(4);
      expect(firings.length).toBeLessThanOrEqual(7);
      // Once per firing: no firing time started twice.
      expect(new Set(firings).size).toBe(firings.length);
    } finally {
      await k.destroy();
    }
  }, 120000);
});
