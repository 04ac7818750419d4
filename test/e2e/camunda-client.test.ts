// Existing Camunda 7 workers, unchanged, against procflow: each worker here is the real
// camunda-external-task-client-js (ESM, so a child process running
// test/fixtures/workers/camunda-worker.mjs) talking HTTP to /engine-rest of a service started on
// a real port, authenticated with Basic (user name, token) or a bearer token. What a worker did it
// reports on stdout. Time moves only through the service clock (PUT /api/clock). On SQLite and
// Postgres; two service nodes on one database on Postgres.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, startTestService, type TestService } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

const WORKER_SCRIPT = path.join(__dirname, '..', 'fixtures', 'workers', 'camunda-worker.mjs');
const MINUTE = 60_000;

interface WorkerEvent {
  event: string;
  workerId: string;
  id?: string;
  processInstanceId?: string;
  retries?: number | null;
  priority?: number;
  variables?: Record<string, { value: unknown; type: string }>;
  message?: string;
}

interface WorkerConfig {
  baseUrl: string;
  workerId: string;
  topic: string;
  mode: 'complete' | 'fail' | 'bpmnError' | 'extend' | 'hang';
  auth: { basic: { username: string; password: string } } | { bearer: string };
  lockDuration?: number;
  maxTasks?: number;
  asyncResponseTimeout?: number;
  retries?: number;
  retryTimeout?: number;
  extendBy?: number;
  errorCode?: string;
}

/** A camunda-external-task-client-js worker in its own process. */
class WorkerProcess {
  readonly events: WorkerEvent[] = [];
  private readonly child: ChildProcess;
  private exited = false;

  constructor(readonly config: WorkerConfig) {
    this.child = spawn(process.execPath, [WORKER_SCRIPT], {
      env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
    readline.createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as WorkerEvent);
      } catch {
        this.events.push({ event: 'output', workerId: config.workerId, message: line });
      }
    });
  }

  of(event: string): WorkerEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  async waitFor(event: string, count = 1, maxMs = 30_000): Promise<WorkerEvent[]> {
    await waitUntil(
      () => this.of(event).length >= count,
      `${count} "${event}" from worker ${this.config.workerId} (saw ${JSON.stringify(this.events)})`,
      maxMs,
    );
    return this.of(event);
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Ends the worker at once, as a crash would: nothing of its work is reported back. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await gone;
  }
}

/** Exercises: an external service task, then an exclusive gateway on the worker's `approved`. */
const typedProcess = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_ccTyped" targetNamespace="http://procflow.dev/test">
  <bpmn:process id="ccTyped" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score" />
    <bpmn:serviceTask id="score" name="Score" camunda:type="external" camunda:topic="cc.typed" />
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" default="fNo" />
    <bpmn:sequenceFlow id="fYes" sourceRef="decide" targetRef="endApproved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fNo" sourceRef="decide" targetRef="endRejected" />
    <bpmn:endEvent id="endApproved" />
    <bpmn:endEvent id="endRejected" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * Exercises: one external service task (with camunda:taskPriority, an expression when given)
 * and, when `withBoundary`, a boundary error event for code REJECTED leading to its own end.
 */
