// camunda:inputOutput input parameters are local variables of the activity, as in Camunda 7, over
// HTTP on SQLite and Postgres: the instance's variables never show them, a process variable of the
// same name keeps its value, the activity's expressions (a task's name, assignee, candidate groups
// and priority, its boundary timer and conditional event, an external task's priority) and a
// worker's fetch-and-lock see them, they survive a restart while the activity waits, and the
// outputs (evaluated with them and the completion's values) reach the process scope when it ends.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, runDueJobs, serviceForDescribe } from '../helpers/test-service';

const INPUT_NAMES = ['label', 'reviewer', 'team', 'patience'];

describe.each(databaseKinds)('input parameters as local variables on %s', (kind) => {
  const t = serviceForDescribe(kind, { runJobs: false });
  let rita: string;

  beforeAll(async () => {
    rita = await createUser(t, 'rita', ['reviewers']);
    for (const name of ['input-output-local.bpmn', 'input-output-condition.bpmn', 'input-output-external.bpmn'])
      expect((await deploy(t, fixture(name), name)).status).toBe(201);
  });

  async function reviewTask(instanceId: string): Promise<Record<string, unknown>> {
    const res = await t.as(rita).get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    return res.body.items[0] as Record<string, unknown>;
  }

  async function moveClock(ms: number): Promise<void> {
    const now = Date.parse((await t.admin.get('/api/clock')).body.now as string);
    expect((await t.admin.put('/api/clock').send({ now: new Date(now + ms).toISOString() })).status).toBe(200);
  }

  test('the inputs stay out of the instance variables, survive a restart and feed the task; the outputs reach the process', async () => {
    const started = await t.admin.post('/api/process-definitions/localInputs/start').send({ variables: { orderId: 'A-7', owner: 'rita', amount: 10 } });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const locals = { label: 'order A-7', reviewer: 'rita', team: 'reviewers', amount: 20, patience: 'PT2H' };
    expect(started.body).toMatchObject({ state: 'running', variables: { orderId: 'A-7', owner: 'rita', amount: 10 } });
    expect(started.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'review', variables: locals })]);
    for (const name of INPUT_NAMES) expect(started.body.variables).not.toHaveProperty(name);

    await t.restart({ runJobs: false });

    // After the restart: the process amount is untouched, the inputs are still the task's.
    const after = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(after.variables).toEqual({ orderId: 'A-7', owner: 'rita', amount: 10 });
    expect(after.waitingAt).toEqual([expect.objectContaining({ activityId: 'review', variables: locals })]);
    const task = await reviewTask(id);
    expect(task).toMatchObject({ name: 'Review order A-7', assignee: 'rita', candidateGroups: ['reviewers'], priority: 20 });
    const read = await t.as(rita).get(`/api/tasks/${String(task.id)}`);
    expect(read.body.variables).toEqual({ orderId: 'A-7', owner: 'rita', ...locals });

    // A completion value named like an input sets the input (Camunda's setVariable): the outputs read it.
    const done = await t
      .as(rita)
      .post(`/api/tasks/${String(task.id)}/complete`)
      .send({ variables: { bonus: 5, amount: 30 } });
    expect(done.status).toBe(200);
    const end = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(end).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'archive' }] });
    expect(end.waitingAt[0]).not.toHaveProperty('variables');
    expect(end.variables).toEqual({ orderId: 'A-7', owner: 'rita', amount: 10, bonus: 5, approvedAmount: 35, reviewedBy: 'rita' });
  });

  test('a boundary timer whose duration is an input fires when that duration has passed, across a restart; no outputs are mapped', async () => {
    const clock = async () => Date.parse((await t.admin.get('/api/clock')).body.now as string);
    const before = await clock();
    const started = await t.admin.post('/api/process-definitions/localInputs/start').send({ variables: { orderId: 'B-1', owner: 'rita', amount: 1 } });
    expect(started.status).toBe(201);
    const after = await clock();
    const id = started.body.id as string;
    const jobs = (await t.admin.get(`/api/jobs?processInstanceId=${id}&kind=timer`)).body.items as Array<{ dueAt: string }>;
    expect(jobs).toHaveLength(1);
    // Due two hours (the input `patience`) after the task began, which was between the two readings of the clock.
    const due = Date.parse(jobs[0]?.dueAt ?? '');
    expect(due).toBeGreaterThanOrEqual(before + 2 * 3600_000);
    expect(due).toBeLessThanOrEqual(after + 2 * 3600_000);

    await t.restart({ runJobs: false });
    await moveClock(3600_000);
    await runDueJobs(t);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ waitingAt: [{ activityId: 'review' }] });

    await moveClock(3600_000 + 1000);
    expect(await runDueJobs(t)).toBe(1);
    const late = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(late).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'escalated' }] });
    expect(late.variables).toEqual({ orderId: 'B-1', owner: 'rita', amount: 1 });
  });

  test('a conditional boundary event reads the input of its task: after a restart it fires once a process variable passes it', async () => {
    const started = await t.admin.post('/api/process-definitions/localCondition/start').send({ variables: { budget: 5, spent: 0 } });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(started.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'collect', variables: { limit: 50 } })]);

    await t.restart({ runJobs: false });
    expect((await t.admin.put(`/api/process-instances/${id}/variables/spent`).send({ value: 40 })).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ waitingAt: [{ activityId: 'collect' }] });
    expect((await t.admin.put(`/api/process-instances/${id}/variables/spent`).send({ value: 60 })).status).toBe(200);
    const stopped = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(stopped).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'stop' }] });
    expect(stopped.variables).toEqual({ budget: 5, spent: 60 });
  });

  test('a worker fetching an external task gets its input with the process variables; the output reads the input and the answer', async () => {
    const started = await t.admin.post('/api/process-definitions/localExternal/start').send({ variables: { limit: 21 } });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(started.body.waitingAt).toEqual([expect.objectContaining({ activityId: 'score', variables: { threshold: 42 } })]);
    expect(started.body.variables).toEqual({ limit: 21 });

    await t.restart({ runJobs: false });
    const topic = { topicName: 'io.local-score', lockDuration: 60_000 };
    const fetched = await t.admin.post('/engine-rest/external-task/fetchAndLock').send({ workerId: 'w1', maxTasks: 1, topics: [topic] });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toHaveLength(1);
    expect(fetched.body[0]).toMatchObject({ activityId: 'score', priority: 42 });
    expect(Object.keys(fetched.body[0].variables as object).sort()).toEqual(['limit', 'threshold']);
    expect(fetched.body[0].variables.threshold).toMatchObject({ value: 42 });

    const done = await t.admin
      .post(`/engine-rest/external-task/${String(fetched.body[0].id)}/complete`)
      .send({ workerId: 'w1', variables: { score: { value: 8, type: 'Integer' } } });
    expect(done.status).toBe(204);
    const after = (await t.admin.get(`/api/process-instances/${id}`)).body;
    expect(after).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'review' }] });
    expect(after.variables).toEqual({ limit: 21, score: 8, result: 50 });
  });
});
