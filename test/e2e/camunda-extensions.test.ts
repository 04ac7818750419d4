// Camunda 7 attributes and elements run as drawn, over HTTP on SQLite and Postgres:
// camunda:inputOutput, manual tasks and tasks of no type, camunda:expression service tasks.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

describe.each(databaseKinds)('Camunda extensions on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let clerk: string;

  beforeAll(async () => {
    clerk = await createUser(t, 'clara', ['clerks']);
    for (const name of ['input-output.bpmn', 'manual-task.bpmn', 'expression-task.bpmn']) {
      const res = await deploy(t, fixture(name), name);
      expect(res.status).toBe(201);
    }
  });

  async function openTask(instanceId: string): Promise<{ id: string; activityId: string }> {
    const res = await t.as(clerk).get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0] as { id: string; activityId: string };
  }

  test('inputOutput: inputs are the task’s local variables while it waits; outputs reach the process when it ends', async () => {
    const started = await t.admin.post('/api/process-definitions/ioMapping/start').send({ variables: { amount: 20, customer: 'ACME' } });
    expect(started.status).toBe(201);
    const inputs = { greeting: 'hello', doubled: 40, items: ['first', 21], address: { city: 'Oslo', customer: 'ACME' } };
    expect(started.body).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'review', variables: inputs }], variables: { amount: 20 } });
    for (const local of Object.keys(inputs)) expect(started.body.variables).not.toHaveProperty(local);
    const task = await openTask(started.body.id as string);
    // The task sees them with the process variables.
    expect((await t.as(clerk).get(`/api/tasks/${task.id}`)).body.variables).toEqual({ amount: 20, customer: 'ACME', ...inputs });
    const done = await t
      .as(clerk)
      .post(`/api/tasks/${task.id}/complete`)
      .send({ variables: { extra: 2 } });
    expect(done.status).toBe(200);
    const after = await t.admin.get(`/api/process-instances/${started.body.id}`);
    expect(after.body).toMatchObject({ state: 'completed', variables: { amount: 20, extra: 2, reviewedTotal: 42, firstItem: 'first' } });
    for (const local of ['greeting', 'doubled', 'items', 'address']) expect(after.body.variables).not.toHaveProperty(local);
  });

  test('a manual task and a task of no type pass through; the instance waits at the user task after them', async () => {
    const started = await t.admin.post('/api/process-definitions/manualSteps/start').send({});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'confirm' }] });
    const task = await openTask(started.body.id as string);
    expect(task.activityId).toBe('confirm');
    expect((await t.as(clerk).post(`/api/tasks/${task.id}/complete`).send({ variables: {} })).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${started.body.id}`)).body).toMatchObject({ state: 'completed' });
  });

  test('a camunda:expression service task stores its value in its resultVariable and a gateway routes on it', async () => {
    const big = await t.admin.post('/api/process-definitions/expressionTask/start').send({ variables: { price: 1000 } });
    expect(big.status).toBe(201);
    expect(big.body).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'approve' }], variables: { price: 1000, gross: 1250 } });
    const task = await openTask(big.body.id as string);
    expect((await t.as(clerk).post(`/api/tasks/${task.id}/complete`).send({ variables: {} })).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${big.body.id}`)).body).toMatchObject({ state: 'completed', variables: { gross: 1250 } });

    const small = await t.admin.post('/api/process-definitions/expressionTask/start').send({ variables: { price: 100 } });
    expect(small.body).toMatchObject({ state: 'completed', variables: { price: 100, gross: 125 } });
  });
});
