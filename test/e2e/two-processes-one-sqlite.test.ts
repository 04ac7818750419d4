// Two service processes on one SQLite file (one machine, one local disk) — a supported way to use
// a second core (docs/operations.md): an instance started on one is carried on by the other,
// two completions of one task from both give one 200 and one 409, and a timer fires once.
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

describe('two service processes on one SQLite file', () => {
  let db: TestDatabase;
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    a = await startTestService(db, { env: { PROCFLOW_JOB_POLL_MS: '20' } });
    b = await startTestService(db, { env: { PROCFLOW_JOB_POLL_MS: '20' } });
    expect((await deploy(a, fixture('order-approval.bpmn'), 'order-approval.bpmn')).status).toBe(201);
    expect((await deploy(a, fixture('timer-wait.bpmn'), 'timer-wait.bpmn')).status).toBe(201);
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  test('an instance started on one is carried on by the other; of two completions of one task from both, one wins', async () => {
    const started = (await a.admin.post('/api/process-definitions/orderApproval/start').send({ businessKey: 'two-1' })).body as { id: string };
    const task = ((await b.admin.get(`/api/tasks?processInstanceId=${started.id}&state=open`)).body.items as Array<{ id: string }>)[0];
    const body = { variables: { approved: true, amount: 1 } };
    const answers = await Promise.all([a, b].map((node) => node.admin.post(`/api/tasks/${task?.id}/complete`).send(body)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    // The first node's cached engine is behind: it reloads and carries on.
    const paid = await a.admin.post('/api/messages').send({ messageName: 'payment-received', businessKey: 'two-1' });
    expect(paid.body).toEqual({ correlated: [started.id] });
    expect((await b.admin.get(`/api/process-instances/${started.id}`)).body.waitingAt).toEqual([expect.objectContaining({ activityId: 'ship' })]);
  });

  test('a timer fires once, whichever process takes its job', async () => {
    const started = (await b.admin.post('/api/process-definitions/timerTwoSeconds/start').send({})).body as { id: string; startedAt: string };
    expect((await a.admin.put('/api/clock').send({ now: new Date(Date.parse(started.startedAt) + 5000).toISOString() })).status).toBe(200);
    await waitUntil(async () => (await a.admin.get(`/api/process-instances/${started.id}`)).body.state === 'completed', 'the timer to fire');
    const history = (await b.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'wait2s' && h.event === 'end')).toHaveLength(1);
  });
});
