// Parallel multi-instance user tasks over HTTP on SQLite and on Postgres: a review over the
// collection `reviewers` opens one task per reviewer (assigned by ${reviewer}, named with its
// loopCounter), each completed on its own by its reviewer; the instance goes on after the last, or
// — with the completionCondition ${nrOfCompletedInstances >= 2} — after two, the third task then
// being cancelled; the open review tasks survive a restart of the service.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';
import { restCalls, type InstanceAnswer, type TaskAnswer } from '../helpers/rest-calls';

type Task = TaskAnswer;

type Instance = InstanceAnswer;

const REVIEWERS = ['ann', 'bob', 'cleo'];

describe.each(databaseKinds)('parallel multi-instance user tasks on %s', (kind) => {
  const t = serviceForDescribe(kind);
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    for (const name of ['multi-instance-review.bpmn', 'multi-instance-quorum.bpmn']) expect((await deploy(t, fixture(name), name)).status).toBe(201);
    for (const name of REVIEWERS) tokens.set(name, await createUser(t, name, ['reviewers']));
  });

  const start = async (key: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables: { reviewers: REVIEWERS } });
    expect(res.status).toBe(201);
    return res.body as Instance;
  };
  const { instance, openTasks } = restCalls(t);
  const task = async (id: string) => (await t.admin.get(`/api/tasks/${id}`)).body as Task;
  const reviewOf = (tasks: Task[], reviewer: string) => {
    const found = tasks.find((x) => x.activityId === 'review' && x.assignee === reviewer);
    if (!found) throw new Error(`no open review task for ${reviewer} in ${JSON.stringify(tasks)}`);
    return found;
  };
  const completeAs = async (reviewer: string, taskId: string) => {
    const res = await t
      .as(tokens.get(reviewer) ?? '')
      .post(`/api/tasks/${taskId}/complete`)
      .send({ variables: {} });
    expect(res.status).toBe(200);
  };

  test('a review over three reviewers opens three tasks, each completed by its reviewer; the instance goes on after the third', async () => {
    const started = await start('draftReview');
    const tasks = await openTasks(started.id);
    expect(
      tasks.map((x) => ({ activityId: x.activityId, assignee: x.assignee, name: x.name })).sort((a, b) => String(a.assignee).localeCompare(String(b.assignee))),
    ).toEqual([
      { activityId: 'review', assignee: 'ann', name: 'Review by ann (0)' },
      { activityId: 'review', assignee: 'bob', name: 'Review by bob (1)' },
      { activityId: 'review', assignee: 'cleo', name: 'Review by cleo (2)' },
    ]);
    expect(new Set(tasks.map((x) => x.id)).size).toBe(3);
    // The instance waits at the review once per open task, each wait naming its task.
    expect((await instance(started.id)).waitingAt.map((w) => w.taskId).sort()).toEqual(tasks.map((x) => x.id).sort());

    const bobs = reviewOf(tasks, 'bob');
    await completeAs('bob', bobs.id);
    expect(await task(bobs.id)).toMatchObject({ state: 'completed', completedBy: 'bob' });
    const left = await openTasks(started.id);
    expect(left.map((x) => x.assignee).sort()).toEqual(['ann', 'cleo']);
    expect(left.map((x) => x.id)).not.toContain(bobs.id);

    await completeAs('ann', reviewOf(left, 'ann').id);
    expect((await openTasks(started.id)).map((x) => x.assignee)).toEqual(['cleo']);
    expect(await instance(started.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'review' }] });

    await completeAs('cleo', reviewOf(left, 'cleo').id);
    const after = await openTasks(started.id);
    expect(after.map((x) => x.activityId)).toEqual(['publish']);
    expect(await instance(started.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'publish' }] });
  });

  test('with the completionCondition ${nrOfCompletedInstances >= 2} the review ends after two; the third task is cancelled', async () => {
    const started = await start('draftQuorum');
    const tasks = await openTasks(started.id);
    expect(tasks.map((x) => x.assignee).sort()).toEqual(REVIEWERS);

    await completeAs('cleo', reviewOf(tasks, 'cleo').id);
    expect((await openTasks(started.id)).map((x) => x.assignee).sort()).toEqual(['ann', 'bob']);

    await completeAs('ann', reviewOf(tasks, 'ann').id);
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['publish']);
    expect(await task(reviewOf(tasks, 'bob').id)).toMatchObject({ state: 'cancelled', completedBy: null });
    expect(await instance(started.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'publish' }] });
  });

  test('a restart in the middle keeps the open review tasks, and the quorum still counts the review done before it', async () => {
    const started = await start('draftQuorum');
    const tasks = await openTasks(started.id);
    await completeAs('ann', reviewOf(tasks, 'ann').id);

    await t.restart();

    const kept = await openTasks(started.id);
    expect(kept.map((x) => ({ id: x.id, assignee: x.assignee })).sort((a, b) => String(a.assignee).localeCompare(String(b.assignee)))).toEqual([
      { id: reviewOf(tasks, 'bob').id, assignee: 'bob' },
      { id: reviewOf(tasks, 'cleo').id, assignee: 'cleo' },
    ]);
    await completeAs('bob', reviewOf(kept, 'bob').id);
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['publish']);
    expect(await task(reviewOf(kept, 'cleo').id)).toMatchObject({ state: 'cancelled' });
  });
});
