// A BPMN error that a service task handler throws or an external-task worker reports, over HTTP on
// SQLite and on Postgres: nothing catching it ends the task's execution as a none end event would
// (Camunda 7's default), so the sub-process around it completes and the instance goes on; an
// error event sub-process around the task catches it; with PROCFLOW_UNHANDLED_BPMN_ERROR=fail the
// call that reports it is refused with 422 BPMN_ERROR_UNHANDLED and nothing changes.
import { BpmnError, type ServiceRegistry } from '../../src/engine/service-registry';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

interface Instance {
  id: string;
  state: string;
  incidents: number;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string }>;
}

interface ExternalTask {
  id: string;
  processInstanceId: string;
  activityId: string;
  workerId: string | null;
}

const MINUTE = 60_000;

const register = (r: ServiceRegistry) => {
  r.register('test.reject', () => Promise.reject(new BpmnError('E_REJECTED', 'the partner said no')));
};

describe.each(databaseKinds)('BPMN errors from handlers and workers on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register });
    expect((await deploy(t, fixture('unhandled-service-error.bpmn'))).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const start = async (key: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({});
    expect(res.status).toBe(201);
    return res.body as Instance;
  };
  const instance = async (id: string) => (await t.admin.get(`/api/process-instances/${id}`)).body as Instance;
  const openTasks = async (instanceId: string) =>
    ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Array<{ activityId: string }>).map((x) => x.activityId);
  const lock = async (instanceId: string, workerId: string) => {
    const res = await t.admin.post('/api/external-tasks/fetch-and-lock').send({ workerId, topic: 'test.ask', maxTasks: 100, lockDurationMs: 5 * MINUTE });
    expect(res.status).toBe(200);
    const task = (res.body.items as ExternalTask[]).find((x) => x.processInstanceId === instanceId);
    expect(task).toMatchObject({ activityId: 'ask', workerId });
    return task as ExternalTask;
  };
  const waitingTasks = async (instanceId: string) => (await t.admin.get(`/api/external-tasks?processInstanceId=${instanceId}`)).body.items as ExternalTask[];

  test('a handler’s BPMN error nothing catches ends the task: its sub-process completes and the instance goes on, with no incident', async () => {
    const started = await start('unhandledServiceError');
    expect(started).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'review' }] });
    // The task's outgoing flow was not taken, nor did the boundary event for another error fire.
    expect(await openTasks(started.id)).toEqual(['review']);
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(history.filter((h) => h.event === 'start').map((h) => h.activityId)).not.toContain('record');
    expect(history.some((h) => h.activityId === 'work' && h.event === 'end')).toBe(true);
    expect((await t.admin.get(`/api/incidents?processInstanceId=${started.id}`)).body.total).toBe(0);
  });

  test('a handler’s BPMN error is caught by the error event sub-process of the task’s scope', async () => {
    const started = await start('errorInEventSubProcess');
    expect(started).toMatchObject({ state: 'running', incidents: 0 });
    expect(await openTasks(started.id)).toEqual(['apologise']);
  });

  test('a worker’s BPMN error nothing catches, reported after a restart, ends the task with the worker’s variables set', async () => {
    const started = await start('unhandledWorkerError');
    const task = await lock(started.id, 'worker-a');

    await t.stop();
    t = await startTestService(db, { registerServices: register });

    const res = await t.admin
      .post(`/api/external-tasks/${task.id}/bpmn-error`)
      .send({ workerId: 'worker-a', errorCode: 'E_REJECTED', errorMessage: 'not today', variables: { reason: 'closed' } });
    expect(res.status).toBe(200);
    expect(res.body.processInstance).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'askReview' }] });
    expect((await instance(started.id)).variables).toMatchObject({ reason: 'closed' });
    expect(await openTasks(started.id)).toEqual(['askReview']);
    expect(await waitingTasks(started.id)).toEqual([]);

    const again = await t.admin.post(`/api/external-tasks/${task.id}/bpmn-error`).send({ workerId: 'worker-a', errorCode: 'E_REJECTED' });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('EXTERNAL_TASK_NOT_FOUND');
  });

  test('a worker’s BPMN error over /engine-rest that nothing catches ends the task; one the boundary event names is caught there', async () => {
    const first = await start('unhandledWorkerError');
    const task = await lock(first.id, 'worker-b');
    const res = await t.admin.post(`/engine-rest/external-task/${task.id}/bpmnError`).send({ workerId: 'worker-b', errorCode: 'E_REJECTED' });
    expect(res.status).toBe(204);
    expect(await instance(first.id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'askReview' }] });

    const second = await start('unhandledWorkerError');
    const other = await lock(second.id, 'worker-b');
    const caught = await t.admin.post(`/engine-rest/external-task/${other.id}/bpmnError`).send({ workerId: 'worker-b', errorCode: 'E_OTHER' });
    expect(caught.status).toBe(204);
    expect(await openTasks(second.id)).toEqual(['askHandled']);
  });
});

