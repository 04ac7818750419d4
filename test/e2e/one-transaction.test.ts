// Every write an event causes is in its one transaction, and a person who loses a race gets 409:
// two completions of one external task, two retries of one incident, a fault injected in the
// middle of placing an order (a database trigger that fails the commit after the order row was
// written) and in the middle of cancelling an instance with an open incident. Over HTTP, on
// SQLite and on Postgres.
import path from 'node:path';
import type { Knex } from 'knex';
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const PROCESSES = path.join(__dirname, '..', '..', 'processes');

/** A trigger that makes the next matching statement on `table` fail, as a crash there would. */
async function injectFault(knex: Knex, dialect: string, table: string, when: 'insert' | 'update', condition: string): Promise<() => Promise<void>> {
  const name = `inject_fault_${table}`;
  if (dialect === 'sqlite') {
    await knex.raw(`create trigger ${name} before ${when} on ${table} when ${condition} begin select raise(abort, 'injected fault'); end`);
    return async () => void (await knex.raw(`drop trigger ${name}`));
  }
  await knex.raw(`create or replace function ${name}() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`);
  await knex.raw(`create trigger ${name} before ${when} on ${table} for each row when (${condition.replace(/\bNEW\./g, 'new.')}) execute function ${name}()`);
  return async () => {
    await knex.raw(`drop trigger ${name} on ${table}`);
    await knex.raw(`drop function ${name}()`);
  };
}

async function count(knex: Knex, table: string, where: Record<string, unknown>): Promise<number> {
  const row = (await knex(table).where(where).count({ n: '*' }).first()) as { n?: unknown } | undefined;
  return Number(row?.n ?? 0);
}

describe.each(databaseKinds)('one event, one transaction on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let failPrice = true;
  let knex: Knex;

  const register = (r: ServiceRegistry) => {
    r.register('test.price', (call) =>
      failPrice ? Promise.reject(new Error('price service unreachable')) : Promise.resolve({ price: Number(call.variables.quantity ?? 1) * 60 }),
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // No automatic retries: a failing handler opens an incident at once.
    t = await startTestService(db, { processesDir: PROCESSES, registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
    knex = t.service.store.db.knex;
    expect((await deploy(t, fixture('external-topic.bpmn'))).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('of two concurrent completions of one external task, one answers 200 and the other 409 EXTERNAL_TASK_DONE', async () => {
    failPrice = false;
    const started = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 3 } })).body;
    expect(started).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'unserved' }] });
    const worker = await createUser(t, `worker-${kind}`, ['workers']);
    const listed = (await t.as(worker).get(`/api/external-tasks?processInstanceId=${started.id}`)).body.items as Array<{ id: string }>;
    expect(listed).toHaveLength(1);
    const id = listed[0]?.id as string;
    const answers = await Promise.all(
      [1, 2].map((n) =>
        t
          .as(worker)
          .post(`/api/external-tasks/${id}/complete`)
          .send({ variables: { by: n } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('EXTERNAL_TASK_DONE');
    const winner = answers.find((a) => a.status === 200)?.body.processInstance;
    expect(winner).toMatchObject({ state: 'completed' });
    // The instance ran on once: one end of the task in its history.
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'unserved' && h.event === 'end')).toHaveLength(1);
  });

  test('of two concurrent retries of one incident, one answers 200 and the other 409 INCIDENT_NOT_OPEN', async () => {
    failPrice = true;
    const started = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 1 } })).body;
    expect(started).toMatchObject({ state: 'running', incidents: 1 });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${started.id}&state=open`)).body.items[0] as { id: string };
    failPrice = false;
    const answers = await Promise.all([1, 2].map(() => t.admin.post(`/api/incidents/${incident.id}/retry`).send({})));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('INCIDENT_NOT_OPEN');
    expect(answers.find((a) => a.status === 200)?.body.processInstance).toMatchObject({ state: 'completed', incidents: 0 });
    const retries = ((await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ event: string }>).filter(
      (h) => h.event === 'incident-retry',
    );
    expect(retries).toHaveLength(1);
    expect((await t.admin.get(`/api/incidents?processInstanceId=${started.id}&state=resolved`)).body.items).toHaveLength(1);
  });

  test('a fault after the order row was written leaves no order and no instance; without it the order comes whole', async () => {
    const ordersBefore = await count(knex, 'orders', {});
    const instancesBefore = await count(knex, 'process_instances', { definition_key: 'orderFulfilment' });
    // The order row is written first in the start's transaction; the instance's first history row after it.
    const heal = await injectFault(knex, kind, 'history', 'insert', "NEW.definition_key = 'orderFulfilment'");
    const failed = await t.admin.post('/api/orders').send({ customerName: 'Ada', email: 'ada@example.com', items: [{ description: 'Audit', quantity: 1 }] });
    await heal();
    expect(failed.status).toBe(500);
    expect(await count(knex, 'orders', {})).toBe(ordersBefore);
    expect(await count(knex, 'process_instances', { definition_key: 'orderFulfilment' })).toBe(instancesBefore);
    expect((await t.admin.get('/api/orders')).body.total).toBe(ordersBefore);

    const placed = await t.admin.post('/api/orders').send({ customerName: 'Ada', email: 'ada@example.com', items: [{ description: 'Audit', quantity: 1 }] });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'awaiting_validation', processInstanceId: expect.any(String) });
    const order = (await t.admin.get(`/api/orders/${placed.body.orderId}`)).body;
    expect(order).toMatchObject({ processInstanceId: placed.body.processInstanceId, status: 'awaiting_validation' });
    expect((await t.admin.get(`/api/process-instances/${placed.body.processInstanceId}`)).body).toMatchObject({
      businessKey: placed.body.orderId,
      state: 'running',
    });
    // The failed attempt used a number; the next order still gets a new, higher one.
    expect(placed.body.orderNumber).toBeGreaterThan(ordersBefore);
  });

  test('cancelling an instance resolves its open incidents in the same commit: a fault there cancels nothing', async () => {
    failPrice = true;
    const started = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 1 } })).body;
    expect(started).toMatchObject({ state: 'running', incidents: 1 });
    const heal = await injectFault(knex, kind, 'incidents', 'update', `NEW.process_instance_id = '${started.id}'`);
    expect((await t.admin.delete(`/api/process-instances/${started.id}`)).status).toBe(500);
    await heal();
    expect((await t.admin.get(`/api/process-instances/${started.id}`)).body).toMatchObject({ state: 'running', incidents: 1 });

    expect((await t.admin.delete(`/api/process-instances/${started.id}`)).status).toBe(204);
    expect((await t.admin.get(`/api/process-instances/${started.id}`)).body).toMatchObject({ state: 'cancelled', incidents: 0 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${started.id}`)).body.items as Array<{ state: string; resolvedAt: string }>;
    expect(incidents).toEqual([expect.objectContaining({ state: 'resolved', resolvedAt: expect.any(String) })]);
  });
});
