// `Idempotency-Key` on start, complete, messages and external-task completion: a client that
// retries (after a lost answer, after a restart, or at the same moment) gets the first answer
// again and nothing runs twice; the same key for another request is refused. Over HTTP, on SQLite
// and on Postgres.
import type { Knex } from 'knex';
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

async function count(knex: Knex, table: string, where: Record<string, unknown>): Promise<number> {
  const row = (await knex(table).where(where).count({ n: '*' }).first()) as { n?: unknown } | undefined;
  return Number(row?.n ?? 0);
}

describe.each(databaseKinds)('idempotency keys on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let reviewer: string;
  let worker: string;

  beforeAll(async () => {
    expect((await deploy(t, fixture('order-approval.bpmn'), 'order-approval.bpmn')).status).toBe(201);
    expect((await deploy(t, fixture('external-topic.bpmn'), 'external-topic.bpmn')).status).toBe(201);
    reviewer = await createUser(t, 'rita', ['reviewer']);
    worker = await createUser(t, 'walt', ['workers']);
  });

  const instances = () => count(t.service.store.db.knex, 'process_instances', { definition_key: 'orderApproval' });

  test('a start retried with the same key, also after a restart, answers the first start and starts one instance', async () => {
    const before = await instances();
    const first = await t.admin.post('/api/process-definitions/orderApproval/start').set('Idempotency-Key', 'start-1').send({ businessKey: 'idem-1' });
    expect(first.status).toBe(201);
    const again = await t.admin.post('/api/process-definitions/orderApproval/start').set('Idempotency-Key', 'start-1').send({ businessKey: 'idem-1' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    await t.restart();
    const afterRestart = await t.admin.post('/api/process-definitions/orderApproval/start').set('Idempotency-Key', 'start-1').send({ businessKey: 'idem-1' });
    expect(afterRestart.body).toEqual(first.body);
    expect(await instances()).toBe(before + 1);
  });

  test('two starts with one key at the same moment make one instance, and both answer it', async () => {
    const before = await instances();
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.admin.post('/api/process-definitions/orderApproval/start').set('Idempotency-Key', 'start-race').send({ businessKey: 'race' })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id as string)).size).toBe(1);
    expect(await instances()).toBe(before + 1);
  });

  test('a completion retried with the same key answers the first completion and completes once; another body with that key is refused', async () => {
    const started = (await t.admin.post('/api/process-definitions/orderApproval/start').send({ businessKey: 'idem-complete' })).body;
    const task = ((await t.as(reviewer).get(`/api/tasks?processInstanceId=${started.id}&state=open`)).body.items as Array<{ id: string }>)[0];
    const body = { variables: { approved: true, amount: 10 } };
    const first = await t.as(reviewer).post(`/api/tasks/${task?.id}/complete`).set('Idempotency-Key', 'complete-1').send(body);
    expect(first.status).toBe(200);
    const again = await t.as(reviewer).post(`/api/tasks/${task?.id}/complete`).set('Idempotency-Key', 'complete-1').send(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'review' && h.event === 'end')).toHaveLength(1);
    // Without the key a second completion is what it always was.
    expect((await t.as(reviewer).post(`/api/tasks/${task?.id}/complete`).send(body)).body.code).toBe('TASK_NOT_OPEN');
    const reused = await t
      .as(reviewer)
      .post(`/api/tasks/${task?.id}/complete`)
      .set('Idempotency-Key', 'complete-1')
      .send({ variables: { approved: false } });
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // Keys are per user: another user's same key is a key of its own.
    expect((await t.admin.post('/api/process-definitions/orderApproval/start').set('Idempotency-Key', 'complete-1').send({})).status).toBe(201);
  });

  test('a message retried with the same key moves the instance once and answers the first correlation', async () => {
    const started = (await t.admin.post('/api/process-definitions/orderApproval/start').send({ businessKey: 'idem-msg' })).body;
    const task = ((await t.as(reviewer).get(`/api/tasks?processInstanceId=${started.id}&state=open`)).body.items as Array<{ id: string }>)[0];
    await t
      .as(reviewer)
      .post(`/api/tasks/${task?.id}/complete`)
      .send({ variables: { approved: true, amount: 5 } });
    const message = { messageName: 'payment-received', businessKey: 'idem-msg' };
    const first = await t.admin.post('/api/messages').set('Idempotency-Key', 'msg-1').send(message);
    expect(first.body).toEqual({ correlated: [started.id] });
    const again = await t.admin.post('/api/messages').set('Idempotency-Key', 'msg-1').send(message);
    expect(again.body).toEqual(first.body);
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'waitPayment' && h.event === 'end')).toHaveLength(1);
  });

  test('an external-task completion retried with the same key answers the first one', async () => {
    const started = (await t.admin.post('/api/process-definitions/externalTopic/start').send({ variables: { quantity: 3 } })).body;
    const waiting = (await t.as(worker).get(`/api/external-tasks?processInstanceId=${started.id}`)).body.items as Array<{ id: string }>;
    // "test.price" has no handler here: both external tasks wait for a worker in turn.
    const id = waiting[0]?.id as string;
    const first = await t
      .as(worker)
      .post(`/api/external-tasks/${id}/complete`)
      .set('Idempotency-Key', 'ext-1')
      .send({ variables: { price: 180 } });
    expect(first.status).toBe(200);
    const again = await t
      .as(worker)
      .post(`/api/external-tasks/${id}/complete`)
      .set('Idempotency-Key', 'ext-1')
      .send({ variables: { price: 180 } });
    expect([again.status, again.body]).toEqual([200, first.body]);
  });
});