describe.each(databaseKinds)('BPMN errors from handlers and workers with PROCFLOW_UNHANDLED_BPMN_ERROR=fail on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_UNHANDLED_BPMN_ERROR: 'fail' } });
    expect((await deploy(t, fixture('unhandled-service-error.bpmn'))).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const lock = async (instanceId: string, workerId: string) => {
    const res = await t.admin.post('/api/external-tasks/fetch-and-lock').send({ workerId, topic: 'test.ask', maxTasks: 100, lockDurationMs: 5 * MINUTE });
    return (res.body.items as ExternalTask[]).find((x) => x.processInstanceId === instanceId) as ExternalTask;
  };

  test('a start whose handler throws a BPMN error nothing catches is refused with 422 and creates no instance', async () => {
    const res = await t.admin.post('/api/process-definitions/unhandledServiceError/start').send({});
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'BPMN_ERROR_UNHANDLED' });
    expect(res.body.detail).toContain('activity <call>');
    expect(res.body.detail).toContain('errorCode <E_REJECTED>');
    expect((await t.admin.get('/api/process-instances?definitionKey=unhandledServiceError')).body.total).toBe(0);
  });

  test('a handler’s BPMN error an error event sub-process catches is not refused', async () => {
    const res = await t.admin.post('/api/process-definitions/errorInEventSubProcess/start').send({});
    expect(res.status).toBe(201);
    expect(res.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'apologise' })]);
  });

  test('a worker’s BPMN error nothing catches is refused with 422 on both APIs; the task still waits, locked to the worker, and a caught error then goes through', async () => {
    const started = (await t.admin.post('/api/process-definitions/unhandledWorkerError/start').send({})).body as Instance;
    const task = await lock(started.id, 'worker-c');
    const before = (await t.admin.get(`/api/process-instances/${started.id}`)).body as Instance;

    const own = await t.admin
      .post(`/api/external-tasks/${task.id}/bpmn-error`)
      .send({ workerId: 'worker-c', errorCode: 'E_REJECTED', variables: { reason: 'x' } });
    expect(own.status).toBe(422);
    expect(own.body).toMatchObject({ code: 'BPMN_ERROR_UNHANDLED' });
    expect(own.body.detail).toContain('activity <ask>');
    const camunda = await t.admin.post(`/engine-rest/external-task/${task.id}/bpmnError`).send({ workerId: 'worker-c', errorCode: 'E_REJECTED' });
    expect(camunda.status).toBe(422);
    expect(camunda.body.message).toContain('no error handler catches it');

    expect((await t.admin.get(`/api/process-instances/${started.id}`)).body).toEqual(before);
    const waiting = (await t.admin.get(`/api/external-tasks?processInstanceId=${started.id}`)).body.items as ExternalTask[];
    expect(waiting).toEqual([expect.objectContaining({ id: task.id, activityId: 'ask', workerId: 'worker-c' })]);

    const caught = await t.admin.post(`/api/external-tasks/${task.id}/bpmn-error`).send({ workerId: 'worker-c', errorCode: 'E_OTHER' });
    expect(caught.status).toBe(200);
    expect(caught.body.processInstance.waitingAt).toEqual([expect.objectContaining({ activityId: 'askHandled' })]);
  });
});
