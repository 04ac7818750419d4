// Time-driven work over HTTP on SQLite and Postgres: durable timers across restarts, the fast
// clock, service-task retries and incidents, BPMN errors from handlers, and schedules.
import { BpmnError, type ServiceRegistry } from '../../src/engine/service-registry';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

const MINUTE = 60_000;

describe.each(databaseKinds)('timers, retries and schedules on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let flaky: { failuresLeft: number; calls: number; mode: 'fail' | 'bpmn-error' };

  const register = (r: ServiceRegistry) => {
    r.register('test.flaky', () => {
      flaky.calls++;
      if (flaky.mode === 'bpmn-error') return Promise.reject(new BpmnError('E_REJECTED', 'the partner said no'));
      if (flaky.failuresLeft > 0) {
        flaky.failuresLeft--;
        return Promise.reject(new Error('partner unreachable'));
      }
      return Promise.resolve({ partnerAnswer: 'yes' });
    });
  };
  const env = { PROCFLOW_RETRY_BACKOFF_MS: '100', PROCFLOW_JOB_POLL_MS: '50' };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register, env });
    expect((await deploy(t, fixture('timer-wait.bpmn'))).status).toBe(201);
    expect((await deploy(t, fixture('flaky-service.bpmn'))).status).toBe(201);
  });

  beforeEach(() => {
    flaky = { failuresLeft: 0, calls: 0, mode: 'fail' };
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const instance = async (id: string) =>
    (await t.admin.get(`/api/process-instances/${id}`)).body as { state: string; waitingAt: Array<{ activityId: string }>; incidents: number };
  const completed = (id: string) => async () => (await instance(id)).state === 'completed';
  const jumpTo = async (ms: number) => expect((await t.admin.put('/api/clock').send({ now: new Date(ms).toISOString() })).status).toBe(200);

  test('a PT2S timer survives a stop: restarted, once the clock has passed its time, it fires once', async () => {
    const start = await t.admin.post('/api/process-definitions/timerTwoSeconds/start').send({});
    expect(start.body).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'wait2s', type: 'IntermediateCatchEvent' }] });
    await t.stop();
    t = await startTestService(db, { registerServices: register, env });
    await jumpTo(Date.parse(start.body.startedAt as string) + 2500);
    await waitUntil(completed(start.body.id), 'the PT2S timer to have fired after the restart');
    const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'wait2s' && h.event === 'end')).toHaveLength(1);
    expect(history.filter((h) => h.event === 'instance-end')).toHaveLength(1);
  });

  test('with clock speed 60 a PT1M timer fires on its own, a service minute after it was armed', async () => {
    expect((await t.admin.put('/api/clock').send({ speed: 60 })).body.speed).toBe(60);
    try {
      const start = await t.admin.post('/api/process-definitions/timerOneMinute/start').send({});
      expect(start.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'wait1m' })]);
      // No jump: only the fast clock brings it there (a real second at speed 60).
      await waitUntil(completed(start.body.id), 'the PT1M timer to have fired at speed 60');
      const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string; event: string; at: string }>;
      const at = (event: string) => history.filter((h) => h.activityId === 'wait1m' && h.event === event).map((h) => Date.parse(h.at));
      expect(at('end')).toHaveLength(1);
      expect((at('end')[0] ?? 0) - (at('start')[0] ?? Infinity)).toBeGreaterThanOrEqual(MINUTE);
    } finally {
      await t.admin.put('/api/clock').send({ speed: 1 });
    }
    const clock = (await t.admin.get('/api/clock')).body;
    expect(clock).toMatchObject({ speed: 1, now: expect.any(String) });
  });

  test('a P90D timer waits as a job due in 90 days, survives a restart, and fires when the clock gets there', async () => {
    const start = await t.admin.post('/api/process-definitions/timerNinetyDays/start').send({});
    expect(start.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'wait90d' })]);
    const now = Date.parse((await t.admin.get('/api/clock')).body.now);
    await t.stop();
    t = await startTestService(db, { registerServices: register, env });
    await executorRound(t.admin);
    expect((await instance(start.body.id)).state).toBe('running');
    await jumpTo(now + 90 * 86400000 + 1000);
    await waitUntil(completed(start.body.id), 'the P90D timer to have fired after the clock jumped 90 days');
    await t.admin.put('/api/clock').send({ now: new Date().toISOString() });
  });

  test('a timer duration from a variable waits that long; a missing variable fails the instance with an incident, not a timer due now', async () => {
    const ok = await t.admin.post('/api/process-definitions/timerFromVariable/start').send({ variables: { waitFor: 'PT1H' } });
    expect(ok.body).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'waitVar' }] });
    const jobs = await t.service.store.jobs.list({ processInstanceId: ok.body.id, kind: 'timer' });
    expect(Date.parse(jobs[0]?.dueAt ?? '') - Date.parse(ok.body.startedAt)).toBeGreaterThan(3590000);
    const missing = await t.admin.post('/api/process-definitions/timerFromVariable/start').send({});
    expect(missing.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${missing.body.id}`)).body.items[0];
    expect(incident.message).toMatch(/timeDuration gave no value/);
  });

  test('a service task that fails twice then succeeds completes', async () => {
    flaky.failuresLeft = 2;
    const start = await t.admin.post('/api/process-definitions/flakyService/start').send({});
    expect(start.body).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'call' }] });
    await waitUntil(completed(start.body.id), 'the flaky service task to have completed on its third attempt');
    expect(flaky.calls).toBe(3);
    const done = (await t.admin.get(`/api/process-instances/${start.body.id}`)).body;
    expect(done.variables).toMatchObject({ partnerAnswer: 'yes' });
    expect(done.incidents).toBe(0);
  });

  test('a service task that always fails opens an incident after its retries; retry after the fix completes it', async () => {
    flaky.failuresLeft = 1000;
    const start = await t.admin.post('/api/process-definitions/flakyService/start').send({});
    await waitUntil(async () => (await instance(start.body.id)).incidents === 1, 'an incident after the retries');
    expect(flaky.calls).toBe(4);
    expect((await instance(start.body.id)).waitingAt).toEqual([expect.objectContaining({ activityId: 'call' })]);
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${start.body.id}&state=open`)).body.items[0];
    expect(incident).toMatchObject({ activityId: 'call', state: 'open' });
    expect(incident.message).toMatch(/partner unreachable/);
    flaky.failuresLeft = 0;
    const retry = await t.admin.post(`/api/incidents/${incident.id}/retry`).send({});
    expect(retry.body.processInstance).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test('a BPMN error thrown by a handler is caught by the boundary error event', async () => {
    flaky.mode = 'bpmn-error';
    const start = await t.admin.post('/api/process-definitions/flakyService/start').send({});
    expect(start.body).toMatchObject({ state: 'completed', incidents: 0 });
    const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.some((h) => h.activityId === 'handled' && h.event === 'end')).toBe(true);
    expect(history.some((h) => h.activityId === 'done')).toBe(false);
  });

  test('a schedule with R/PT1M starts the process once each service minute; deleting it stops it', async () => {
    const schedule = async (id: string) =>
      ((await t.admin.get('/api/schedules')).body.items as Array<{ id: string; lastRunAt: string | null; nextRunAt: string | null }>).find((s) => s.id === id);
    const fromSchedule = async () =>
      (
        (await t.admin.get('/api/process-instances?definitionKey=timerShort&limit=500')).body.items as Array<{
          variables: { from?: string; scheduledAt?: string };
        }>
      )
        .filter((i) => i.variables.from === 'schedule')
        .map((i) => i.variables.scheduledAt)
        .sort();
    try {
      const created = await t.admin
        .post('/api/schedules')
        .send({ name: 'every minute', processKey: 'timerShort', recurrence: 'R/PT1M', variables: { from: 'schedule' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ processKey: 'timerShort', recurrence: 'R/PT1M', enabled: true, lastRunAt: null });
      const first = Date.parse(created.body.nextRunAt as string);
      const firings = [0, 1].map((n) => new Date(first + n * MINUTE).toISOString());
      for (const [n, at] of firings.entries()) {
        await jumpTo(Date.parse(at));
        await waitUntil(async () => (await fromSchedule()).length === n + 1, `the firing at ${at} to have started the process`);
        expect(await schedule(created.body.id)).toMatchObject({ lastRunAt: at, nextRunAt: new Date(Date.parse(at) + MINUTE).toISOString() });
      }
      expect((await t.admin.delete(`/api/schedules/${created.body.id}`)).status).toBe(204);
      // Past the next firing time, the deleted schedule starts nothing.
      await jumpTo(first + 2 * MINUTE + 1000);
      await executorRound(t.admin);
      expect(await fromSchedule()).toEqual(firings);
    } finally {
      await t.admin.put('/api/clock').send({ now: new Date().toISOString() });
    }
  });

  test('a schedule without at or recurrence, or with a bad recurrence, is refused with 400', async () => {
    expect((await t.admin.post('/api/schedules').send({ processKey: 'timerShort' })).body.code).toBe('VALIDATION_FAILED');
    const bad = await t.admin.post('/api/schedules').send({ processKey: 'timerShort', recurrence: 'every tuesday' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/recurrence');
    expect((await t.admin.post('/api/schedules').send({ processKey: 'timerShort', recurrence: '*/5 * * * *' })).status).toBe(201);
  });
});
