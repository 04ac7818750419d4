// /engine-rest, Camunda 7's REST subset: a worker written here speaks the external-task protocol
// exactly as camunda-external-task-client-js does (its EngineService and Variables: the same
// paths, bodies, lower-case type names, `+0000` dates, Json as text, and it reads an answer as
// JSON only when its Content-Type is exactly application/json), and Camunda Modeler's connection
// check and Deploy are sent as the Modeler sends them. Over HTTP, on SQLite and on Postgres.
import { databaseKinds } from '../helpers/databases';
import { ADMIN_TOKEN, createUser, serviceForDescribe } from '../helpers/test-service';

/**
 * Exercises: two external service tasks in a row; the second has a boundary error event for the
 * BPMN error code REJECTED, leading to its own end event.
 */
function workerProcess(id: string, topic: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_${id}" targetNamespace="http://procflow.dev/test">
  <bpmn:error id="Error_rejected" name="Rejected" errorCode="REJECTED" />
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score" />
    <bpmn:serviceTask id="score" name="Score" camunda:type="external" camunda:topic="${topic}.score" />
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="check" />
    <bpmn:serviceTask id="check" name="Check" camunda:type="external" camunda:topic="${topic}.check" />
    <bpmn:boundaryEvent id="rejected" attachedToRef="check">
      <bpmn:errorEventDefinition errorRef="Error_rejected" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="endOk" />
    <bpmn:endEvent id="endOk" />
    <bpmn:sequenceFlow id="f4" sourceRef="rejected" targetRef="endRejected" />
    <bpmn:endEvent id="endRejected" />
  </bpmn:process>
</bpmn:definitions>`;
}

interface TypedValue {
  value: unknown;
  type: string;
  valueInfo?: Record<string, unknown>;
}

interface LockedTask {
  id: string;
  topicName: string;
  workerId: string;
  lockExpirationTime: string;
  processInstanceId: string;
  processDefinitionKey: string;
  activityId: string;
  businessKey: string | null;
  retries: number | null;
  errorMessage: string | null;
  priority: number;
  variables: Record<string, TypedValue>;
}

interface EngineAnswer {
  status: number;
  contentType: string | null;
  body: unknown;
}

/** What camunda-external-task-client-js's Variables.set sends for a JavaScript value. */
function typed(value: unknown): TypedValue {
  if (value === null || value === undefined) return { value: null, type: 'null' };
  if (value instanceof Date) return { value: value.toISOString().replace(/Z$/, '+0000'), type: 'date' };
  if (typeof value === 'boolean') return { value, type: 'boolean' };
  if (typeof value === 'string') return { value, type: 'string' };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'double' };
    return { value, type: value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? 'integer' : 'long' };
  }
  return { value: JSON.stringify(value), type: 'json' };
}

function variables(values: Record<string, unknown>): Record<string, TypedValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typed(v)]));
}

/** A worker as camunda-external-task-client-js's EngineService: one request per operation. */
class Worker {
  constructor(
    private readonly baseUrl: string,
    readonly workerId: string,
    private readonly authorization: string,
  ) {}

  async request(method: string, path: string, json?: unknown): Promise<EngineAnswer> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: this.authorization, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    // The client parses the body only for exactly this Content-Type.
    return { status: res.status, contentType, body: contentType === 'application/json' && text ? JSON.parse(text) : text };
  }

  async fetchAndLock(topics: Array<Record<string, unknown>>, options: { maxTasks?: number; asyncResponseTimeout?: number } = {}): Promise<LockedTask[]> {
    const answer = await this.request('POST', '/external-task/fetchAndLock', {
      maxTasks: options.maxTasks ?? 1,
      usePriority: true,
      ...(options.asyncResponseTimeout ? { asyncResponseTimeout: options.asyncResponseTimeout } : {}),
      topics,
      workerId: this.workerId,
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    return answer.body as LockedTask[];
  }

  complete(task: { id: string }, processVariables?: Record<string, unknown>, localVariables?: Record<string, unknown>) {
    return this.request('POST', `/external-task/${task.id}/complete`, {
      workerId: this.workerId,
      variables: processVariables ? variables(processVariables) : undefined,
      localVariables: localVariables ? variables(localVariables) : undefined,
    });
  }

  handleFailure(task: { id: string }, options: { errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }) {
    return this.request('POST', `/external-task/${task.id}/failure`, { ...options, workerId: this.workerId });
  }

  handleBpmnError(task: { id: string }, errorCode: string, errorMessage?: string, vars?: Record<string, unknown>) {
    return this.request('POST', `/external-task/${task.id}/bpmnError`, {
      errorCode,
      workerId: this.workerId,
      errorMessage,
      variables: vars ? variables(vars) : undefined,
    });
  }

  extendLock(task: { id: string }, newDuration: number) {
    return this.request('POST', `/external-task/${task.id}/extendLock`, { newDuration, workerId: this.workerId });
  }

  unlock(task: { id: string }) {
    return this.request('POST', `/external-task/${task.id}/unlock`, {});
  }
}

const basic = (name: string, token: string) => `Basic ${Buffer.from(`${name}:${token}`).toString('base64')}`;

/** Fails the test if `work` has not answered within `ms` (a hang guard, not a timing assertion). */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, guard]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(databaseKinds)('Camunda 7 REST under /engine-rest on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let workerToken: string;
  let base: string;
  const worker = (id: string) => new Worker(base, id, basic('wendy', workerToken));

  const deployProcess = async (id: string, topic: string) => {
    const res = await t.admin.post(`/api/deployments?name=${id}.bpmn`).set('Content-Type', 'application/xml').send(workerProcess(id, topic));
    expect(res.status).toBe(201);
  };
  const start = async (key: string, vars: Record<string, unknown> = {}, businessKey?: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables: vars, ...(businessKey ? { businessKey } : {}) });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const instance = async (id: string) =>
    (await t.admin.get(`/api/process-instances/${id}`)).body as { state: string; variables: Record<string, unknown>; waitingAt: Array<{ activityId: string }> };

  beforeAll(async () => {
    base = `${t.service.url}/engine-rest`;
    workerToken = await createUser(t, 'wendy', ['workers']);
  });

  test('a worker speaking the client protocol drives a process to its end: long poll, extendLock, failure with a retry timeout, typed complete, a BPMN error caught by a boundary event', async () => {
    await deployProcess('cwFlow', 'flow');
    const w = worker('worker-1');
    const started = await start('cwFlow', { amount: 5, big: 2 ** 40, ratio: 0.5, customer: { name: 'Ada' }, note: null, vip: true }, 'order-7');

    const [task] = await within(15000, 'fetchAndLock', w.fetchAndLock([{ topicName: 'flow.score', lockDuration: 10000 }], { asyncResponseTimeout: 10000 }));
    expect(task).toMatchObject({
      topicName: 'flow.score',
      workerId: 'worker-1',
      processInstanceId: started.id,
      processDefinitionKey: 'cwFlow',
      activityId: 'score',
      businessKey: 'order-7',
      retries: null,
      errorMessage: null,
      priority: 0,
    });
    expect(task?.lockExpirationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(task?.variables).toEqual({
      amount: { value: 5, type: 'Integer', valueInfo: {} },
      big: { value: 2 ** 40, type: 'Long', valueInfo: {} },
      ratio: { value: 0.5, type: 'Double', valueInfo: {} },
      customer: { value: '{"name":"Ada"}', type: 'Json', valueInfo: {} },
      note: { value: null, type: 'Null', valueInfo: {} },
      vip: { value: true, type: 'Boolean', valueInfo: {} },
    });
    if (!task) throw new Error('no task');

    // The lock is extended from now, and visible on the task.
    expect((await w.extendLock(task, 60000)).status).toBe(204);
    const seen = await w.request('GET', `/external-task/${task.id}`);
    expect(seen.body).toMatchObject({ id: task.id, workerId: 'worker-1', topicName: 'flow.score', suspended: false });
    expect(Date.parse(String((seen.body as { lockExpirationTime: string }).lockExpirationTime).replace('+0000', 'Z'))).toBeGreaterThan(Date.now() + 30000);

    // A failure with a retry left: fetchable again once the retry timeout passed on the service clock.
    expect(
      (await w.handleFailure(task, { errorMessage: 'scoring service down', errorDetails: 'ECONNREFUSED', retries: 1, retryTimeout: 3600000 })).status,
    ).toBe(204);
    expect(await w.fetchAndLock([{ topicName: 'flow.score', lockDuration: 10000 }])).toEqual([]);
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + 2 * 3600000).toISOString() })).status).toBe(200);
    const [again] = await w.fetchAndLock([{ topicName: 'flow.score', lockDuration: 10000, variables: ['amount'] }]);
    expect(again).toMatchObject({ id: task.id, retries: 1, errorMessage: 'scoring service down' });
    expect(again?.variables).toEqual({ amount: { value: 5, type: 'Integer', valueInfo: {} } });

    // Complete with typed variables, as the client's Variables serializes them.
    const when = new Date('2024-01-02T03:04:05.000Z');
    const done = await w.complete(task, { score: 42, approved: true, when, details: { a: [1, 2] }, label: 'ok' }, { scratch: 'local only' });
    expect(done.status).toBe(204);
    const afterScore = await instance(started.id);
    expect(afterScore.variables).toMatchObject({ score: 42, approved: true, when: '2024-01-02T03:04:05.000Z', details: { a: [1, 2] }, label: 'ok' });
    expect(afterScore.variables).not.toHaveProperty('scratch');
    expect((await w.request('GET', `/external-task/${task.id}`)).status).toBe(404);

    // A BPMN error thrown by the worker is caught by the boundary event with its code.
    const [check] = await w.fetchAndLock([{ topicName: 'flow.check', lockDuration: 10000 }]);
    expect(check?.variables.score).toEqual({ value: 42, type: 'Integer', valueInfo: {} });
    if (!check) throw new Error('no check task');
    expect((await w.handleBpmnError(check, 'REJECTED', 'score too low', { reason: 'too low' })).status).toBe(204);
    const ended = await instance(started.id);
    expect(ended.state).toBe('completed');
    expect(ended.variables.reason).toBe('too low');
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toContain('endRejected');
    expect(history.map((h) => h.activityId)).not.toContain('endOk');
  });

  test('two workers polling the same topic at once never get the same task', async () => {
    await deployProcess('cwRace', 'race');
    const ids = new Set<string>();
    for (let i = 0; i < 8; i++) ids.add((await start('cwRace')).id);
    const a = worker('racer-a');
    const b = worker('racer-b');
    const topics = [{ topicName: 'race.score', lockDuration: 60000 }];
    const rounds = await Promise.all([
      a.fetchAndLock(topics, { maxTasks: 3 }),
      b.fetchAndLock(topics, { maxTasks: 3 }),
      a.fetchAndLock(topics, { maxTasks: 3 }),
      b.fetchAndLock(topics, { maxTasks: 3 }),
    ]);
    const got = rounds.flat();
    expect(got).toHaveLength(8);
    expect(new Set(got.map((x) => x.id)).size).toBe(8);
    expect(new Set(got.map((x) => x.processInstanceId))).toEqual(ids);
    const locked = await a.request('GET', '/external-task/count?topicName=race.score&locked=true');
    expect(locked.body).toEqual({ count: 8 });
  });

  test('a long poll answers as soon as a task is created, not at its timeout', async () => {
    await deployProcess('cwPoll', 'poll');
    const w = worker('poller');
    const poll = w.fetchAndLock([{ topicName: 'poll.score', lockDuration: 10000 }], { asyncResponseTimeout: 120000 });
    // Let the request reach the service before the task exists (if it arrives later, it still finds the task).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = await start('cwPoll');
    const [task] = await within(20000, 'the long poll', poll);
    expect(task).toMatchObject({ processInstanceId: started.id, topicName: 'poll.score', workerId: 'poller' });
  });

  test("a completion, failure or extension by another worker than the lock's is refused with Camunda's 400 and body", async () => {
    await deployProcess('cwWrong', 'wrong');
    await start('cwWrong');
    const owner = worker('owner');
    const intruder = worker('intruder');
    const [task] = await owner.fetchAndLock([{ topicName: 'wrong.score', lockDuration: 60000 }]);
    if (!task) throw new Error('no task');
    for (const answer of [
      await intruder.complete(task, { x: 1 }),
      await intruder.handleFailure(task, { errorMessage: 'no', retries: 0 }),
      await intruder.handleBpmnError(task, 'REJECTED'),
      await intruder.extendLock(task, 1000),
    ]) {
      expect(answer.status).toBe(400);
      expect(answer.contentType).toBe('application/json');
      expect(answer.body).toEqual({ type: 'InvalidRequestException', message: expect.stringContaining('locked by worker <owner>') });
    }
    const missing = await owner.complete({ id: 'no-such-task' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ type: 'InvalidRequestException', message: expect.any(String) });
    // The owner still completes it; a second completion finds no task.
    expect((await owner.complete(task, { x: 1 })).status).toBe(204);
    expect((await owner.complete(task, { x: 1 })).status).toBe(404);
    // No credentials, or a token with another user's name: 401 in Camunda's shape.
    const anonymous = new Worker(base, 'anon', '');
    const noAuth = await anonymous.request('GET', '/external-task');
    expect(noAuth.status).toBe(401);
    expect(noAuth.body).toMatchObject({ type: 'AuthenticationException' });
    expect((await new Worker(base, 'x', basic('admin', workerToken)).request('GET', '/external-task')).status).toBe(401);
  });

  test("lock by id (the client's taskService.lock): a free task is locked to the worker, another worker's running lock refuses it, an expired one does not", async () => {
    await deployProcess('cwLockById', 'lockid');
    const started = await start('cwLockById');
    const a = worker('locker-a');
    const b = worker('locker-b');
    const [listed] = (await a.request('GET', `/external-task?processInstanceId=${started.id}`)).body as Array<{ id: string }>;
    if (!listed) throw new Error('no task');
    expect((await a.request('POST', `/external-task/${listed.id}/lock`, { workerId: 'locker-a', lockDuration: 600000 })).status).toBe(204);
    expect((await a.request('GET', `/external-task/${listed.id}`)).body).toMatchObject({ workerId: 'locker-a' });
    expect(await b.fetchAndLock([{ topicName: 'lockid.score', lockDuration: 60000 }])).toEqual([]);
    const refused = await b.request('POST', `/external-task/${listed.id}/lock`, { workerId: 'locker-b', lockDuration: 60000 });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ type: 'InvalidRequestException', message: expect.stringContaining('locked by worker <locker-a>') });
    expect((await b.request('POST', `/external-task/${listed.id}/lock`, { workerId: 'locker-b', lockDuration: 0 })).status).toBe(400);
    expect((await b.request('POST', '/external-task/no-such-task/lock', { workerId: 'locker-b', lockDuration: 1000 })).status).toBe(404);
    // Once the lock has run out on the service clock, the other worker may lock and complete it.
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + 11 * 60000).toISOString() })).status).toBe(200);
    expect((await b.request('POST', `/external-task/${listed.id}/lock`, { workerId: 'locker-b', lockDuration: 60000 })).status).toBe(204);
    expect((await a.complete(listed, {})).status).toBe(400);
    expect((await b.complete(listed, { lockedById: true })).status).toBe(204);
    expect((await instance(started.id)).variables).toMatchObject({ lockedById: true });
  });

  test('a failure with no retries left opens an incident at /api/incidents; retrying it makes the task fetchable again', async () => {
    await deployProcess('cwIncident', 'inc');
    const started = await start('cwIncident');
    const w = worker('failing');
    const [task] = await w.fetchAndLock([{ topicName: 'inc.score', lockDuration: 60000 }]);
    if (!task) throw new Error('no task');
    expect((await w.handleFailure(task, { errorMessage: 'disk full', errorDetails: 'ENOSPC at /data', retries: 0, retryTimeout: 0 })).status).toBe(204);
    const incidents = (await t.admin.get(`/api/incidents?state=open&processInstanceId=${started.id}`)).body as {
      items: Array<{ id: string; activityId: string; message: string }>;
    };
    expect(incidents.items).toEqual([expect.objectContaining({ activityId: 'score', message: 'disk full' })]);
    expect(await w.fetchAndLock([{ topicName: 'inc.score', lockDuration: 60000 }])).toEqual([]);
    expect((await t.admin.post(`/api/incidents/${incidents.items[0]?.id}/retry`).send({})).status).toBe(200);
    const [again] = await w.fetchAndLock([{ topicName: 'inc.score', lockDuration: 60000 }]);
    expect(again).toMatchObject({ processInstanceId: started.id, activityId: 'score', retries: null });
  });

  test("Camunda Modeler's connection check and Deploy work with Basic user:token", async () => {
    const modeler = new Worker(base, 'modeler', basic('admin', ADMIN_TOKEN));
    const version = await modeler.request('GET', '/version');
    expect(version.status).toBe(200);
    expect(version.body).toEqual({ version: expect.stringMatching(/^7\.\d+\.\d+$/) });
    const check = await modeler.request('GET', '/deployment?maxResults=0');
    expect(check.status).toBe(200);
    expect(check.body).toEqual([]);

    const deployOnce = () => {
      const form = new FormData();
      form.append('deployment-name', 'modeler-diagram');
      form.append('deployment-source', 'Camunda Modeler');
      form.append('deploy-changed-only', 'true');
      form.append('modeler.bpmn', new Blob([workerProcess('cwModeler', 'modeler')], { type: 'application/octet-stream' }), 'modeler.bpmn');
      return fetch(`${base}/deployment/create`, { method: 'POST', headers: { Authorization: basic('admin', ADMIN_TOKEN) }, body: form });
    };
    const first = await deployOnce();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    const deployment = (await first.json()) as {
      id: string;
      name: string;
      source: string;
      deploymentTime: string;
      deployedProcessDefinitions: Record<string, unknown>;
    };
    expect(deployment).toMatchObject({ name: 'modeler-diagram', source: 'Camunda Modeler', tenantId: null });
    expect(Object.values(deployment.deployedProcessDefinitions)).toEqual([
      expect.objectContaining({ key: 'cwModeler', version: 1, deploymentId: deployment.id, resource: 'modeler.bpmn' }),
    ]);
    // The same diagram again deploys nothing new.
    const second = (await (await deployOnce()).json()) as { id: string; deployedProcessDefinitions: unknown };
    expect(second).toMatchObject({ id: deployment.id, deployedProcessDefinitions: null });
    const listed = await modeler.request('GET', '/deployment');
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: deployment.id })]));
    expect((await t.admin.get('/api/process-definitions/cwModeler')).body).toMatchObject({ key: 'cwModeler', deploymentId: deployment.id });
    // A worker may not deploy: Camunda's 403.
    const refused = await fetch(`${base}/deployment/create`, { method: 'POST', headers: { Authorization: basic('wendy', workerToken) }, body: new FormData() });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ type: 'AuthorizationException' });
  });

  test('after a restart a locked task stays locked until its lock expires, then another worker fetches it', async () => {
    await deployProcess('cwRestart', 'restart');
    const started = await start('cwRestart');
    const first = worker('before-restart');
    const [task] = await first.fetchAndLock([{ topicName: 'restart.score', lockDuration: 600000 }]);
    if (!task) throw new Error('no task');

    await t.restart();
    base = `${t.service.url}/engine-rest`;

    const second = worker('after-restart');
    expect(await second.fetchAndLock([{ topicName: 'restart.score', lockDuration: 60000 }])).toEqual([]);
    expect((await second.request('GET', `/external-task/${task.id}`)).body).toMatchObject({ workerId: 'before-restart' });
    // The first worker, back too, shortens its lock; once it has run out, a waiting long poll gets the task.
    const firstAgain = worker('before-restart');
    expect((await firstAgain.extendLock(task, 1000)).status).toBe(204);
    const [taken] = await within(
      20000,
      'the long poll after expiry',
      second.fetchAndLock([{ topicName: 'restart.score', lockDuration: 60000 }], { asyncResponseTimeout: 60000 }),
    );
    expect(taken).toMatchObject({ id: task.id, workerId: 'after-restart', processInstanceId: started.id });
    expect((await firstAgain.complete(task, {})).status).toBe(400);
    expect((await second.complete(task, { finished: true })).status).toBe(204);
    expect((await instance(started.id)).waitingAt.map((w) => w.activityId)).toEqual(['check']);
  });
});
