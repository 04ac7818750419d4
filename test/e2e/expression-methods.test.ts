// Method calls in expressions (`${user.getName()}`, `${team.toLowerCase()}`, `${tags.size()}`,
// `${execution.getVariable('x')}`) over HTTP: the safe set works in a user task's attributes; one
// that cannot be evaluated when the task begins is an incident at the task, and the completion
// that led there is still answered 200 and committed. No request answers 5xx for it.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  state: string;
  incidents: number;
  waitingAt: Array<{ activityId: string; taskId?: string }>;
}

describe.each(databaseKinds)('method calls in expressions on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    const res = await deploy(t, fixture('method-call-assignee.bpmn'), 'method-calls.bpmn');
    expect(res.status).toBe(201);
  });

  async function completeFirst(variables: Record<string, unknown>) {
    const started = await t.admin.post('/api/process-definitions/methodCalls/start').send({ variables: {} });
    expect(started.status).toBe(201);
    const instance = started.body as Instance;
    const res = await t.admin.post(`/api/tasks/${instance.waitingAt[0]?.taskId}/complete`).send({ variables });
    return { instance, res };
  }

  test('the second task is assigned, offered and prioritised by method calls on the variables the first one set', async () => {
    const { instance, res } = await completeFirst({ user: { name: 'ann' }, team: '  Clerks ', tags: ['a', 'b'], deputy: 'bobby' });
    expect(res.status).toBe(200);
    expect(res.body.processInstance).toMatchObject({ state: 'running', incidents: 0 });
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${instance.id}`)).body.items as Array<Record<string, unknown>>;
    expect(tasks).toEqual([
      expect.objectContaining({ activityId: 'work', assignee: 'ann', candidateGroups: ['clerks'], candidateUsers: ['bob'], priority: 80 }),
    ]);
  });

  test('a task already open keeps its assignee when a later change makes its expression fail; the instance runs on', async () => {
    const { instance, res } = await completeFirst({ user: { name: 'ann' }, team: 'clerks', tags: [], deputy: 'bobby' });
    expect(res.body.processInstance).toMatchObject({ state: 'running' });
    const removed = await t.admin.delete(`/api/process-instances/${instance.id}/variables/user`);
    expect(removed.status).toBeLessThan(300);
    const after = (await t.admin.get(`/api/process-instances/${instance.id}`)).body as Instance;
    expect(after).toMatchObject({ state: 'running', incidents: 0 });
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${instance.id}`)).body.items as Array<{ id: string; assignee: string }>;
    expect(tasks).toEqual([expect.objectContaining({ assignee: 'ann' })]);
    const done = await t.admin.post(`/api/tasks/${tasks[0]?.id}/complete`).send({ variables: {} });
    expect(done.status).toBe(200);
    expect(done.body.processInstance).toMatchObject({ state: 'completed' });
  });

  test('an assignee calling a method on a variable that is not set is an incident at the task; the completion is answered 200 and kept', async () => {
    const { instance, res } = await completeFirst({ team: 'clerks', tags: [], deputy: 'bobby' });
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: 'completed' });
    expect(res.body.processInstance).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${instance.id}`)).body.items as Array<{ activityId: string; message: string }>;
    expect(incidents).toEqual([
      expect.objectContaining({
        activityId: 'work',
        message: 'user task <work>: the expression <${user.getName()}> cannot be evaluated: cannot call <getName()> on <user>: it is not set',
      }),
    ]);
    const first = (await t.admin.get(`/api/tasks?processInstanceId=${instance.id}`)).body.items as Array<{ activityId: string; state: string }>;
    expect(first).toEqual([expect.objectContaining({ activityId: 'enter', state: 'completed' })]);
    expect((await t.admin.get(`/api/process-instances/${instance.id}`)).status).toBe(200);
  });

  test('a method on a value of the wrong kind is an incident too (a list has no toUpperCase)', async () => {
    const { instance, res } = await completeFirst({ user: { name: 'ann' }, team: ['clerks'], tags: [], deputy: 'bobby' });
    expect(res.status).toBe(200);
    expect(res.body.processInstance).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${instance.id}`)).body.items as Array<{ activityId: string; message: string }>;
    expect(incidents[0]).toMatchObject({ activityId: 'work', message: expect.stringContaining('<toLowerCase()> is not a method') });
  });

  test('a method procflow does not have is refused at deploy with 400 naming the task and the method', async () => {
    const xml = fixture('method-call-assignee.bpmn')
      .replace('camunda:assignee="${user.getName()}"', 'camunda:assignee="${user.frobnicate()}"')
      .replace('Defs_methodCalls', 'Defs_methodCalls2');
    const res = await deploy(t, xml, 'unknown-method.bpmn');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BPMN_INVALID', detail: expect.stringContaining('user task <work>') });
    expect(res.body.detail).toContain('<frobnicate()>');
  });
});
