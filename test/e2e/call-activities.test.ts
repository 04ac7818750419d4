// Call activities over HTTP on SQLite and Postgres: a call activity starts the called process as
// an instance of its own, linked to its parent, in the parent's transaction; camunda:in/out pass
// variables; the child's end moves the parent on; a child's BPMN error reaches the call
// activity's boundary event; cancelling the parent or an interrupting timer cancels the child;
// multi-instance call activities start one child per iteration; all of it survives a restart.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

interface Instance {
  id: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type: string }>;
  incidents: number;
  parentInstanceId: string | null;
  parentActivityId: string | null;
}

interface Task {
  id: string;
  processInstanceId: string;
  activityId: string;
  state: string;
}

describe.each(databaseKinds)('call activities on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let reviewer: string;

  beforeAll(async () => {
    for (const name of ['call-review-child.bpmn', 'call-review-parent.bpmn', 'call-missing.bpmn', 'call-multi-instance.bpmn']) {
      const res = await deploy(t, fixture(name), name);
      expect(res.status).toBe(201);
    }
    reviewer = await createUser(t, 'rita', ['reviewers']);
  });

  const instance = async (id: string) => {
    const res = await t.admin.get(`/api/process-instances/${id}`);
    expect(res.status).toBe(200);
    return res.body as Instance;
  };
  const children = async (parentId: string) => {
    const res = await t.admin.get(`/api/process-instances?parentInstanceId=${parentId}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.items as Instance[];
  };
  const openTasks = async (instanceId: string) => (await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Task[];
  const start = async (key: string, body: Record<string, unknown> = {}) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send(body);
    expect(res.status).toBe(201);
    return res.body as Instance;
  };
  const complete = async (taskId: string, variables: Record<string, unknown> = {}, token?: string) => {
    const agent = token ? t.as(token) : t.admin;
    const res = await agent.post(`/api/tasks/${taskId}/complete`).send({ variables });
    expect(res.status).toBe(200);
  };

  test('the child starts with its camunda:in variables; its end sets the camunda:out variables and moves the parent on', async () => {
    const parent = await start('callReviewParent', { businessKey: 'order-7', variables: { amount: 20, secret: 'not passed' } });
    expect(parent).toMatchObject({ state: 'running', parentInstanceId: null, waitingAt: [{ activityId: 'callReview', type: 'CallActivity' }] });

    const [child] = await children(parent.id);
    expect(child).toMatchObject({
      definitionKey: 'callReviewChild',
      state: 'running',
      businessKey: 'order-7',
      parentInstanceId: parent.id,
      parentActivityId: 'callReview',
      waitingAt: [{ activityId: 'review' }],
    });
    // Only what camunda:in names is passed, nothing else.
    expect(child?.variables).toEqual({ amount: 20, doubled: 40 });
    expect(await openTasks(parent.id)).toEqual([]);
    const [review] = await openTasks(child?.id ?? '');
    expect(review).toMatchObject({ activityId: 'review' });

    await complete(review?.id ?? '', { reviewNote: 'fine', rejected: false }, reviewer);
    expect(await instance(child?.id ?? '')).toMatchObject({ state: 'completed' });
    const moved = await instance(parent.id);
    expect(moved).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'ship' }] });
    expect(moved.variables).toEqual({ amount: 20, secret: 'not passed', note: 'fine', amountPlusOne: 21 });

    const [ship] = await openTasks(parent.id);
    await complete(ship?.id ?? '');
    expect(await instance(parent.id)).toMatchObject({ state: 'completed', incidents: 0 });
    const history = (await t.admin.get(`/api/process-instances/${parent.id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(history.filter((h) => h.activityId === 'callReview').map((h) => h.event)).toEqual(['start', 'end']);
  });

  test('a BPMN error end event in the child is caught by the error boundary event of the call activity', async () => {
    const parent = await start('callReviewParent', { variables: { amount: 5 } });
    const [child] = await children(parent.id);
    const [review] = await openTasks(child?.id ?? '');
    await complete(review?.id ?? '', { rejected: true }, reviewer);
    expect(await instance(child?.id ?? '')).toMatchObject({ state: 'completed' });
    expect(await instance(parent.id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'handleRejection' }] });
  });

  test('an escalation the child throws reaches the non-interrupting escalation boundary event; the child goes on', async () => {
    for (const name of ['call-escalating-child.bpmn', 'call-escalation-parent.bpmn']) expect((await deploy(t, fixture(name), name)).status).toBe(201);
    const parent = await start('callEscalationParent');
    const [child] = await children(parent.id);
    expect(child).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'deliver' }] });
    expect((await instance(parent.id)).waitingAt.map((w) => w.activityId).sort()).toEqual(['callDelivery', 'tellCustomer']);
    const [deliver] = await openTasks(child?.id ?? '');
    await complete(deliver?.id ?? '');
    expect(await instance(parent.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'tellCustomer' }] });
    const [tell] = await openTasks(parent.id);
    await complete(tell?.id ?? '');
    expect(await instance(parent.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test('cancelling the parent cancels the child and its task', async () => {
    const parent = await start('callReviewParent', { variables: { amount: 1 } });
    const [child] = await children(parent.id);
    const [review] = await openTasks(child?.id ?? '');
    expect((await t.admin.delete(`/api/process-instances/${parent.id}`)).status).toBe(204);
    expect(await instance(parent.id)).toMatchObject({ state: 'cancelled' });
    expect(await instance(child?.id ?? '')).toMatchObject({ state: 'cancelled', waitingAt: [] });
    expect((await t.admin.get(`/api/tasks/${review?.id}`)).body).toMatchObject({ state: 'cancelled' });
  });

  test('the interrupting timer boundary event on the call activity fires when the service clock passes it and cancels the child', async () => {
    const parent = await start('callReviewParent', { variables: { amount: 2 } });
    const [child] = await children(parent.id);
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + 61 * 60_000).toISOString() })).status).toBe(200);
    await waitUntil(async () => (await instance(parent.id)).state === 'completed', 'the PT1H boundary timer to have fired');
    const history = (await t.admin.get(`/api/process-instances/${parent.id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(history.some((h) => h.activityId === 'timedOut' && h.event === 'end')).toBe(true);
    expect(await instance(child?.id ?? '')).toMatchObject({ state: 'cancelled' });
    expect(await openTasks(child?.id ?? '')).toEqual([]);
  });

  test('calledElementBinding="version" calls that version, though a later one is deployed', async () => {
    const v2 = fixture('call-review-child.bpmn').replace('name="Review the amount"', 'name="Review the amount (v2)"');
    expect((await deploy(t, v2, 'call-review-child-v2.bpmn')).status).toBe(201);
    expect((await deploy(t, fixture('call-by-version.bpmn'), 'call-by-version.bpmn')).status).toBe(201);
    const latest = await start('callReviewParent', { variables: { amount: 3 } });
    expect((await children(latest.id))[0]).toMatchObject({ definitionVersion: 2 });

    const parent = await start('callByVersion', { variables: { amount: 4, more: 'all of them' } });
    const [child] = await children(parent.id);
    expect(child).toMatchObject({ definitionKey: 'callReviewChild', definitionVersion: 1 });
    // camunda:in variables="all" passes every variable; camunda:out variables="all" every one back.
    expect(child?.variables).toEqual({ amount: 4, more: 'all of them' });
    const [review] = await openTasks(child?.id ?? '');
    await complete(review?.id ?? '', { verdict: 'ok' }, reviewer);
    expect(await instance(parent.id)).toMatchObject({ waitingAt: [{ activityId: 'after' }], variables: { amount: 4, more: 'all of them', verdict: 'ok' } });
  });

  test('a call activity whose process is not deployed gets an incident and waits', async () => {
    const res = await t.admin.post('/api/process-definitions/callMissing/start').send({});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'callNothing' }] });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items as Array<{
      id: string;
      activityId: string;
      message: string;
    }>;
    expect(incidents).toEqual([expect.objectContaining({ activityId: 'callNothing', message: expect.stringContaining('notDeployedProcess') })]);
    expect(await children(res.body.id as string)).toEqual([]);

    // Once the process is deployed, retrying the incident starts it.
    const called = fixture('call-review-child.bpmn')
      .replace(/callReviewChild/g, 'notDeployedProcess')
      .replace('Defs_callReviewChild', 'Defs_notDeployed');
    expect((await deploy(t, called, 'not-deployed.bpmn')).status).toBe(201);
    const retry = await t.admin.post(`/api/incidents/${incidents[0]?.id}/retry`).send({});
    expect(retry.status).toBe(200);
    const [child] = await children(res.body.id as string);
    expect(child).toMatchObject({ definitionKey: 'notDeployedProcess', state: 'running', parentActivityId: 'callNothing' });
    expect(await instance(res.body.id as string)).toMatchObject({ incidents: 0, waitingAt: [{ activityId: 'callNothing' }] });
  });

  test('a parallel multi-instance call activity starts one child per iteration, a sequential one starts them in turn', async () => {
    const parent = await start('callMultiInstance');
    const parallel = await children(parent.id);
    expect(parallel).toHaveLength(3);
    expect(parallel.map((c) => c.variables.amount).sort()).toEqual([0, 1, 2]);
    for (const child of parallel) {
      const [review] = await openTasks(child.id);
      await complete(review?.id ?? '', {}, reviewer);
    }
    const running = async () => (await children(parent.id)).filter((c) => c.state === 'running');
    for (let i = 0; i < 2; i++) {
      const now = await running();
      expect(now).toHaveLength(1);
      const [review] = await openTasks(now[0]?.id ?? '');
      await complete(review?.id ?? '', {}, reviewer);
    }
    expect(await instance(parent.id)).toMatchObject({ state: 'completed', incidents: 0 });
    expect(await children(parent.id)).toHaveLength(5);
  });

  test('a parent waiting on its child and the child waiting at its task survive a restart', async () => {
    const parent = await start('callReviewParent', { variables: { amount: 9 } });
    const [child] = await children(parent.id);
    await t.restart();
    const [review] = await openTasks(child?.id ?? '');
    expect(review).toMatchObject({ activityId: 'review' });
    await complete(review?.id ?? '', { reviewNote: 'after the restart' }, reviewer);
    expect(await instance(parent.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'ship' }], variables: { note: 'after the restart' } });
  });
});
