// Error and conditional event sub-processes over HTTP, on SQLite and on Postgres: an error end
// event inside a sub-process is caught by that sub-process's catch-all error event sub-process
// (not by the boundary event outside it), whose task survives a restart of the service before the
// instance goes on; a variable set over the API starts an interrupting conditional event
// sub-process; a BPMN error nothing catches ends the execution that threw it by default, and is
// refused with 422 BPMN_ERROR_UNHANDLED under PROCFLOW_UNHANDLED_BPMN_ERROR=fail.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { restCalls, type InstanceAnswer, type TaskAnswer } from '../helpers/rest-calls';

type Task = TaskAnswer;

type Instance = InstanceAnswer;

const FIXTURES = ['event-sub-process-errors.bpmn', 'unhandled-bpmn-error.bpmn', 'unhandled-error-child.bpmn', 'unhandled-error-call.bpmn'];

describe.each(databaseKinds)('error and conditional event sub-processes on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    for (const name of FIXTURES) expect((await deploy(t, fixture(name), name)).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const { start, instance, openTasks } = restCalls(() => t);
  const onlyTask = async (instanceId: string, activityId: string) => {
    const tasks = await openTasks(instanceId);
    expect(tasks.map((x) => x.activityId)).toEqual([activityId]);
    return tasks[0] as Task;
  };
  const complete = (taskId: string, variables: Record<string, unknown> = {}) => t.admin.post(`/api/tasks/${taskId}/complete`).send({ variables });
  /** The activities that ended (a boundary event waits from the start of its activity on: it counts only once it ends). */
  const ended = async (instanceId: string) =>
    ((await t.admin.get(`/api/process-instances/${instanceId}/history`)).body as Array<{ activityId: string | null; event: string }>)
      .filter((h) => h.event === 'end')
      .map((h) => h.activityId);

  test('an error end event is caught by the catch-all error event sub-process of its sub-process, whose task survives a restart; then the instance goes on', async () => {
    const claim = await start('damageClaim');
    const inspect = await onlyTask(claim.id, 'inspect');
    expect((await complete(inspect.id, { damaged: true })).status).toBe(200);

    // The event sub-process in the scope of the throw wins over the boundary event of that scope.
    const escalate = await onlyTask(claim.id, 'escalate');
    expect(escalate.name).toBe('Escalate the damage');
    expect((await instance(claim.id)).waitingAt.map((w) => w.activityId)).toEqual(['escalate']);

    await t.stop();
    t = await startTestService(db);

    expect((await onlyTask(claim.id, 'escalate')).id).toBe(escalate.id);
    expect((await complete(escalate.id)).status).toBe(200);
    // The error event sub-process ended, and with it the sub-process: on to "Ship the parcel".
    const ship = await onlyTask(claim.id, 'ship');
    expect((await complete(ship.id)).status).toBe(200);
    const done = await instance(claim.id);
    expect(done.state).toBe('completed');
    const history = await ended(claim.id);
    expect(history).toEqual(expect.arrayContaining(['reportDamage', 'anyError', 'escalate', 'escalated', 'shipped']));
    expect(history).not.toContain('assessFailed');
    expect(history).not.toContain('boundaryCaught');
  });

  test('the sub-process ends normally when no error is thrown, and its error event sub-process never starts', async () => {
    const claim = await start('damageClaim');
    expect((await complete((await onlyTask(claim.id, 'inspect')).id, { damaged: false })).status).toBe(200);
    expect((await complete((await onlyTask(claim.id, 'ship')).id)).status).toBe(200);
    expect((await instance(claim.id)).state).toBe('completed');
    expect(await ended(claim.id)).not.toContain('anyError');
  });

  test('a variable set over the API that makes its condition hold starts the interrupting conditional event sub-process; one that does not changes nothing', async () => {
    const claim = await start('damageClaim');
    const inspect = await onlyTask(claim.id, 'inspect');

    const unchanged = await t.admin.put(`/api/process-instances/${claim.id}/variables/cancelled`).send({ value: false });
    expect(unchanged.status).toBe(200);
    expect((await onlyTask(claim.id, 'inspect')).id).toBe(inspect.id);

    const cancel = await t.admin.put(`/api/process-instances/${claim.id}/variables/cancelled`).send({ value: true });
    expect(cancel.status).toBe(200);
    // Interrupting: the sub-process and its task are gone.
    const confirm = await onlyTask(claim.id, 'confirmCancel');
    expect((await t.admin.get(`/api/tasks/${inspect.id}`)).body.state).not.toBe('open');
    expect((await complete(confirm.id)).status).toBe(200);
    const done = await instance(claim.id);
    expect(done.state).toBe('completed');
    expect(await ended(claim.id)).toContain('claimCancelled');
  });

  test('a conditional event sub-process whose condition holds at the start runs at once', async () => {
    const claim = await start('damageClaim', { cancelled: true });
    await onlyTask(claim.id, 'confirmCancel');
  });

  test('by default a BPMN error nothing catches ends the execution that threw it, as a none end event would', async () => {
    const form = await start('unhandledError');
    expect((await complete((await onlyTask(form.id, 'fill')).id)).status).toBe(200);
    // The sub-process completed: neither error handler ran, the instance went on after it.
    await onlyTask(form.id, 'review');
    const history = await ended(form.id);
    expect(history).toContain('incomplete');
    expect(history).not.toContain('otherStart');
    expect(history).not.toContain('otherCaught');
  });

  test('by default a BPMN error a called instance throws and nothing catches ends it, and the call activity goes on', async () => {
    const caller = await start('unhandledErrorCall');
    const child = ((await t.admin.get(`/api/process-instances?parentInstanceId=${caller.id}`)).body.items as Instance[])[0] as Instance;
    expect((await complete((await onlyTask(child.id, 'fillElsewhere')).id)).status).toBe(200);
    expect((await instance(child.id)).state).toBe('completed');
    expect(await ended(child.id)).toContain('rejected');
    await onlyTask(caller.id, 'archive');
    expect(await instance(caller.id)).toMatchObject({ state: 'running', incidents: 0 });
  });
});

