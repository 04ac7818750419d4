// The core over HTTP, on SQLite and on Postgres: deploy, start, task list, complete, messages,
// message start, gateways, auth, concurrent completions, and restarts at every kind of wait.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Task {
  id: string;
  activityId: string;
  candidateGroups: string[];
  assignee: string | null;
  state: string;
}

describe.each(databaseKinds)('core scenarios on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let reviewer: string;
  let shipper: string;
  let outsider: string;

  beforeAll(async () => {
    expect((await deploy(t, fixture('order-approval.bpmn'), 'order-approval.bpmn')).status).toBe(201);
    expect((await deploy(t, fixture('message-start.bpmn'), 'message-start.bpmn')).status).toBe(201);
    expect((await deploy(t, fixture('signal-wait.bpmn'), 'signal-wait.bpmn')).status).toBe(201);
    reviewer = await createUser(t, 'rita', ['reviewer']);
    shipper = await createUser(t, 'sam', ['shipping']);
    outsider = await createUser(t, 'olga', ['marketing']);
  });

  /** Stops the running service and starts a new one on the same database. */
  async function restart(): Promise<void> {
    await t.restart();
  }

  async function openTasks(token: string, instanceId: string): Promise<Task[]> {
    const res = await t.as(token).get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    return (res.body as { items: Task[] }).items;
  }

  async function startOrder(businessKey: string): Promise<string> {
    const res = await t
      .as(reviewer)
      .post('/api/process-definitions/orderApproval/start')
      .send({ businessKey, variables: { customer: 'ACME' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ definitionKey: 'orderApproval', state: 'running', businessKey, waitingAt: [{ activityId: 'review', type: 'UserTask' }] });
    return (res.body as { id: string }).id;
  }

  test('an order is reviewed, paid by message and shipped, and the instance completes', async () => {
    const id = await startOrder('order-1');
    const [review] = await openTasks(reviewer, id);
    expect(review).toMatchObject({ activityId: 'review', candidateGroups: ['reviewer'], state: 'open' });

    const done = await t
      .as(reviewer)
      .post(`/api/tasks/${review?.id}/complete`)
      .send({ variables: { approved: true, amount: '250', priority: 'high' } });
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({ state: 'completed', completedBy: 'rita' });
    expect(done.body.processInstance).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'waitPayment' }] });
    expect(done.body.processInstance.variables).toMatchObject({ approved: true, amount: 250, priority: 'high', customer: 'ACME' });

    const msg = await t.admin.post('/api/messages').send({ messageName: 'payment-received', businessKey: 'order-1', variables: { paidBy: 'card' } });
    expect(msg.status).toBe(200);
    expect(msg.body).toEqual({ correlated: [id] });

    const [ship] = await openTasks(shipper, id);
    expect(ship).toMatchObject({ activityId: 'ship', candidateGroups: ['shipping'] });
    expect((await t.as(shipper).post(`/api/tasks/${ship?.id}/complete`).send({ variables: {} })).status).toBe(200);

    const inst = await t.admin.get(`/api/process-instances/${id}`);
    expect(inst.body).toMatchObject({ state: 'completed', waitingAt: [], incidents: 0 });
    expect(inst.body.variables).toMatchObject({ paidBy: 'card' });
    expect(inst.body.endedAt).toEqual(expect.any(String));

    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string; by?: string }>;
    expect(history.find((h) => h.activityId === 'review' && h.event === 'end')?.by).toBe('rita');
    expect(history.find((h) => h.activityId === 'ship' && h.event === 'end')?.by).toBe('sam');
    expect(history.at(-1)?.event).toBe('instance-end');
  });

  test('a client drives an instance from the answers alone: each wait at a user task names its task', async () => {
    const started = await t
      .as(reviewer)
      .post('/api/process-definitions/orderApproval/start')
      .send({ businessKey: 'order-no-list', variables: { customer: 'ACME' } });
    const [review] = await openTasks(reviewer, started.body.id as string);
    expect(started.body.waitingAt).toEqual([{ activityId: 'review', activityName: expect.any(String) as unknown, type: 'UserTask', taskId: review?.id }]);
    const done = await t
      .as(reviewer)
      .post(`/api/tasks/${started.body.waitingAt[0].taskId as string}/complete`)
      .send({ variables: { approved: true, amount: '10' } });
    expect(done.status).toBe(200);
    // A wait that is no user task names none.
    expect(done.body.processInstance.waitingAt).toEqual([
      { activityId: 'waitPayment', activityName: expect.any(String) as unknown, type: 'IntermediateCatchEvent' },
    ]);
    await t.admin.post('/api/messages').send({ messageName: 'payment-received', businessKey: 'order-no-list' });
    const after = (await t.admin.get(`/api/process-instances/${started.body.id as string}`)).body as { waitingAt: Array<{ taskId?: string }> };
    const [ship] = await openTasks(shipper, started.body.id as string);
    expect(after.waitingAt.map((w) => w.taskId)).toEqual([ship?.id]);
  });

  test('a rejected order takes the default flow of the gateway and ends', async () => {
    const id = await startOrder('order-2');
    const [review] = await openTasks(reviewer, id);
    const done = await t
      .as(reviewer)
      .post(`/api/tasks/${review?.id}/complete`)
      .send({ variables: { approved: false } });
    expect(done.body.processInstance).toMatchObject({ state: 'completed' });
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toContain('endRejected');
  });

  test('a form value of the wrong type is refused with FORM_INVALID and changes nothing', async () => {
    const id = await startOrder('order-3');
    const [review] = await openTasks(reviewer, id);
    const bad = await t
      .as(reviewer)
      .post(`/api/tasks/${review?.id}/complete`)
      .send({ variables: { approved: 'maybe', priority: 'urgent' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body).toMatchObject({ code: 'FORM_INVALID', status: 400 });
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/variables/approved', '/variables/priority']);
    const missing = await t.as(reviewer).post(`/api/tasks/${review?.id}/complete`).send({ variables: {} });
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/variables/approved' })]);
    expect((await openTasks(reviewer, id)).map((x) => x.id)).toEqual([review?.id]);
  });

  test('a message start event starts an instance, whose task is assigned by expression', async () => {
    const res = await t
      .as(reviewer)
      .post('/api/messages')
      .send({ messageName: 'ticket-opened', variables: { owner: 'sam', subject: 'broken' } });
    expect(res.status).toBe(200);
    const [id] = res.body.correlated as string[];
    const inst = await t.admin.get(`/api/process-instances/${id}`);
    expect(inst.body).toMatchObject({ definitionKey: 'ticketIntake', state: 'running', waitingAt: [{ activityId: 'triage' }] });
    expect(inst.body.variables).toMatchObject({ owner: 'sam', subject: 'broken' });
    const [triage] = await openTasks(shipper, id as string);
    expect(triage).toMatchObject({ assignee: 'sam' });
    expect(await openTasks(reviewer, id as string)).toEqual([]);
    expect((await t.as(shipper).post(`/api/tasks/${triage?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.state).toBe('completed');
  });

  test('a message nothing waits for gets 404 MESSAGE_NOT_CORRELATED', async () => {
    const res = await t.admin.post('/api/messages').send({ messageName: 'payment-received', businessKey: 'nobody' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('MESSAGE_NOT_CORRELATED');
  });

  test('of two concurrent completions of one task exactly one wins; the other gets 409 and changes nothing', async () => {
    const id = await startOrder('order-race');
    const [review] = await openTasks(reviewer, id);
    const [a, b] = await Promise.all([
      t
        .as(reviewer)
        .post(`/api/tasks/${review?.id}/complete`)
        .send({ variables: { approved: true, amount: 1 } }),
      t.admin.post(`/api/tasks/${review?.id}/complete`).send({ variables: { approved: false } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('TASK_NOT_OPEN');
    const winnerApproved = a.status === 200;
    const inst = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(inst.variables.approved).toBe(winnerApproved);
    expect(inst.state).toBe(winnerApproved ? 'running' : 'completed');
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'review' && h.event === 'end')).toHaveLength(1);
  });

  test('a user of another group gets 403 on the task and does not see it', async () => {
    const id = await startOrder('order-403');
    const [review] = await openTasks(reviewer, id);
    const res = await t
      .as(outsider)
      .post(`/api/tasks/${review?.id}/complete`)
      .send({ variables: { approved: true } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('NOT_A_CANDIDATE');
    expect(await openTasks(outsider, id)).toEqual([]);
    expect((await t.as(outsider).get(`/api/process-instances/${id}`)).status).toBe(404);
  });

  test('no token or an unknown token gets 401; open routes answer without one', async () => {
    const none = await t.http.get('/api/tasks');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, instance: '/api/tasks' });
    expect((await t.as('not-a-token').get('/api/tasks')).status).toBe(401);
    expect((await t.http.get('/health')).status).toBe(200);
    expect((await t.http.get('/ready')).status).toBe(200);
    expect((await t.http.get('/openapi.json')).body.openapi).toBe('3.1.0');
    // /metrics is not open: a token of group admin or metrics (or PROCFLOW_METRICS_TOKEN) reads it.
    expect((await t.http.get('/metrics')).status).toBe(401);
    expect((await t.as('not-a-token').get('/metrics')).status).toBe(401);
    expect((await t.as(outsider).get('/metrics')).status).toBe(403);
    expect((await t.as(await createUser(t, 'prometheus', ['metrics'])).get('/metrics')).text).toContain('procflow_instances_started_total');
    expect((await t.admin.get('/metrics')).text).toContain('procflow_instances_started_total');
  });

  test('the route label of /metrics is the same for an error and a success on one route, with the status as `code`', async () => {
    expect((await t.admin.get('/api/process-definitions/noSuchProcess')).status).toBe(404);
    expect((await t.admin.get('/api/process-definitions/orderApproval')).status).toBe(200);
    const text = (await t.admin.get('/metrics')).text;
    const labels = [...text.matchAll(/procflow_http_request_duration_seconds_count\{method="GET",route="([^"]*process-definitions[^"]*)",code="(\d+)"\}/g)];
    const byCode = new Map(labels.map((m) => [m[2], m[1]]));
    expect(byCode.get('404')).toBe('/api/process-definitions/:key');
    expect(byCode.get('200')).toBe('/api/process-definitions/:key');
  });

  test('a deleted user’s token stops working at once', async () => {
    const token = await createUser(t, 'temp', ['reviewer']);
    const me = await t.as(token).get('/api/me');
    expect(me.body).toMatchObject({ name: 'temp', groups: ['reviewer'] });
    expect((await t.admin.delete(`/api/users/${me.body.id}`)).status).toBe(204);
    expect((await t.as(token).get('/api/me')).status).toBe(401);
  });

  test('an instance waiting at a user task, then at a message, carries on across restarts', async () => {
    const id = await startOrder('order-restart');
    await restart();
    const [review] = await openTasks(reviewer, id);
    expect(review?.activityId).toBe('review');
    expect(
      (
        await t
          .as(reviewer)
          .post(`/api/tasks/${review?.id}/complete`)
          .send({ variables: { approved: true, amount: 10 } })
      ).status,
    ).toBe(200);
    await restart();
    const waiting = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(waiting).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'waitPayment' }] });
    expect((await t.admin.post('/api/messages').send({ messageName: 'payment-received', processInstanceId: id })).body.correlated).toEqual([id]);
    await restart();
    const [ship] = await openTasks(shipper, id);
    expect((await t.as(shipper).post(`/api/tasks/${ship?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.state).toBe('completed');
    // Resumes re-emit waits: still exactly one task row per user task.
    const all = await t.admin.get(`/api/tasks?processInstanceId=${id}`);
    expect(all.body.items.map((x: Task) => `${x.activityId}:${x.state}`).sort()).toEqual(['review:completed', 'ship:completed']);
  });

  test('cancelling an instance cancels its open tasks', async () => {
    const id = await startOrder('order-cancel');
    expect((await t.admin.delete(`/api/process-instances/${id}`)).status).toBe(204);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.state).toBe('cancelled');
    const tasks = (await t.admin.get(`/api/tasks?processInstanceId=${id}`)).body.items as Task[];
    expect(tasks.map((x) => x.state)).toEqual(['cancelled']);
    const again = await t.admin.delete(`/api/process-instances/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INSTANCE_ENDED');
  });

  test('a signal reaches every instance waiting for it, across a restart, and only those', async () => {
    const started = await Promise.all([1, 2].map(() => t.admin.post('/api/process-definitions/backorder/start').send({})));
    const ids = started.map((r) => r.body.id as string);
    expect(started.map((r) => r.body.waitingAt[0].activityId)).toEqual(['waitStock', 'waitStock']);
    await restart();
    const res = await t.admin.post('/api/signals').send({ signalName: 'stock-replenished', variables: { batch: 'B7' } });
    expect(res.body).toEqual({ delivered: 2 });
    for (const id of ids) {
      const inst = (await t.admin.get(`/api/process-instances/${id}`)).body;
      expect(inst).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'pick' }], variables: { batch: 'B7' } });
    }
    expect((await t.admin.post('/api/signals').send({ signalName: 'stock-replenished' })).body).toEqual({ delivered: 0 });
  });

  test('a message is correlated by correlation keys matched against variables', async () => {
    const a = await startOrder('order-ck-a');
    const b = await startOrder('order-ck-b');
    for (const [id, ref] of [
      [a, 'REF-A'],
      [b, 'REF-B'],
    ] as const) {
      const [review] = await openTasks(reviewer, id);
      await t
        .as(reviewer)
        .post(`/api/tasks/${review?.id}/complete`)
        .send({ variables: { approved: true, amount: 5, paymentRef: ref } });
    }
    const res = await t.admin.post('/api/messages').send({ messageName: 'payment-received', correlationKeys: { paymentRef: 'REF-B' } });
    expect(res.body).toEqual({ correlated: [b] });
    expect((await t.admin.get(`/api/process-instances/${a}`)).body.waitingAt[0].activityId).toBe('waitPayment');
  });

  test('a claimed task belongs to its claimer: others of the group get 409 on claim and 403 on complete', async () => {
    const id = await startOrder('order-claim');
    const [review] = await openTasks(reviewer, id);
    const colleague = await createUser(t, 'rob', ['reviewer']);
    const claim = await t.as(reviewer).post(`/api/tasks/${review?.id}/claim`).send({});
    expect(claim.body).toMatchObject({ assignee: 'rita' });
    expect((await t.as(colleague).post(`/api/tasks/${review?.id}/claim`).send({})).body.code).toBe('TASK_ALREADY_CLAIMED');
    expect(
      (
        await t
          .as(colleague)
          .post(`/api/tasks/${review?.id}/complete`)
          .send({ variables: { approved: true } })
      ).status,
    ).toBe(403);
    expect(await openTasks(colleague, id)).toEqual([]);
    expect(
      (
        await t
          .as(reviewer)
          .post(`/api/tasks/${review?.id}/complete`)
          .send({ variables: { approved: false } })
      ).status,
    ).toBe(200);
  });
});
