// Camunda execution and task listeners (expressions and juel scripts) over HTTP, on SQLite and on
// Postgres: what they set is in the instance's variables with the event that ran them, the order
// is Camunda's, a restart between a task's create and its complete runs nothing twice, a claim or
// an assignment runs the assignment listeners, a failing listener is an incident at its element,
// and a Java listener is refused at deploy (test/fixtures/bpmn/listeners.bpmn).
import { databaseKinds } from '../helpers/databases';
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  state: string;
  incidents?: number;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; taskId?: string }>;
}

describe.each(databaseKinds)('execution and task listeners on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let annToken = '';

  beforeAll(async () => {
    expect((await deploy(t, fixture('listeners.bpmn'), 'listeners.bpmn')).status).toBe(201);
    annToken = await createUser(t, 'ann', ['reviewers']);
    await createUser(t, 'bob', ['reviewers']);
  });

  async function instance(id: string): Promise<Instance> {
    const res = await t.admin.get(`/api/process-instances/${id}`);
    expect(res.status).toBe(200);
    return res.body as Instance;
  }

  test('start, take, create and assignment listeners run as the instance starts; after a restart, assign and complete run theirs and nothing runs twice', async () => {
    const started = await t.admin.post('/api/process-definitions/listeners/start').send({ variables: { reviewer: 'ann' } });
    expect(started.status).toBe(201);
    const first = started.body as Instance;
    const taskId = first.waitingAt[0]?.taskId;
    expect(first.waitingAt.map((w) => w.activityId)).toEqual(['review']);
    expect(first.variables).toEqual({
      reviewer: 'ann',
      processStarted: first.id,
      startEnded: 'start',
      tookFrom: 'start',
      reviewStarts: 1,
      createdTask: taskId,
      // Camunda 7's order: create, then assignment for a task that has an assignee when it is created.
      events: 'create,assignment:ann',
    });

    await t.restart();
    // A recovered engine resumes the open task: its create and start listeners do not run again.
    expect((await instance(first.id)).variables).toMatchObject({ reviewStarts: 1, events: 'create,assignment:ann' });
    const assigned = await t.admin.post(`/api/tasks/${taskId}/assignee`).send({ assignee: 'bob' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee: 'bob' });
    expect((await instance(first.id)).variables).toMatchObject({ reviewStarts: 1, events: 'create,assignment:ann,assignment:bob' });

    await t.restart();
    const done = await t.admin.post(`/api/tasks/${taskId}/complete`).send({ variables: { approved: true } });
    expect(done.status).toBe(200);
    const ended = done.body.processInstance as Instance;
    expect(ended.state).toBe('completed');
    expect(ended.variables).toMatchObject({
      approved: true,
      reviewStarts: 1,
      events: 'create,assignment:ann,assignment:bob,complete:true',
      // The task's end listener sets what the gateway after it reads.
      decision: 'yes',
      endStarted: 'endYes',
      processEnded: 'end',
    });
    const history = (await t.admin.get(`/api/process-instances/${first.id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toContain('endYes');
  });

  test('a claim and an unclaim run the assignment listeners in the event that changes the task', async () => {
    const started = (await t.admin.post('/api/process-definitions/listeners/start').send({ variables: { reviewer: null } })).body as Instance;
    const taskId = started.waitingAt[0]?.taskId;
    expect(started.variables).toMatchObject({ events: 'create' });
    const claimed = await t.as(annToken).post(`/api/tasks/${taskId}/claim`).send({});
    expect(claimed.status).toBe(200);
    expect((await instance(started.id)).variables).toMatchObject({ events: 'create,assignment:ann' });
    const task = await t.admin.get(`/api/tasks/${taskId}`);
    expect(task.body.task ?? task.body).toMatchObject({ assignee: 'ann' });
    const unclaimed = await t.as(annToken).post(`/api/tasks/${taskId}/unclaim`).send({});
    expect(unclaimed.status).toBe(200);
    expect((await instance(started.id)).variables).toMatchObject({ events: 'create,assignment:ann,assignment:' });
    const done = await t.admin.post(`/api/tasks/${taskId}/complete`).send({ variables: { approved: false } });
    expect(done.body.processInstance).toMatchObject({ state: 'completed', variables: { decision: 'no' } });
    expect(done.body.processInstance.variables).not.toHaveProperty('endStarted');
  });

  test('a listener that cannot be evaluated fails the instance with an incident at its element naming the problem', async () => {
    const res = await t.admin.post('/api/process-definitions/listenerFails/start').send({ variables: {} });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items as Array<{ activityId: string; message: string }>;
    expect(incidents).toEqual([
      expect.objectContaining({
        activityId: 'broken',
        message: expect.stringContaining(
          'the execution listener (start) of <broken> cannot be evaluated: cannot call <toUpperCase()> on <nickname>: it is not set',
        ),
      }),
    ]);
  });

  test('a Java listener (camunda:class, camunda:delegateExpression) is refused at deploy naming the element', async () => {
    const xml = fixture('listeners.bpmn')
      .replace('Defs_listeners', 'Defs_listenersJava')
      .replace(/id="listeners"/, 'id="listenersJava"')
      .replace(/id="listenerFails"/, 'id="listenerFailsJava"')
      .replace(
        '<camunda:taskListener event="create" expression="${task.setVariable(\'createdTask\', task.id)}" />',
        '<camunda:taskListener event="create" class="org.example.Notify" />',
      );
    const res = await deploy(t, xml, 'java-listener.bpmn');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BPMN_INVALID');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ elementId: 'review', message: expect.stringContaining('camunda:class="org.example.Notify"; procflow runs no Java') }),
      ]),
    );
  });
});

describe.each(databaseKinds)('listeners around scopes and cancellations on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    expect((await deploy(t, fixture('listeners-scopes.bpmn'), 'listeners-scopes.bpmn')).status).toBe(201);
  });

  test('a sub-process starts and ends, each task of a multi-instance task is created and completed once, and an interrupted task ends', async () => {
    const started = await t.admin.post('/api/process-definitions/listenerScopes/start').send({ variables: {} });
    expect(started.status).toBe(201);
    const first = started.body as Instance;
    expect(first.waitingAt.map((w) => w.activityId)).toEqual(['vote', 'vote']);
    expect(first.variables).toEqual({ trail: 'sub:start', votesCreated: 2 });
    for (const [i, wait] of first.waitingAt.entries()) {
      if (i === 1) await t.restart();
      const done = await t.admin.post(`/api/tasks/${wait.taskId}/complete`).send({ variables: {} });
      expect(done.status).toBe(200);
    }
    const holding = (await t.admin.get(`/api/process-instances/${first.id}`)).body as Instance;
    expect(holding.waitingAt.map((w) => w.activityId)).toEqual(['hold']);
    expect(holding.variables).toEqual({ trail: 'sub:start,sub:end', votesCreated: 2, votesCompleted: 2 });

    await t.restart();
    const correlated = await t.admin.post('/api/messages').send({ messageName: 'stop', processInstanceId: first.id });
    expect(correlated.status).toBe(200);
    const stopped = (await t.admin.get(`/api/process-instances/${first.id}`)).body as Instance;
    expect(stopped.waitingAt.map((w) => w.activityId)).toEqual(['afterStop']);
    // The interrupted task's end listener runs; the boundary event's start and end run when it fires.
    expect(stopped.variables.trail).toBe('sub:start,sub:end,hold:end,stopped:start,stopped:end');
  });
});

describe.each(databaseKinds)('listeners after an event-based gateway on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    expect((await deploy(t, fixture('listeners-scopes.bpmn'), 'listeners-scopes.bpmn')).status).toBe(201);
  });

  test('only the event that fires has its flow taken, starts and ends, as in Camunda 7 (also after a restart)', async () => {
    const started = (await t.admin.post('/api/process-definitions/gatewayChoice/start').send({ variables: {} })).body as Instance;
    expect(started.state).toBe('running');
    expect(started.variables).toEqual({});
    await t.restart();
    expect((await t.admin.post('/api/messages').send({ messageName: 'paid', processInstanceId: started.id })).status).toBe(200);
    const ended = (await t.admin.get(`/api/process-instances/${started.id}`)).body as Instance;
    expect(ended).toMatchObject({ state: 'completed', variables: { trail: 'toPaid:choice,paid:start,paid:end' } });
  });
});

describe.each(databaseKinds)('listeners around a service retried from an incident on %s', (kind) => {
  let partnerUp = false;
  const register = (r: ServiceRegistry) =>
    r.register('listeners.flaky', () => (partnerUp ? Promise.resolve({ answer: 'yes' }) : Promise.reject(new Error('partner unreachable'))));
  const t = serviceForDescribe(kind, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });

  beforeAll(async () => {
    expect((await deploy(t, fixture('listeners-scopes.bpmn'), 'listeners-scopes.bpmn')).status).toBe(201);
  });

  test('the service task starts once; the task reached when the recovered engine runs it again is created once', async () => {
    partnerUp = false;
    const started = (await t.admin.post('/api/process-definitions/retriedService/start').send({ variables: {} })).body as Instance;
    expect(started).toMatchObject({ state: 'running', incidents: 1, variables: { callStarts: 1 } });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${started.id}&state=open`)).body.items[0] as { id: string };
    partnerUp = true;
    await t.restart();
    expect((await t.admin.post(`/api/incidents/${incident.id}/retry`).send({})).status).toBe(200);
    const retried = (await t.admin.get(`/api/process-instances/${started.id}`)).body as Instance;
    expect(retried.waitingAt.map((w) => w.activityId)).toEqual(['check']);
    expect(retried.variables).toEqual({ callStarts: 1, answer: 'yes', checksCreated: 1 });
  });
});