describe.each(databaseKinds)('PROCFLOW_UNHANDLED_BPMN_ERROR=fail on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { env: { PROCFLOW_UNHANDLED_BPMN_ERROR: 'fail' } });
    for (const name of FIXTURES) expect((await deploy(t, fixture(name), name)).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const openTasks = async (instanceId: string) =>
    ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Task[]).map((x) => ({ id: x.id, activityId: x.activityId }));

  test('completing a task that makes the instance throw an error nothing catches is refused with 422 and changes nothing', async () => {
    const form = (await t.admin.post('/api/process-definitions/unhandledError/start').send({})).body as Instance;
    const before = (await t.admin.get(`/api/process-instances/${form.id}`)).body as Instance;
    const [fill] = await openTasks(form.id);
    expect(fill?.activityId).toBe('fill');

    const res = await t.admin.post(`/api/tasks/${fill?.id}/complete`).send({ variables: {} });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'BPMN_ERROR_UNHANDLED' });
    expect(res.body.detail).toContain('activity <incomplete>');
    expect(res.body.detail).toContain('no error handler');

    const after = (await t.admin.get(`/api/process-instances/${form.id}`)).body as Instance;
    expect(after).toEqual(before);
    expect(await openTasks(form.id)).toEqual([fill]);
  });

  test('completing the task of a called instance that throws an error nothing catches, nor the call activity, is refused with 422', async () => {
    const caller = (await t.admin.post('/api/process-definitions/unhandledErrorCall/start').send({})).body as Instance;
    const child = ((await t.admin.get(`/api/process-instances?parentInstanceId=${caller.id}`)).body.items as Instance[])[0] as Instance;
    const [fill] = await openTasks(child.id);
    const res = await t.admin.post(`/api/tasks/${fill?.id}/complete`).send({ variables: {} });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'BPMN_ERROR_UNHANDLED' });
    expect(res.body.detail).toContain('call activity <callChild>');
    expect(await openTasks(child.id)).toEqual([fill]);
    expect((await t.admin.get(`/api/process-instances/${caller.id}`)).body).toMatchObject({ state: 'running', incidents: 0 });
  });

  test('an error a handler catches is not refused', async () => {
    const claim = (await t.admin.post('/api/process-definitions/damageClaim/start').send({})).body as Instance;
    const [inspect] = await openTasks(claim.id);
    const res = await t.admin.post(`/api/tasks/${inspect?.id}/complete`).send({ variables: { damaged: true } });
    expect(res.status).toBe(200);
    expect((await openTasks(claim.id)).map((x) => x.activityId)).toEqual(['escalate']);
  });
});
