// The task list people work in all day, over HTTP on SQLite and on Postgres, with the order
// process (processes/order-fulfilment.bpmn): each task carries its instance's business key (the
// order id), the list filters and sorts, and a claimed task can be given back or handed on — by
// whom is decided in src/app/access.ts (docs/security.md, Tasks).
import path from 'node:path';
import { databaseKinds } from '../helpers/databases';
import { createUser, serviceForDescribe } from '../helpers/test-service';

const PROCESSES = path.join(__dirname, '..', '..', 'processes');

interface Task {
  id: string;
  processInstanceId: string;
  definitionKey: string;
  activityId: string;
  name: string | null;
  assignee: string | null;
  state: string;
  createdAt: string;
  completedBy: string | null;
  businessKey: string | null;
  variables: Record<string, unknown>;
}

describe.each(databaseKinds)('the task list on %s', (kind) => {
  const t = serviceForDescribe(kind, { processesDir: PROCESSES, env: { PROCFLOW_DEFAULT_UNIT_PRICE: '12.5' } });
  let sophie: string;
  let sam: string;
  let alice: string;
  let olga: string;
  const orders: Array<{ id: string; instanceId: string }> = [];

  beforeAll(async () => {
    sophie = await createUser(t, 'sophie', ['supplier']);
    sam = await createUser(t, 'sam', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
    olga = await createUser(t, 'olga', ['marketing']);
    for (const [i, description] of ['Tonte de pelouse', 'Taille de haie', 'Désherbage'].entries()) {
      // One minute of service time between orders, so that their tasks' creation times differ.
      const clock = (await t.admin.get('/api/clock')).body as { now: string };
      expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + 60_000).toISOString() })).status).toBe(200);
      const res = await t
        .as(alice)
        .post('/api/orders')
        .send({ customerName: `Client ${i}`, email: `client${i}@example.com`, items: [{ description, quantity: i + 1 }] });
      expect(res.status).toBe(201);
      orders.push({ id: res.body.orderId as string, instanceId: res.body.processInstanceId as string });
    }
  });

  async function verifyTask(token: string, order: { instanceId: string }): Promise<Task> {
    const res = await t.as(token).get(`/api/tasks?state=open&processInstanceId=${order.instanceId}`);
    expect(res.status).toBe(200);
    const task = (res.body.items as Task[]).find((x) => x.activityId === 'Task_VerifyOrder');
    if (!task) throw new Error(`no open Verify order task for this user in ${JSON.stringify(res.body)}`);
    return task;
  }

  test('every task carries its instance’s business key, the order id, in the list and alone', async () => {
    const list = (await t.as(sophie).get('/api/tasks?state=open&definitionKey=orderFulfilment')).body as { items: Task[]; total: number };
    expect(list.total).toBe(3);
    expect(list.items.map((x) => x.businessKey).sort()).toEqual(orders.map((o) => o.id).sort());
    const one = list.items[0] as Task;
    const alone = (await t.as(sophie).get(`/api/tasks/${one.id}`)).body as Task;
    expect(alone.businessKey).toBe(one.businessKey);
    // The order the key names is the task's own.
    const order = (await t.as(sophie).get(`/api/orders/${alone.businessKey}`)).body as { processInstanceId: string };
    expect(order.processInstanceId).toBe(alone.processInstanceId);
    // An open task brings the instance's business data (the order's items).
    expect(alone.variables).toHaveProperty('items');
  });

  test('filtering by business key gives that order’s tasks only', async () => {
    const second = orders[1] as { id: string; instanceId: string };
    const res = await t.as(sophie).get(`/api/tasks?state=open&businessKey=${encodeURIComponent(second.id)}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect((res.body.items as Task[]).map((x) => x.processInstanceId)).toEqual([second.instanceId]);
    expect((await t.as(sophie).get('/api/tasks?businessKey=no-such-order')).body.total).toBe(0);
  });

  test('the list sorts by creation time either way, and refuses an unknown sort with VALIDATION_FAILED', async () => {
    const asc = ((await t.as(sophie).get('/api/tasks?state=open&sort=createdAt&order=asc')).body.items as Task[]).map((x) => x.businessKey);
    const desc = ((await t.as(sophie).get('/api/tasks?state=open&sort=createdAt&order=desc')).body.items as Task[]).map((x) => x.businessKey);
    expect(asc).toEqual(orders.map((o) => o.id));
    expect(desc).toEqual([...asc].reverse());
    const byKey = ((await t.as(sophie).get('/api/tasks?state=open&sort=businessKey&order=desc')).body.items as Task[]).map((x) => x.businessKey);
    expect(byKey).toEqual(
      orders
        .map((o) => o.id)
        .sort()
        .reverse(),
    );
    const bad = await t.as(sophie).get('/api/tasks?sort=colour');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await t.as(sophie).get('/api/tasks?order=sideways')).body.code).toBe('VALIDATION_FAILED');
  });

  test('the assignee unclaims its task and it is back with its group; someone else cannot, an admin can', async () => {
    const task = await verifyTask(sophie, orders[0] as { instanceId: string });
    expect((await t.as(sophie).post(`/api/tasks/${task.id}/claim`).send({})).body.assignee).toBe('sophie');
    // Sam (same group) no longer sees it: it is as if it did not exist; so for an outsider.
    const bySam = await t.as(sam).post(`/api/tasks/${task.id}/unclaim`).send({});
    expect([bySam.status, bySam.body.code]).toEqual([404, 'TASK_NOT_FOUND']);
    const byOlga = await t.as(olga).post(`/api/tasks/${task.id}/unclaim`).send({});
    expect([byOlga.status, byOlga.body.code]).toEqual([404, 'TASK_NOT_FOUND']);

    const back = await t.as(sophie).post(`/api/tasks/${task.id}/unclaim`).send({});
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: task.id, assignee: null, businessKey: task.businessKey });
    expect((await t.as(sam).get(`/api/tasks/${task.id}`)).body.assignee).toBeNull();

    // Sam claims it; an admin takes it off him.
    expect((await t.as(sam).post(`/api/tasks/${task.id}/claim`).send({})).status).toBe(200);
    const byAdmin = await t.admin.post(`/api/tasks/${task.id}/unclaim`).send({});
    expect([byAdmin.status, byAdmin.body.assignee]).toEqual([200, null]);
    // Unclaiming a task nobody holds changes nothing.
    expect((await t.as(sophie).post(`/api/tasks/${task.id}/unclaim`).send({})).body.assignee).toBeNull();
  });

  test('a candidate hands a task to another candidate, not to someone outside its groups; an admin assigns to anyone', async () => {
    const task = await verifyTask(sophie, orders[1] as { instanceId: string });
    const toSam = await t.as(sophie).post(`/api/tasks/${task.id}/assign`).send({ assignee: 'sam' });
    expect([toSam.status, toSam.body.assignee]).toEqual([200, 'sam']);
    // Now Sam's: Sophie no longer sees it, and cannot take it back.
    const takeBack = await t.as(sophie).post(`/api/tasks/${task.id}/assign`).send({ assignee: 'sophie' });
    expect([takeBack.status, takeBack.body.code]).toEqual([404, 'TASK_NOT_FOUND']);
    // Sam may not pass it to a client: not a candidate.
    const toAlice = await t.as(sam).post(`/api/tasks/${task.id}/assign`).send({ assignee: 'alice' });
    expect([toAlice.status, toAlice.body.code]).toEqual([403, 'NOT_A_CANDIDATE']);
    expect((await t.as(sam).get(`/api/tasks/${task.id}`)).body.assignee).toBe('sam');
    // Unknown user, bad body.
    const nobody = await t.as(sam).post(`/api/tasks/${task.id}/assign`).send({ assignee: 'nobody-here' });
    expect([nobody.status, nobody.body.code]).toEqual([404, 'USER_NOT_FOUND']);
    const empty = await t.as(sam).post(`/api/tasks/${task.id}/assign`).send({});
    expect([empty.status, empty.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    // An admin may give it to anyone, even outside its groups, and take it back from them.
    const byAdmin = await t.admin.post(`/api/tasks/${task.id}/assign`).send({ assignee: 'olga' });
    expect([byAdmin.status, byAdmin.body.assignee]).toEqual([200, 'olga']);
    expect((await t.as(olga).get(`/api/tasks/${task.id}`)).status).toBe(200);
    expect((await t.admin.post(`/api/tasks/${task.id}/assign`).send({ assignee: 'sophie' })).body.assignee).toBe('sophie');
  });

  test('my completed tasks: completedBy=me lists what I completed, not what a colleague did; a completed task cannot be unclaimed or assigned', async () => {
    const task = await verifyTask(sophie, orders[2] as { instanceId: string });
    const done = await t
      .as(sophie)
      .post(`/api/tasks/${task.id}/complete`)
      .send({ variables: { approved: true } });
    expect(done.status).toBe(200);

    const mine = (await t.as(sophie).get('/api/tasks?state=completed&completedBy=me&sort=completedAt&order=desc')).body as { items: Task[]; total: number };
    expect(mine.items.map((x) => x.id)).toEqual([task.id]);
    expect(mine.items[0]).toMatchObject({ state: 'completed', completedBy: 'sophie', businessKey: orders[2]?.id, variables: { approved: true } });
    expect((await t.as(sam).get('/api/tasks?state=completed&completedBy=me')).body.total).toBe(0);
    expect((await t.admin.get('/api/tasks?state=completed&completedBy=sophie')).body.total).toBe(1);

    const unclaim = await t.as(sophie).post(`/api/tasks/${task.id}/unclaim`).send({});
    expect([unclaim.status, unclaim.body.code]).toEqual([409, 'TASK_NOT_OPEN']);
    const assign = await t.admin.post(`/api/tasks/${task.id}/assign`).send({ assignee: 'sam' });
    expect([assign.status, assign.body.code]).toEqual([409, 'TASK_NOT_OPEN']);

    // The next task of that order (Check quote) is in the supplier's list with the same key.
    const next = (await t.as(sam).get(`/api/tasks?state=open&businessKey=${encodeURIComponent(orders[2]?.id ?? '')}`)).body.items as Task[];
    expect(next.map((x) => x.activityId)).toEqual(['Task_CheckQuote']);
  });
});
