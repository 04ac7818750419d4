// The monitoring and sync processes are started by the scheduler on a cycle and over the API at
// once. Their diagrams show the cycle on a timer start event in a separate, non-executable pool,
// because bpmn-engine arms every start event of the process an instance runs (see the second test).
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { executorRound } from '../helpers/wait';

const DAY = 86_400_000;

describe.each(databaseKinds)('start events of the monitoring and sync processes on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  // Runs of the failing step, per instance: the deployed timer start also makes a schedule whose
  // own instances (when the clock passes its cycle) run the step too.
  const failures = new Map<string, number>();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['game-server-monitor.bpmn', 'catalogue-sync.bpmn', 'crm-sync.bpmn']),
      // No catalogue or CRM configured: their syncs fail at once. Service time moves by clock jumps.
      env: { PROCFLOW_SERVICE_RETRIES: '0', PROCFLOW_JOB_POLL_MS: '50' },
      registerServices: (r) =>
        r.register('test.count', (call) => {
          failures.set(call.processInstanceId, (failures.get(call.processInstanceId) ?? 0) + 1);
          return Promise.reject(new Error('the step fails on purpose'));
        }),
    });
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('each is deployed startable with its key, starts over the API at once, and no instance waits on a timer', async () => {
    const defs = await t.admin.get('/api/process-definitions');
    const byKey = new Map((defs.body.items as Array<{ key: string; startable: boolean; timers: unknown[] }>).map((d) => [d.key, d]));
    for (const key of ['gameServerMonitor', 'catalogueSync', 'crmSync']) expect(byKey.get(key)).toMatchObject({ startable: true, timers: [] });

    const monitor = await t.admin.post('/api/process-definitions/gameServerMonitor/start').send({});
    expect(monitor.body).toMatchObject({ state: 'completed', waitingAt: [], variables: { polled: 0, statusChanges: 0 } });

    const stuck = await t.admin.post('/api/process-definitions/catalogueSync/start').send({});
    expect(stuck.body).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'syncProducts', type: 'ServiceTask' }] });
    const row = (await t.service.store.db.knex('process_instances').where({ id: stuck.body.id }).first()) as { next_timer_at: unknown };
    expect(row.next_timer_at).toBeNull();

    // Two service days later (past the daily cycle of its diagram), once the job executor has
    // carried out everything then due, the stuck instance has not run its sync again.
    const now = Date.parse((await t.admin.get('/api/clock')).body.now as string);
    expect((await t.admin.put('/api/clock').send({ now: new Date(now + 2 * DAY).toISOString() })).status).toBe(200);
    await executorRound(t.admin);
    const runs = await t.admin.get('/api/sync-runs?kind=products');
    expect(runs.body.items.filter((r: { processInstanceId: string }) => r.processInstanceId === stuck.body.id)).toHaveLength(1);
    expect((await t.admin.get(`/api/process-instances/${stuck.body.id}`)).body).toMatchObject({
      state: 'running',
      waitingAt: [{ activityId: 'syncProducts' }],
    });
  });

  // bpmn-elements enters every start event of a process and discards the others only when a path
  // reaches an end event; procflow discards the start events not taken as soon as an instance has
  // started, so a timer start next to a none start never fires a second token.
  test('a process with a timer start event and a none start event, started over the API, waits on nothing but its task', async () => {
    expect((await deploy(t, fixture('timer-and-none-start.bpmn'), 'timer-and-none-start.bpmn')).status).toBe(201);
    const res = await t.admin.post('/api/process-definitions/timerAndNoneStart/start').send({});
    expect(res.body).toMatchObject({ state: 'running', incidents: 1 });
    expect(failures.get(res.body.id as string)).toBe(1);
    expect(res.body.waitingAt).toEqual([{ activityId: 'work', activityName: 'Work', type: 'ServiceTask' }]);
  });
});
