// Over HTTP, on SQLite and on Postgres: a BPMN error a called instance does not catch is thrown
// at its call activity in the caller, where an error event sub-process of the caller's scope, a
// boundary event of an enclosing sub-process, or the caller's own caller catches it (the call
// activity and the called instances end, camunda:out has passed the variables back); an error
// nothing catches leaves the call activity waiting while the called instance goes on. Link throw
// events of one name each continue at their link catch event. Restarts sit in the middle.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';
import { restCalls, type InstanceAnswer, type TaskAnswer } from '../helpers/rest-calls';

type Instance = InstanceAnswer;

type Task = TaskAnswer;

const FIXTURES = ['call-error-child.bpmn', 'call-error-parent.bpmn', 'call-error-nested.bpmn', 'call-error-grandparent.bpmn', 'link-two-throws.bpmn'];

describe.each(databaseKinds)('errors from called instances and link events on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    for (const name of FIXTURES) expect((await deploy(t, fixture(name), name)).status).toBe(201);
  });

  const { start, instance, openTasks, waits } = restCalls(t);
  const childOf = async (parentId: string) => {
    const res = await t.admin.get(`/api/process-instances?parentInstanceId=${parentId}&limit=10`);
    expect(res.status).toBe(200);
    const items = res.body.items as Instance[];
    expect(items).toHaveLength(1);
    return items[0] as Instance;
  };
  const task = async (instanceId: string, activityId: string) => {
    const found = (await openTasks(instanceId)).find((x) => x.activityId === activityId);
    expect(found).toBeDefined();
    return found as Task;
  };
  const complete = async (taskId: string, variables: Record<string, unknown> = {}) => {
    const res = await t.admin.post(`/api/tasks/${taskId}/complete`).send({ variables });
    expect(res.status).toBe(200);
  };

  test("the caller's error event sub-process catches the called instance's error, across a restart; the called instance ends with its other task", async () => {
    const parent = await start('callErrorParent');
    const child = await childOf(parent.id);
    expect((await openTasks(child.id)).map((x) => x.activityId)).toEqual(['check', 'prepare']);
    const prepare = await task(child.id, 'prepare');

    await t.restart();
    await complete((await task(child.id, 'check')).id, { reason: 'too expensive' });

    const caught = await instance(parent.id);
    expect(caught).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'handleRejection' }] });
    // camunda:out passed the called instance's variable back before the error was caught.
    expect(caught.variables).toMatchObject({ rejectReason: 'too expensive' });
    expect(await instance(child.id)).toMatchObject({ state: 'cancelled', waitingAt: [] });
    expect((await t.admin.get(`/api/tasks/${prepare.id}`)).body).toMatchObject({ state: 'cancelled' });

    await t.restart();
    await complete((await task(parent.id, 'handleRejection')).id);
    expect(await instance(parent.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test('a boundary error event of the sub-process around the call activity catches the called instance error', async () => {
    const parent = await start('callErrorNested');
    const child = await childOf(parent.id);
    await complete((await task(child.id, 'check')).id);
    expect(await instance(parent.id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'rework' }] });
    expect(await instance(child.id)).toMatchObject({ state: 'cancelled' });
    expect(await openTasks(child.id)).toEqual([]);
  });

  test('an error nothing catches ends only the path that threw it: the call activity waits until the called instance completes', async () => {
    const parent = await start('callErrorParent');
    const child = await childOf(parent.id);
    await complete((await task(child.id, 'check')).id, { verdict: 'other', reason: 'no stock' });
    expect(await instance(child.id)).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'prepare' }] });
    const waiting = await instance(parent.id);
    expect(waiting).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'callCheck' }] });
    // Camunda 7 passes camunda:out variables up while it looks for a handler, found or not.
    expect(waiting.variables).toMatchObject({ rejectReason: 'no stock' });

    await t.restart();
    await complete((await task(child.id, 'prepare')).id);
    expect(await instance(child.id)).toMatchObject({ state: 'completed' });
    expect(await waits(parent.id)).toEqual(['ship']);
  });

  test("an error the caller does not catch reaches the caller's caller, whose error event sub-process ends both called instances", async () => {
    const top = await start('callErrorGrandparent');
    const middle = await childOf(top.id);
    const bottom = await childOf(middle.id);
    await t.restart();
    await complete((await task(bottom.id, 'check')).id, { verdict: 'other' });
    expect(await instance(top.id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [{ activityId: 'askManager' }] });
    expect(await instance(middle.id)).toMatchObject({ state: 'cancelled' });
    expect(await instance(bottom.id)).toMatchObject({ state: 'cancelled' });
    expect(await openTasks(bottom.id)).toEqual([]);
  });

  test('each link throw continues at the link catch event: the task after it runs once per throw, across a restart', async () => {
    const links = await start('linkTwoThrows');
    // Two throws at once: the review task runs for the first, the second token waits its turn.
    expect((await openTasks(links.id)).map((x) => x.activityId)).toEqual(['prepare', 'review']);

    await complete((await task(links.id, 'prepare')).id);
    await t.restart();
    for (let round = 1; round <= 3; round++) {
      expect(await instance(links.id)).toMatchObject({ state: 'running', incidents: 0 });
      expect((await openTasks(links.id)).map((x) => x.activityId)).toEqual(['review']);
      await complete((await task(links.id, 'review')).id);
    }
    expect(await instance(links.id)).toMatchObject({ state: 'completed', incidents: 0 });
    const history = (await t.admin.get(`/api/process-instances/${links.id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(history.filter((h) => h.activityId === 'review' && h.event === 'end')).toHaveLength(3);
  });
});
