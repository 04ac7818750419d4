// History retention over HTTP, on SQLite and Postgres: ended instances past their process's
// camunda:historyTimeToLive (or the configured default) are deleted with their history and tasks;
// running instances, instances still within their time-to-live, and orders' instances stay.
// Time moves by the service clock (`PUT /api/clock {now}`).
import path from 'node:path';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, startTestService, type TestService } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

const PROCESSES = path.join(__dirname, '..', '..', 'processes');

const process = (id: string, ttl: string | null, wait: boolean) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_${id}" targetNamespace="http://procflow.dev/test">
  <bpmn:process id="${id}" isExecutable="true"${ttl ? ` camunda:historyTimeToLive="${ttl}"` : ''}>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${wait ? 'work' : 'end'}" />
    ${wait ? '<bpmn:userTask id="work" name="Work" /><bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />' : ''}
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(databaseKinds)('history retention on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: PROCESSES,
      env: { PROCFLOW_RETENTION_INTERVAL_MS: '20', PROCFLOW_HISTORY_TTL_DAYS: '30', PROCFLOW_JOB_POLL_MS: '20' },
    });
    for (const [id, ttl, wait] of [
      ['shortLived', 'P1D', false],
      ['shortLivedWaiting', 'P1D', true],
      ['tenDays', '10', false],
      ['noTtl', null, false],
    ] as const) {
      expect((await deploy(t, process(id, ttl, wait), `${id}.bpmn`)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const exists = async (id: string) => (await t.admin.get(`/api/process-instances/${id}`)).status === 200;
  const start = async (key: string) => (await t.admin.post(`/api/process-definitions/${key}/start`).send({})).body as { id: string; state: string };
  const jumpDays = async (days: number) => {
    const now = Date.parse((await t.admin.get('/api/clock')).body.now as string);
    expect((await t.admin.put('/api/clock').send({ now: new Date(now + days * 86_400_000).toISOString() })).status).toBe(200);
  };

  test('removes exactly what is past its time-to-live, and keeps what an order still needs', async () => {
    const short = await start('shortLived');
    const waiting = await start('shortLivedWaiting');
    const ten = await start('tenDays');
    const noTtl = await start('noTtl');
    expect([short.state, waiting.state, ten.state, noTtl.state]).toEqual(['completed', 'running', 'completed', 'completed']);
    const order = await t.admin.post('/api/orders').send({ customerName: 'Ada', email: 'ada@example.com', items: [{ description: 'Audit', quantity: 1 }] });
    expect(order.status).toBe(201);
    expect((await t.admin.delete(`/api/process-instances/${order.body.processInstanceId}`)).status).toBe(204);

    // Two days on: only the ended one-day instance goes (with its history); the waiting one stays.
    await jumpDays(2);
    await waitUntil(async () => !(await exists(short.id)), 'the ended one-day instance to be deleted');
    expect((await t.service.store.db.knex('history').where({ process_instance_id: short.id }).count({ n: '*' }).first())?.n).toBe(
      kind === 'postgres' ? '0' : 0,
    );
    await executorRound(t.admin);
    expect(await exists(waiting.id)).toBe(true);
    expect(await exists(ten.id)).toBe(true);
    expect(await exists(noTtl.id)).toBe(true);

    // Eleven days on: the ten-day one goes; the one without a time-to-live waits for the default (30 days).
    await jumpDays(9);
    await waitUntil(async () => !(await exists(ten.id)), 'the ten-day instance to be deleted');
    await executorRound(t.admin);
    expect(await exists(noTtl.id)).toBe(true);

    // Two hundred days on: the default took the last one; the order (180 days in its model) keeps its instance.
    await jumpDays(200);
    await waitUntil(async () => !(await exists(noTtl.id)), 'the instance without a time-to-live to be deleted after the default');
    await executorRound(t.admin);
    expect(await exists(waiting.id)).toBe(true);
    expect((await t.admin.get(`/api/orders/${order.body.orderId}`)).body).toMatchObject({
      status: 'cancelled',
      processInstanceId: order.body.processInstanceId,
    });
  });
});
