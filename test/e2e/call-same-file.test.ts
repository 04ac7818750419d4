// A call activity whose called process is defined in the same file as the caller: the caller's
// engine does not also run the called process inside the caller (bpmn-elements would, on its
// `activity.call`); only the called instance of its own has the called process's tasks, and its
// end completes the call activity — also across a restart.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  definitionKey: string;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type: string }>;
  parentInstanceId: string | null;
  parentActivityId: string | null;
}

interface Task {
  id: string;
  processInstanceId: string;
  activityId: string;
}

describe.each(databaseKinds)('a call activity calling a process of its own file on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    const res = await deploy(t, fixture('call-same-file.bpmn'), 'call-same-file.bpmn');
    expect(res.status).toBe(201);
  });

  const instance = async (id: string) => {
    const res = await t.admin.get(`/api/process-instances/${id}`);
    expect(res.status).toBe(200);
    return res.body as Instance;
  };
  const children = async (parentId: string) => {
    const res = await t.admin.get(`/api/process-instances?parentInstanceId=${parentId}&limit=100`);
    expect(res.status).toBe(200);
    return res.body.items as Instance[];
  };
  const openTasks = async (instanceId: string) => {
    const res = await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    return res.body.items as Task[];
  };
  const complete = async (taskId: string, variables: Record<string, unknown> = {}) => {
    const res = await t.admin.post(`/api/tasks/${taskId}/complete`).send({ variables });
    expect(res.status).toBe(200);
  };
  const startCaller = async () => {
    const res = await t.admin.post('/api/process-definitions/sameFileCaller/start').send({ variables: { amount: 5 } });
    expect(res.status).toBe(201);
    return res.body as Instance;
  };

  /** The caller waits at its call activity only; its one child has the child's task. */
  const expectCallOnly = async (callerId: string) => {
    const caller = await instance(callerId);
    expect(caller).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'callChild', type: 'CallActivity' }] });
    expect(await openTasks(callerId)).toEqual([]);
    const kids = await children(callerId);
    expect(kids).toHaveLength(1);
    const [child] = kids;
    expect(child).toMatchObject({
      definitionKey: 'sameFileChild',
      state: 'running',
      parentInstanceId: callerId,
      parentActivityId: 'callChild',
      waitingAt: [{ activityId: 'childWork' }],
    });
    expect(child?.variables).toEqual({ amount: 5 });
    const tasks = await openTasks(child?.id ?? '');
    expect(tasks.map((x) => x.activityId)).toEqual(['childWork']);
    return { child: child as Instance, task: tasks[0] as Task };
  };

  test('the caller waits only at the call activity; the called instance has the task; its end completes the call', async () => {
    const caller = await startCaller();
    expect(caller.waitingAt).toEqual([expect.objectContaining({ activityId: 'callChild', type: 'CallActivity' })]);
    const { child, task } = await expectCallOnly(caller.id);

    await complete(task.id, { childNote: 'done' });
    expect(await instance(child.id)).toMatchObject({ state: 'completed' });
    const moved = await instance(caller.id);
    expect(moved).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'afterCall' }], variables: { amount: 5, note: 'done' } });
    const tasks = await openTasks(caller.id);
    expect(tasks.map((x) => x.activityId)).toEqual(['afterCall']);
    await complete(tasks[0]?.id ?? '');
    expect(await instance(caller.id)).toMatchObject({ state: 'completed' });
    expect(await children(caller.id)).toHaveLength(1);
  });

  test('across a restart in the middle the caller still runs no child task of its own', async () => {
    const caller = await startCaller();
    await expectCallOnly(caller.id);

    await t.restart();
    const { child, task } = await expectCallOnly(caller.id);

    await complete(task.id, { childNote: 'after the restart' });
    expect(await instance(child.id)).toMatchObject({ state: 'completed' });
    const moved = await instance(caller.id);
    expect(moved).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'afterCall' }], variables: { note: 'after the restart' } });
    const tasks = await openTasks(caller.id);
    expect(tasks.map((x) => x.activityId)).toEqual(['afterCall']);
    await complete(tasks[0]?.id ?? '');
    expect(await instance(caller.id)).toMatchObject({ state: 'completed' });
    expect(await children(caller.id)).toHaveLength(1);
  });
});
