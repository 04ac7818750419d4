// Deploying (versions, bad input) and running what can go wrong in a model: runaway loops,
// gateways with no true condition, service topics with and without a handler, failing handlers.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import type { ServiceRegistry } from '../../src/engine/service-registry';

const V1 = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_v" targetNamespace="x">
  <process id="versioned" name="Versioned" isExecutable="true">
    <startEvent id="s" /><sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <userTask id="t" name="First version task" /><sequenceFlow id="f2" sourceRef="t" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;
const V2 = V1.replace('First version task', 'Second version task');

describe.each(databaseKinds)('deploying and running on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let priceCalls = 0;
  let failuresLeft = 0;

  const register = (r: ServiceRegistry) => {
    r.register('test.price', (call) => {
      priceCalls++;
      if (failuresLeft > 0) {
        failuresLeft--;
        return Promise.reject(new Error('price service unreachable'));
      }
      return Promise.resolve({ price: Number(call.variables.quantity ?? 1) * 60 });
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // No automatic retries here: a failure opens an incident at once (retries: timers-and-jobs.test.ts).
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('changed content makes the next version; running instances stay on theirs', async () => {
    const first = await deploy(t, V1);
    expect(first.status).toBe(201);
    expect(first.body.definitions[0]).toMatchObject({ key: 'versioned', version: 1, startable: true, userTasks: [{ id: 't', name: 'First version task' }] });
    const old = (await t.admin.post('/api/process-definitions/versioned/start').send({})).body;
    const same = await deploy(t, V1);
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(first.body.id);
    const second = await deploy(t, V2);
    expect(second.status).toBe(201);
    expect(second.body.definitions[0].version).toBe(2);
    const fresh = (await t.admin.post('/api/process-definitions/versioned/start').send({})).body;
    expect([old.definitionVersion, fresh.definitionVersion]).toEqual([1, 2]);
    const all = (await t.admin.get('/api/process-definitions?allVersions=true')).body.items.filter((d: { key: string }) => d.key === 'versioned');
    expect(all.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    expect((await t.admin.get('/api/process-definitions/versioned')).body.version).toBe(2);
    const xml = await t.admin.get('/api/process-definitions/versioned/xml');
    expect(xml.headers['content-type']).toMatch(/application\/xml/);
    expect(xml.text).toContain('Second version task');
    expect((await t.admin.get('/api/process-definitions/versioned/xml?version=1')).text).toContain('First version task');
    expect((await t.admin.get('/api/process-definitions/versioned/xml?version=abc')).body.code).toBe('VALIDATION_FAILED');
    expect((await t.admin.get('/api/process-definitions/versioned/xml?version=9')).body.code).toBe('DEFINITION_NOT_FOUND');
    // The old instance still completes on version 1.
    const task = (await t.admin.get(`/api/tasks?processInstanceId=${old.id}`)).body.items[0];
    expect(task.name).toBe('First version task');
    expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({})).body.processInstance.state).toBe('completed');
  });

  test('XML that does not parse gets 400 BPMN_INVALID with line and column', async () => {
    const res = await deploy(t, '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <process id="p">\n</definitions>');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BPMN_INVALID');
    expect(res.body.errors[0]).toEqual(expect.objectContaining({ message: expect.any(String), line: expect.any(Number), column: expect.any(Number) }));
  });

  test('a dangling reference and a duplicate id are refused with the element ids', async () => {
    const bad = V1.replace('targetRef="e"', 'targetRef="nowhere"').replace('<endEvent id="e" />', '<endEvent id="e" /><task id="t" />');
    const res = await deploy(t, bad);
    expect(res.status).toBe(400);
    const messages = (res.body.errors as Array<{ message: string }>).map((e) => e.message).join(' | ');
    expect(messages).toMatch(/nowhere/);
    expect(messages).toMatch(/duplicate/i);
  });

  test('a document that is not BPMN, an empty body and a wrong media type are clear 4xx', async () => {
    expect((await deploy(t, '<html><body>hi</body></html>')).body.code).toBe('BPMN_INVALID');
    expect((await deploy(t, '')).status).toBe(400);
    const json = await t.admin.post('/api/deployments').send({ xml: V1 });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('a body over the size limit gets 413', async () => {
    const huge = V1.replace('<endEvent id="e" />', `<endEvent id="e" /><!-- ${'x'.repeat(6 * 1024 * 1024)} -->`);
    const res = await deploy(t, huge);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('multipart upload of several files deploys each', async () => {
    const res = await t.admin
      .post('/api/deployments')
      .attach('file', Buffer.from(fixture('runaway-loop.bpmn')), 'runaway-loop.bpmn')
      .attach('file', Buffer.from(fixture('no-true-condition.bpmn')), 'no-true-condition.bpmn');
    expect(res.status).toBe(201);
    expect(res.body.deployments.map((d: { name: string }) => d.name)).toEqual(['runaway-loop.bpmn', 'no-true-condition.bpmn']);
  });

  test('a model that loops without waiting is stopped by the budget, gets an incident, and the API keeps answering', async () => {
    const res = await t.admin.post('/api/process-definitions/runawayLoop/start').send({});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?state=open`)).body.items as Array<{ processInstanceId: string; message: string }>;
    expect(incidents.find((i) => i.processInstanceId === res.body.id)?.message).toMatch(/loops without waiting/);
    expect((await t.http.get('/health')).status).toBe(200);
  });

  test('a gateway with no true condition fails the instance with an incident; a retry returns it to its last wait', async () => {
    const start = (await t.admin.post('/api/process-definitions/noTrueCondition/start').send({})).body;
    const task = (await t.admin.get(`/api/tasks?processInstanceId=${start.id}`)).body.items[0];
    const done = await t.admin.post(`/api/tasks/${task.id}/complete`).send({ variables: { choice: 'c' } });
    expect(done.status).toBe(200);
    expect(done.body.processInstance).toMatchObject({ state: 'failed', incidents: 1 });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${start.id}`)).body.items[0];
    expect(incident).toMatchObject({ state: 'open', activityId: 'gw' });
    const retry = await t.admin.post(`/api/incidents/${incident.id}/retry`).send({});
    expect(retry.status).toBe(200);
    expect(retry.body.processInstance).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'decide' }] });
    const again = (await t.admin.get(`/api/tasks?processInstanceId=${start.id}&state=open`)).body.items[0];
    expect((await t.admin.post(`/api/tasks/${again.id}/complete`).send({ variables: { choice: 'b' } })).body.processInstance.state).toBe('completed');
  });

  test('a topic with a handler runs it and its output drives the gateway; a topic without one waits visibly', async () => {
    expect((await deploy(t, fixture('external-topic.bpmn'))).status).toBe(201);
    const cheap = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 1 } })).body;
    expect(cheap).toMatchObject({ state: 'completed', variables: { price: 60 } });
    const pricey = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 3 } })).body;
    expect(pricey).toMatchObject({ state: 'running', variables: { price: 180 }, waitingAt: [{ activityId: 'unserved', type: 'ServiceTask' }] });
    // Still waiting there after a restart.
    await t.stop();
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
    expect((await t.admin.get(`/api/process-instances/${pricey.id}`)).body.waitingAt).toEqual([
      { activityId: 'unserved', activityName: 'Ask the worker', type: 'ServiceTask' },
    ]);
    // An external worker lists it by topic and completes it; its output becomes variables.
    const listed = await t.admin.get('/api/external-tasks?topic=test.unserved');
    const mine = (listed.body.items as Array<{ id: string; processInstanceId: string; activityId: string }>).filter((x) => x.processInstanceId === pricey.id);
    expect(mine).toEqual([expect.objectContaining({ activityId: 'unserved', topic: 'test.unserved' })]);
    const nobody = await createUser(t, `clerk-${kind}`, ['clerks']);
    expect((await t.as(nobody).get('/api/external-tasks')).status).toBe(403);
    const workerToken = await createUser(t, `worker-${kind}`, ['workers']);
    const done = await t
      .as(workerToken)
      .post(`/api/external-tasks/${mine[0]?.id}/complete`)
      .send({ variables: { approvedBy: 'worker' } });
    expect(done.status).toBe(200);
    expect(done.body.processInstance).toMatchObject({ state: 'completed', variables: { approvedBy: 'worker', price: 180 } });
    expect((await t.as(workerToken).post(`/api/external-tasks/${mine[0]?.id}/complete`).send({})).body.code).toBe('EXTERNAL_TASK_DONE');
  });

  test('a failing handler leaves the instance at the task with an incident; retry after the cause is fixed completes it', async () => {
    failuresLeft = 1;
    const before = priceCalls;
    const res = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 1 } })).body;
    expect(res).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'price' }] });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${res.id}&state=open`)).body.items[0];
    expect(incident.message).toMatch(/price service unreachable/);
    const retry = await t.admin.post(`/api/incidents/${incident.id}/retry`).send({});
    expect(retry.body.processInstance).toMatchObject({ state: 'completed', incidents: 0, variables: { price: 60 } });
    expect(priceCalls - before).toBe(2);
    expect((await t.admin.post(`/api/incidents/${incident.id}/retry`).send({})).body.code).toBe('INCIDENT_NOT_OPEN');
  });

  test('a request body that is not valid JSON or not the right shape gets 400 VALIDATION_FAILED', async () => {
    const res = await t.admin.post('/api/process-definitions/versioned/start').set('Content-Type', 'application/json').send('{"variables": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const shape = await t.admin.post('/api/process-definitions/versioned/start').send({ variables: 'nope' });
    expect(shape.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ pointer: '/variables' }] });
    expect((await t.admin.post('/api/process-definitions/missing/start').send({})).body.code).toBe('DEFINITION_NOT_FOUND');
  });
});
