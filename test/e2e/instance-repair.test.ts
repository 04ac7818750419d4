// Operators repair running instances over HTTP, on SQLite and on Postgres: set and delete a
// variable (the instance goes on with the new value; a history row says who changed what, old →
// new), conditional events that look again after a variable is set, triggering a receive task
// that has no message, retrying an incident with a number of attempts, retrying several at once,
// and the job list — with who may and who may not (src/app/access.ts).
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

interface Instance {
  id: string;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type: string }>;
  incidents: number;
  startedAt: string;
}
interface HistoryEntry {
  at: string;
  activityId: string | null;
  event: string;
  by?: string;
  details?: Record<string, unknown>;
}

describe.each(databaseKinds)('an operator repairs instances on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let ops: string;
  let rita: string;
  const charge = { calls: 0 };

  const register = (r: ServiceRegistry) => {
    r.register('test.charge', (call) => {
      charge.calls++;
      if (call.variables.cardValid !== true) return Promise.reject(new Error('card declined'));
      return Promise.resolve({ charged: true });
    });
  };
  const env = { PROCFLOW_SERVICE_RETRIES: '0', PROCFLOW_RETRY_BACKOFF_MS: '100', PROCFLOW_JOB_POLL_MS: '50' };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register, env });
    for (const f of [
      'repair-receive-gateway.bpmn',
      'repair-conditional-boundary.bpmn',
      'repair-conditional-catch.bpmn',
      'repair-external.bpmn',
      'repair-service.bpmn',
      'timer-wait.bpmn',
    ]) {
      expect((await deploy(t, fixture(f), f)).status).toBe(201);
    }
    ops = await createUser(t, 'olivia', ['ops']);
    rita = await createUser(t, 'rita', ['reviewers']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const instance = async (id: string) => (await t.admin.get(`/api/process-instances/${id}`)).body as Instance;
  const history = async (id: string) => (await t.admin.get(`/api/process-instances/${id}/history`)).body as HistoryEntry[];
  const start = async (key: string, variables: Record<string, unknown> = {}) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables });
    expect(res.status).toBe(201);
    return res.body as Instance;
  };
  const openIncident = async (instanceId: string) =>
    ((await t.admin.get(`/api/incidents?processInstanceId=${instanceId}&state=open`)).body.items as Array<{ id: string; activityId: string }>)[0];

  test('a variable set while the instance waits is what it goes on with, and its history row says who changed what', async () => {
    const started = await start('repairReceive', { amount: 20 });
    expect(started.waitingAt).toEqual([expect.objectContaining({ activityId: 'goodsArrived', type: 'ReceiveTask' })]);
    const clock = (await t.admin.get('/api/clock')).body as { now: string };

    const set = await t.admin.put(`/api/process-instances/${started.id}/variables/amount`).send({ value: 250 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ state: 'running', variables: { amount: 250 } });

    const rows = (await history(started.id)).filter((h) => h.event === 'variable-set');
    expect(rows).toEqual([expect.objectContaining({ by: 'admin', details: { name: 'amount', oldValue: 20, newValue: 250 } })]);
    expect(Date.parse(rows[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(clock.now));

    const triggered = await t.admin.post(`/api/process-instances/${started.id}/activities/goodsArrived/trigger`).send({});
    expect(triggered.status).toBe(200);
    expect(triggered.body).toMatchObject({ state: 'completed', incidents: 0 });
    const ends = (await history(started.id)).map((h) => h.activityId);
    expect(ends).toContain('endBig');
    expect(ends).not.toContain('endSmall');
  });

  test('a deleted variable is gone from the instance, recorded with its old value; deleting it again is 404', async () => {
    const started = await start('repairReceive', { amount: 500, note: 'rush' });
    const del = await t.admin.delete(`/api/process-instances/${started.id}/variables/amount`);
    expect(del.status).toBe(200);
    expect(del.body.variables).toEqual({ note: 'rush' });
    expect((await instance(started.id)).variables).toEqual({ note: 'rush' });
    expect((await history(started.id)).filter((h) => h.event === 'variable-delete')).toEqual([
      expect.objectContaining({ by: 'admin', details: { name: 'amount', oldValue: 500 } }),
    ]);
    const again = await t.admin.delete(`/api/process-instances/${started.id}/variables/amount`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('VARIABLE_NOT_FOUND');
    // Without amount the gateway takes its default flow.
    const triggered = await t.admin.post(`/api/process-instances/${started.id}/activities/goodsArrived/trigger`).send({});
    expect(triggered.body.state).toBe('completed');
    expect((await history(started.id)).map((h) => h.activityId)).toContain('endSmall');
  });

  test('a variable survives a restart of the service: the next event reads the value that was set', async () => {
    const started = await start('repairReceive', { amount: 1 });
    expect((await t.admin.put(`/api/process-instances/${started.id}/variables/amount`).send({ value: 101 })).status).toBe(200);
    await t.stop();
    t = await startTestService(db, { registerServices: register, env });
    const triggered = await t
      .as(ops)
      .post(`/api/process-instances/${started.id}/activities/goodsArrived/trigger`)
      .send({ variables: { checkedBy: 'dock 3' } });
    expect(triggered.status).toBe(200);
    expect(triggered.body).toMatchObject({ state: 'completed', variables: { amount: 101, checkedBy: 'dock 3' } });
    expect((await history(started.id)).map((h) => h.activityId)).toContain('endBig');
    expect((await history(started.id)).filter((h) => h.event === 'activity-trigger')).toEqual([
      expect.objectContaining({ activityId: 'goodsArrived', by: 'olivia', details: { variables: { checkedBy: 'dock 3' } } }),
    ]);
  });

  test('a conditional boundary event fires once its variable is set; a false condition leaves it waiting', async () => {
    const started = await start('repairConditional', { priority: 'low' });
    expect(started.waitingAt.map((w) => w.activityId)).toEqual(['review']);
    const still = await t.admin.put(`/api/process-instances/${started.id}/variables/priority`).send({ value: 'medium' });
    expect(still.body.waitingAt.map((w: { activityId: string }) => w.activityId)).toEqual(['review']);
    const fired = await t.admin.put(`/api/process-instances/${started.id}/variables/priority`).send({ value: 'high' });
    expect(fired.status).toBe(200);
    expect(fired.body.waitingAt.map((w: { activityId: string }) => w.activityId).sort()).toEqual(['escalate', 'review']);
    const tasks = (await t.as(rita).get(`/api/tasks?state=open&processInstanceId=${started.id}`)).body.items as Array<{ activityId: string }>;
    expect(tasks.map((x) => x.activityId).sort()).toEqual(['escalate', 'review']);
  });

  test('an intermediate conditional catch event waits until its variable makes the condition true, also after a restart', async () => {
    const started = await start('repairConditionalCatch', { stock: 0 });
    expect(started.waitingAt.map((w) => w.activityId)).toEqual(['stockAvailable']);
    await t.stop();
    t = await startTestService(db, { registerServices: register, env });
    const set = await t.admin.put(`/api/process-instances/${started.id}/variables/stock`).send({ value: 5 });
    expect(set.status).toBe(200);
    expect(set.body.waitingAt.map((w: { activityId: string }) => w.activityId)).toEqual(['pick']);
  });

  test('who may: variables are for admins; triggering for admins and ops; anyone else is refused and nothing changes', async () => {
    // Rita starts an instance: she sees it, but may neither change its variables nor trigger it.
    const res = await t
      .as(rita)
      .post('/api/process-definitions/repairReceive/start')
      .send({ variables: { amount: 3 } });
    expect(res.status).toBe(201);
    const started = res.body as Instance;
    const byRita = await t.as(rita).put(`/api/process-instances/${started.id}/variables/amount`).send({ value: 999 });
    expect(byRita.status).toBe(403);
    expect(byRita.body.code).toBe('FORBIDDEN');
    expect((await t.as(rita).delete(`/api/process-instances/${started.id}/variables/amount`)).status).toBe(403);
    expect((await t.as(rita).post(`/api/process-instances/${started.id}/activities/goodsArrived/trigger`).send({})).status).toBe(403);
    // Ops may trigger, not change variables; an instance it may not see stays unseen (404).
    expect((await t.as(ops).put(`/api/process-instances/${started.id}/variables/amount`).send({ value: 1 })).status).toBe(404);
    expect((await t.http.put(`/api/process-instances/${started.id}/variables/amount`).send({ value: 1 })).status).toBe(401);
    expect((await instance(started.id)).variables).toEqual({ amount: 3 });
    expect((await history(started.id)).filter((h) => h.event.startsWith('variable-') || h.event === 'activity-trigger')).toEqual([]);
    const byOps = await t.as(ops).post(`/api/process-instances/${started.id}/activities/goodsArrived/trigger`).send({});
    expect(byOps.status).toBe(200);
    expect(byOps.body.state).toBe('completed');
  });

  test('a trigger where nothing waits is 409 ACTIVITY_NOT_WAITING; a user task is not triggered; bad bodies are 400', async () => {
    const started = await start('repairConditional', {});
    const none = await t.admin.post(`/api/process-instances/${started.id}/activities/escalate/trigger`).send({});
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('ACTIVITY_NOT_WAITING');
    expect(none.body.detail).toContain('<review>');
    const userTask = await t.admin.post(`/api/process-instances/${started.id}/activities/review/trigger`).send({});
    expect(userTask.status).toBe(409);
    expect(userTask.body.code).toBe('ACTIVITY_NOT_TRIGGERABLE');
    expect((await instance(started.id)).waitingAt.map((w) => w.activityId)).toEqual(['review']);
    expect((await t.admin.put(`/api/process-instances/${started.id}/variables/x`).send({ nope: 1 })).status).toBe(400);
    expect((await t.admin.put(`/api/process-instances/${started.id}/variables/content`).send({ value: 1 })).status).toBe(400);
    expect((await t.admin.post(`/api/process-instances/${started.id}/activities/review/trigger`).send({ variables: 'x' })).status).toBe(400);

    const done = await start('repairReceive', {});
    await t.admin.post(`/api/process-instances/${done.id}/activities/goodsArrived/trigger`).send({});
    const ended = await t.admin.put(`/api/process-instances/${done.id}/variables/amount`).send({ value: 1 });
    expect(ended.status).toBe(409);
    expect(ended.body.code).toBe('INSTANCE_ENDED');
    expect((await t.admin.post(`/api/process-instances/${done.id}/activities/goodsArrived/trigger`).send({})).body.code).toBe('INSTANCE_ENDED');
  });

  test('an incident retried with retries gets that many attempts before the next incident; fixed, it goes on', async () => {
    const started = await start('repairService', {});
    expect(started.incidents).toBe(1);
    const first = await openIncident(started.id);
    expect(first).toMatchObject({ activityId: 'charge' });
    charge.calls = 0;
    const retried = await t.admin.post(`/api/incidents/${first?.id}/retry`).send({ retries: 3 });
    expect(retried.status).toBe(200);
    expect(retried.body.processInstance).toMatchObject({ state: 'running', incidents: 0 });
    await waitUntil(async () => (await instance(started.id)).incidents === 1, 'an incident again after three attempts');
    expect(charge.calls).toBe(3);
    expect((await t.admin.get(`/api/jobs?processInstanceId=${started.id}`)).body.items).toEqual([]);

    const second = await openIncident(started.id);
    expect(second?.id).not.toBe(first?.id);
    expect((await t.as(ops).post(`/api/incidents/${second?.id}/retry`).send({})).status).toBe(403);
    expect((await t.admin.post(`/api/incidents/${second?.id}/retry`).send({ retries: 0 })).status).toBe(400);
    expect((await t.admin.put(`/api/process-instances/${started.id}/variables/cardValid`).send({ value: true })).status).toBe(200);
    charge.calls = 0;
    const fixed = await t.admin.post(`/api/incidents/${second?.id}/retry`).send({ retries: 2 });
    expect(fixed.body.processInstance).toMatchObject({ state: 'running', incidents: 0, waitingAt: [expect.objectContaining({ activityId: 'ship' })] });
    expect(charge.calls).toBe(1);
    expect((await t.admin.post(`/api/incidents/${second?.id}/retry`).send({})).body.code).toBe('INCIDENT_NOT_OPEN');
  });

  test('the incident of an external task, retried with retries waits for its worker with those retries', async () => {
    const started = await start('repairExternal', {});
    const locked = await t.admin
      .post('/engine-rest/external-task/fetchAndLock')
      .send({ workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'test.worker', lockDuration: 10000 }] });
    expect(locked.status).toBe(200);
    const task = (locked.body as Array<{ id: string; processInstanceId: string }>).find((x) => x.processInstanceId === started.id);
    const failed = await t.admin
      .post(`/engine-rest/external-task/${task?.id}/failure`)
      .send({ workerId: 'w1', errorMessage: 'backend down', retries: 0, retryTimeout: 0 });
    expect(failed.status).toBe(204);
    const incident = await openIncident(started.id);
    expect(incident).toMatchObject({ activityId: 'askWorker' });
    const retried = await t.admin.post(`/api/incidents/${incident?.id}/retry`).send({ retries: 2 });
    expect(retried.body.processInstance).toMatchObject({ state: 'running', incidents: 0, waitingAt: [expect.objectContaining({ activityId: 'askWorker' })] });
    const waiting = await t.admin.get(`/engine-rest/external-task?processInstanceId=${started.id}`);
    expect(waiting.body).toEqual([expect.objectContaining({ activityId: 'askWorker', retries: 2 })]);
  });

  test('a bulk retry answers per id: a fixable incident is retried, a resolved and an unknown one say why', async () => {
    const good = await start('repairService', {});
    const goodIncident = await openIncident(good.id);
    const stale = await start('repairService', {});
    const staleIncident = await openIncident(stale.id);
    expect((await t.admin.delete(`/api/process-instances/${stale.id}`)).status).toBe(204);
    await t.admin.put(`/api/process-instances/${good.id}/variables/cardValid`).send({ value: true });

    expect(
      (
        await t
          .as(ops)
          .post('/api/incidents/retry')
          .send({ ids: [goodIncident?.id] })
      ).status,
    ).toBe(403);
    const res = await t.admin.post('/api/incidents/retry').send({ ids: [goodIncident?.id, staleIncident?.id, 'no-such-incident'] });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: goodIncident?.id, status: 'retried', processInstance: expect.objectContaining({ id: good.id, state: 'running', incidents: 0 }) },
      expect.objectContaining({ id: staleIncident?.id, status: 'failed', code: 'INCIDENT_NOT_OPEN', httpStatus: 409 }),
      expect.objectContaining({ id: 'no-such-incident', status: 'failed', code: 'INCIDENT_NOT_FOUND', httpStatus: 404 }),
    ]);
    expect((await instance(good.id)).waitingAt.map((w) => w.activityId)).toEqual(['ship']);
    expect((await t.admin.post('/api/incidents/retry').send({ ids: [] })).status).toBe(400);
  });

  test('the job list shows a waiting timer with its due time, instance and activity; ops may read it, others may not', async () => {
    const started = await start('timerNinetyDays', {});
    const res = await t.as(ops).get(`/api/jobs?processInstanceId=${started.id}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const [job] = res.body.items as Array<Record<string, unknown>>;
    expect(job).toMatchObject({ kind: 'timer', processInstanceId: started.id, definitionKey: 'timerNinetyDays', attempts: 0, lastError: null });
    // Armed as the instance started: 90 days of service time after it (the clock runs on meanwhile).
    const dueIn = Date.parse(job?.dueAt as string) - Date.parse(started.startedAt);
    expect(dueIn).toBeGreaterThanOrEqual(90 * 86400000);
    expect(dueIn).toBeLessThan(90 * 86400000 + 60000);
    expect(typeof job?.activityId).toBe('string');

    const byDefinition = await t.admin.get('/api/jobs?definitionKey=timerNinetyDays&limit=1');
    expect(byDefinition.body.items).toHaveLength(1);
    expect((await t.admin.get('/api/jobs?definitionKey=noSuchProcess')).body).toEqual({ items: [], total: 0 });
    expect((await t.admin.get('/api/jobs?limit=0')).status).toBe(400);
    expect((await t.as(rita).get('/api/jobs')).status).toBe(403);
  });
});