function singleTask(id: string, topic: string, opts: { withBoundary?: boolean; priority?: string } = {}): string {
  const priority = opts.priority ? ` camunda:taskPriority="${opts.priority}"` : '';
  const boundary = opts.withBoundary
    ? `<bpmn:boundaryEvent id="rejected" attachedToRef="work"><bpmn:errorEventDefinition errorRef="Error_rejected" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="fErr" sourceRef="rejected" targetRef="endRejected" />
    <bpmn:endEvent id="endRejected" />`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_${id}" targetNamespace="http://procflow.dev/test">
  <bpmn:error id="Error_rejected" name="Rejected" errorCode="REJECTED" />
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:serviceTask id="work" name="Work" camunda:type="external" camunda:topic="${topic}"${priority} />
    ${boundary}
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="endOk" />
    <bpmn:endEvent id="endOk" />
  </bpmn:process>
</bpmn:definitions>`;
}

interface InstanceAnswer {
  id: string;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string }>;
}

describe.each(databaseKinds)('camunda-external-task-client-js workers against procflow on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let workerToken: string;
  let engineRest: string;
  const workers: WorkerProcess[] = [];

  const worker = (config: Omit<WorkerConfig, 'baseUrl' | 'auth'> & { baseUrl?: string; auth?: WorkerConfig['auth'] }) => {
    const w = new WorkerProcess({ baseUrl: engineRest, auth: { basic: { username: 'wendy', password: workerToken } }, ...config });
    workers.push(w);
    return w;
  };
  const deployXml = async (xml: string, name: string) => {
    const res = await t.admin.post(`/api/deployments?name=${name}.bpmn`).set('Content-Type', 'application/xml').send(xml);
    expect(res.status).toBe(201);
  };
  const start = async (key: string, variables: Record<string, unknown> = {}) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables });
    expect(res.status).toBe(201);
    return res.body as InstanceAnswer;
  };
  const instance = async (id: string) => (await t.admin.get(`/api/process-instances/${id}`)).body as InstanceAnswer;
  const history = async (id: string) =>
    ((await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null }>).map((h) => h.activityId);
  const advanceClock = async (ms: number) => {
    const now = (await t.admin.get('/api/clock')).body as { now: string };
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(now.now) + ms).toISOString() })).status).toBe(200);
  };
  /** One fetchAndLock as the client sends it, by a worker that is not running a client. */
  const probeFetch = async (topic: string, workerId = 'probe') => {
    const res = await t
      .as(workerToken)
      .post('/engine-rest/external-task/fetchAndLock')
      .send({ workerId, maxTasks: 10, usePriority: true, topics: [{ topicName: topic, lockDuration: 60000 }] });
    expect(res.status).toBe(200);
    return res.body as Array<{ id: string; workerId: string; priority: number }>;
  };
  const externalTask = async (id: string) =>
    (await t.as(workerToken).get(`/engine-rest/external-task/${id}`)).body as {
      workerId: string | null;
      lockExpirationTime: string | null;
      retries: number | null;
    };
  const camundaTime = (s: string | null) => Date.parse(String(s).replace(/\+0000$/, 'Z'));

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    engineRest = `${t.service.url}/engine-rest`;
    workerToken = await createUser(t, 'wendy', ['workers']);
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.kill();
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('a worker subscribed to a topic completes tasks with typed variables; the instance goes on with them', async () => {
    await deployXml(typedProcess, 'ccTyped');
    const big = await start('ccTyped', { amount: 16, customer: { name: 'Ada' }, vip: true, big: 2 ** 40 });
    const small = await start('ccTyped', { amount: 5 });
    const w = worker({ workerId: 'typed-worker', topic: 'cc.typed', mode: 'complete', maxTasks: 5 });
    await w.waitFor('completed', 2);

    const seen = w.of('task').find((e) => e.processInstanceId === big.id);
    // As the client's Variables reads them: lower-case types, Json parsed.
    expect(seen?.variables).toMatchObject({
      amount: { value: 16, type: 'integer' },
      customer: { value: { name: 'Ada' }, type: 'json' },
      vip: { value: true, type: 'boolean' },
      big: { value: 2 ** 40, type: 'long' },
    });
    await waitUntil(async () => (await instance(big.id)).state === 'completed' && (await instance(small.id)).state === 'completed', 'both instances ended');
    const approved = await instance(big.id);
    expect(approved.variables).toMatchObject({
      score: 32,
      approved: true,
      ratio: 2,
      checkedAt: '2026-01-02T03:04:05.000Z',
      details: { by: 'typed-worker', amount: 16 },
      note: 'handled by typed-worker',
    });
    expect(approved.variables).not.toHaveProperty('scratch');
    expect(await history(big.id)).toContain('endApproved');
    const rejected = await instance(small.id);
    expect(rejected.variables).toMatchObject({ score: 10, approved: false, ratio: 0.625 });
    expect(await history(small.id)).toContain('endRejected');
    expect(w.of('handler-error')).toEqual([]);
  });

  test('a failing handler reports failures with fewer retries each time; the retry timeout runs on the service clock; retries 0 opens an incident', async () => {
    await deployXml(singleTask('ccFail', 'cc.fail'), 'ccFail');
    const started = await start('ccFail');
    const w = worker({ workerId: 'failing-worker', topic: 'cc.fail', mode: 'fail', retries: 3, retryTimeout: 10 * MINUTE, asyncResponseTimeout: 2000 });

    const [first] = await w.waitFor('failed', 1);
    expect(first).toMatchObject({ retries: 2 });
    const id = first?.id as string;
    expect(await externalTask(id)).toMatchObject({ retries: 2, workerId: 'failing-worker' });
    // Not fetchable before the retry timeout has passed on the service clock.
    expect(await probeFetch('cc.fail')).toEqual([]);
    expect(w.of('task')).toHaveLength(1);

    await advanceClock(11 * MINUTE);
    expect((await w.waitFor('failed', 2))[1]).toMatchObject({ id, retries: 1 });
    expect(w.of('task')[1]).toMatchObject({ id, retries: 2 });
    expect(await probeFetch('cc.fail')).toEqual([]);

    await advanceClock(11 * MINUTE);
    expect((await w.waitFor('failed', 3))[2]).toMatchObject({ id, retries: 0 });

    const incidents = (await t.admin.get(`/api/incidents?state=open&processInstanceId=${started.id}`)).body as {
      items: Array<{ activityId: string; message: string }>;
    };
    expect(incidents.items).toEqual([expect.objectContaining({ activityId: 'work', message: 'attempt failed, 0 retries left' })]);
    const camunda = await t.admin.get(`/engine-rest/incident?processInstanceId=${started.id}`);
    expect(camunda.status).toBe(200);
    expect(camunda.body).toEqual([
      expect.objectContaining({ processInstanceId: started.id, activityId: 'work', incidentMessage: 'attempt failed, 0 retries left' }),
    ]);
    // With an incident open nobody fetches it, however far the clock moves.
    await advanceClock(60 * MINUTE);
    expect(await probeFetch('cc.fail')).toEqual([]);
    expect((await instance(started.id)).state).toBe('running');
  });

  test('handleBpmnError is caught by the boundary error event on the service task', async () => {
    await deployXml(singleTask('ccBpmn', 'cc.bpmn', { withBoundary: true }), 'ccBpmn');
    const started = await start('ccBpmn', { amount: 99 });
    const w = worker({ workerId: 'rejecting-worker', topic: 'cc.bpmn', mode: 'bpmnError', errorCode: 'REJECTED' });
    await w.waitFor('bpmnError');
    await waitUntil(async () => (await instance(started.id)).state === 'completed', 'the instance to end');
    const ended = await instance(started.id);
    expect(ended.variables).toMatchObject({ amount: 99, reason: 'credit limit exceeded' });
    const path = await history(started.id);
    expect(path).toContain('endRejected');
    expect(path).not.toContain('endOk');
  });

  test('extendLock keeps a slow task from being fetched by a second worker', async () => {
    await deployXml(singleTask('ccSlow', 'cc.slow'), 'ccSlow');
    const started = await start('ccSlow');
    const slow = worker({ workerId: 'slow-worker', topic: 'cc.slow', mode: 'extend', lockDuration: 5 * MINUTE, extendBy: 60 * MINUTE });
    const [extended] = await slow.waitFor('extended');
    const id = extended?.id as string;
    // Past the first lock (5 minutes), within the extended one (60 minutes).
    await advanceClock(20 * MINUTE);
    const second = worker({ workerId: 'second-worker', topic: 'cc.slow', mode: 'complete', asyncResponseTimeout: 1000 });
    await second.waitFor('started');
    expect(await probeFetch('cc.slow')).toEqual([]);
    const task = await externalTask(id);
    expect(task.workerId).toBe('slow-worker');
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    expect(camundaTime(task.lockExpirationTime)).toBeGreaterThan(Date.parse(clock.now) + 30 * MINUTE);

    slow.send(`complete ${id}`);
    await slow.waitFor('completed');
    await waitUntil(async () => (await instance(started.id)).state === 'completed', 'the instance to end');
    expect((await instance(started.id)).variables).toMatchObject({ slowDone: true });
    expect(second.of('task')).toEqual([]);
  });

  test('two workers on one topic with 40 tasks never handle one twice; every task is completed once', async () => {
    await deployXml(singleTask('ccMany', 'cc.many'), 'ccMany');
    // Both workers poll before the tasks appear, so both compete for them.
    const a = worker({ workerId: 'many-a', topic: 'cc.many', mode: 'complete', maxTasks: 5 });
    const b = worker({ workerId: 'many-b', topic: 'cc.many', mode: 'complete', maxTasks: 5, auth: { bearer: workerToken } });
    await a.waitFor('started');
    await b.waitFor('started');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await start('ccMany', { amount: i })).id);
    await waitUntil(() => a.of('completed').length + b.of('completed').length >= 40, '40 completions', 120_000);
    expect(a.of('task').length).toBeGreaterThan(0);
    expect(b.of('task').length).toBeGreaterThan(0);

    const handled = [...a.of('task'), ...b.of('task')].map((e) => e.id);
    expect(handled).toHaveLength(40);
    expect(new Set(handled).size).toBe(40);
    expect([...a.of('handler-error'), ...b.of('handler-error')]).toEqual([]);
    const byInstance = new Set([...a.of('task'), ...b.of('task')].map((e) => e.processInstanceId));
    expect(byInstance).toEqual(new Set(ids));
    await waitUntil(async () => {
      const res = await t.admin.get('/api/process-instances?definitionKey=ccMany&state=completed&limit=100');
      return (res.body as { total: number }).total === 40;
    }, 'all 40 instances completed');
    expect((await t.as(workerToken).get('/engine-rest/external-task/count?topicName=cc.many')).body).toEqual({ count: 0 });
  });

  test('a worker killed mid-task: once its lock has expired on the service clock, another worker completes the task', async () => {
    await deployXml(singleTask('ccCrash', 'cc.crash'), 'ccCrash');
    const started = await start('ccCrash', { amount: 3 });
    const doomed = worker({ workerId: 'doomed-worker', topic: 'cc.crash', mode: 'hang', lockDuration: 10 * MINUTE });
    const [taken] = await doomed.waitFor('task');
    await doomed.kill();
    const id = taken?.id as string;
    expect(await externalTask(id)).toMatchObject({ workerId: 'doomed-worker' });
    // Still locked by the dead worker.
    expect(await probeFetch('cc.crash')).toEqual([]);
    const rescuer = worker({ workerId: 'rescuer', topic: 'cc.crash', mode: 'complete', asyncResponseTimeout: 2000 });
    await rescuer.waitFor('started');
    await advanceClock(11 * MINUTE);
    const [done] = await rescuer.waitFor('completed');
    expect(done?.id).toBe(id);
    await waitUntil(async () => (await instance(started.id)).state === 'completed', 'the instance to end');
    expect((await instance(started.id)).variables).toMatchObject({ score: 6, note: 'handled by rescuer' });
  });

  test('camunda:taskPriority (a number or an expression) is the priority of the task; usePriority fetches higher first', async () => {
    await deployXml(singleTask('ccPrio', 'cc.prio', { priority: '${rush ? 90 : 10}' }), 'ccPrio');
    await deployXml(singleTask('ccPrioFixed', 'cc.prio', { priority: '50' }), 'ccPrioFixed');
    const low = await start('ccPrio', { rush: false });
    const fixed = await start('ccPrioFixed');
    const high = await start('ccPrio', { rush: true });
    const listed = (await t.as(workerToken).get('/engine-rest/external-task?topicName=cc.prio')).body as Array<{ processInstanceId: string; priority: number }>;
    expect(Object.fromEntries(listed.map((x) => [x.processInstanceId, x.priority]))).toEqual({ [low.id]: 10, [fixed.id]: 50, [high.id]: 90 });
    const fetched = await probeFetch('cc.prio');
    expect(fetched.map((x) => x.priority)).toEqual([90, 50, 10]);
    const own = (await t.as(workerToken).get('/api/external-tasks?topic=cc.prio')).body as { items: Array<{ priority: number }> };
    expect(own.items.map((x) => x.priority).sort()).toEqual([10, 50, 90]);
    // Without usePriority: the oldest first.
    for (const x of fetched) expect((await t.as(workerToken).post(`/engine-rest/external-task/${x.id}/unlock`).send({})).status).toBe(204);
    const res = await t
      .as(workerToken)
      .post('/engine-rest/external-task/fetchAndLock')
      .send({ workerId: 'fifo', maxTasks: 3, usePriority: false, topics: [{ topicName: 'cc.prio', lockDuration: 60000 }] });
    expect((res.body as Array<{ processInstanceId: string }>).map((x) => x.processInstanceId)).toEqual([low.id, fixed.id, high.id]);
  });

  test("procflow's own /api/external-tasks locks a fetched task to its worker until the lock expires", async () => {
    await deployXml(singleTask('ccOwn', 'cc.own'), 'ccOwn');
    const started = await start('ccOwn');
    const api = t.as(workerToken);
    const fetched = await api.post('/api/external-tasks/fetch-and-lock').send({ workerId: 'own-a', topic: 'cc.own', lockDurationMs: 5 * MINUTE });
    expect(fetched.status).toBe(200);
    const items = (fetched.body as { items: Array<{ id: string; workerId: string; lockExpiresAt: string }> }).items;
    expect(items).toEqual([expect.objectContaining({ processInstanceId: started.id, workerId: 'own-a', lockExpiresAt: expect.any(String) })]);
    const id = items[0]?.id as string;
    // Locked: nobody else fetches it, and nobody else may complete it.
    expect(
      ((await api.post('/api/external-tasks/fetch-and-lock').send({ workerId: 'own-b', topic: 'cc.own', lockDurationMs: MINUTE })).body as { items: unknown[] })
        .items,
    ).toEqual([]);
    for (const body of [{ workerId: 'own-b', variables: {} }, { variables: {} }]) {
      const refused = await api.post(`/api/external-tasks/${id}/complete`).send(body);
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'EXTERNAL_TASK_LOCKED', detail: expect.stringContaining('locked by worker <own-a>') });
    }
    const listed = (await api.get('/api/external-tasks?topic=cc.own')).body as { items: Array<{ id: string; workerId: string | null }> };
    expect(listed.items).toEqual([expect.objectContaining({ id, workerId: 'own-a' })]);
    // Expired: another worker fetches it and completes it; the first one's lock is gone.
    await advanceClock(6 * MINUTE);
    const again = (await api.post('/api/external-tasks/fetch-and-lock').send({ workerId: 'own-b', topic: 'cc.own', lockDurationMs: MINUTE })).body as {
      items: Array<{ id: string; workerId: string }>;
    };
    expect(again.items).toEqual([expect.objectContaining({ id, workerId: 'own-b' })]);
    expect((await api.post(`/api/external-tasks/${id}/complete`).send({ workerId: 'own-a', variables: {} })).body).toMatchObject({
      code: 'EXTERNAL_TASK_LOCKED',
    });
    const done = await api.post(`/api/external-tasks/${id}/complete`).send({ workerId: 'own-b', variables: { by: 'own-b' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ processInstance: { id: started.id, state: 'completed', variables: { by: 'own-b' } } });
    expect((await api.post(`/api/external-tasks/${id}/complete`).send({ workerId: 'own-b', variables: {} })).body).toMatchObject({
      code: 'EXTERNAL_TASK_DONE',
    });
    // Bad input is a 400, not a lock.
    expect((await api.post('/api/external-tasks/fetch-and-lock').send({ topic: 'cc.own', lockDurationMs: 0 })).status).toBe(400);
    // A task nobody has locked may still be completed without a workerId, as before.
    const unlocked = await start('ccOwn');
    const [open] = ((await api.get(`/api/external-tasks?processInstanceId=${unlocked.id}`)).body as { items: Array<{ id: string; workerId: null }> }).items;
    expect(open?.workerId).toBeNull();
    expect((await api.post(`/api/external-tasks/${open?.id}/complete`).send({ variables: {} })).status).toBe(200);
  });
});

const pgUrl = process.env.PROCFLOW_TEST_PG_URL;
const onPostgres = pgUrl ? describe : describe.skip;

onPostgres('camunda-external-task-client-js workers polling two procflow nodes on one Postgres', () => {
  let db: TestDatabase;
  let a: TestService;
  let b: TestService;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    a = await startTestService(db);
    b = await startTestService(db);
  });

  afterAll(async () => {
    for (const w of workers.splice(0)) await w.kill();
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  test('workers polling both nodes never get the same task; every task is completed once', async () => {
    const token = await createUser(a, 'nina', ['workers']);
    const res = await a.admin.post('/api/deployments?name=ccNodes.bpmn').set('Content-Type', 'application/xml').send(singleTask('ccNodes', 'cc.nodes'));
    expect(res.status).toBe(201);
    for (const [i, node] of [a, b, a, b].entries()) {
      workers.push(
        new WorkerProcess({
          baseUrl: `${node.service.url}/engine-rest`,
          workerId: `node-worker-${i}`,
          topic: 'cc.nodes',
          mode: 'complete',
          maxTasks: 4,
          auth: i % 2 ? { bearer: token } : { basic: { username: 'nina', password: token } },
        }),
      );
    }
    // The workers poll before the tasks appear, so all four compete for them.
    for (const w of workers) await w.waitFor('started');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const node = i % 2 ? a : b;
      const started = await node.admin.post('/api/process-definitions/ccNodes/start').send({ variables: { amount: i } });
      expect(started.status).toBe(201);
      ids.push((started.body as { id: string }).id);
    }
    await waitUntil(() => workers.reduce((n, w) => n + w.of('completed').length, 0) >= 40, '40 completions across the nodes', 120_000);
    const handled = workers.flatMap((w) => w.of('task').map((e) => e.id));
    // Workers of both nodes took part.
    expect(workers[0]!.of('task').length + workers[2]!.of('task').length).toBeGreaterThan(0);
    expect(workers[1]!.of('task').length + workers[3]!.of('task').length).toBeGreaterThan(0);
    expect(handled).toHaveLength(40);
    expect(new Set(handled).size).toBe(40);
    expect(workers.flatMap((w) => w.of('handler-error'))).toEqual([]);
    expect(new Set(workers.flatMap((w) => w.of('task').map((e) => e.processInstanceId)))).toEqual(new Set(ids));
    await waitUntil(async () => {
      const list = await b.admin.get('/api/process-instances?definitionKey=ccNodes&state=completed&limit=100');
      return (list.body as { total: number }).total === 40;
    }, 'all 40 instances completed');
  });
});
