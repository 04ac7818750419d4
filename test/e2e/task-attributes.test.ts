// What a user task carries besides its candidate groups, over HTTP on SQLite and on Postgres,
// with test/fixtures/bpmn/task-attributes.bpmn: named candidate users (camunda:candidateUsers,
// potentialOwner user(…)), humanPerformer as assignee, due and follow-up dates from the service
// clock, priorities from expressions, changing them (PATCH), the /assignee endpoint, comments,
// and the task list's queries. Who may do what is decided in src/app/access.ts.
import fs from 'node:fs';
import path from 'node:path';
import { databaseKinds } from '../helpers/databases';
import { CONFORMANCE, createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Task {
  id: string;
  processInstanceId: string;
  activityId: string;
  name: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  state: string;
  createdAt: string;
  completedBy: string | null;
  businessKey: string | null;
  dueAt: string | null;
  followUpAt: string | null;
  priority: number;
}

interface Comment {
  id: string;
  taskId: string;
  author: string;
  message: string;
  createdAt: string;
}

const DAY = 86_400_000;
/** Camunda 7's own test models (Apache 2.0; origin in ../shared/conformance/camunda-engine-tests/README.md). */
const CAMUNDA_USER_TASKS = path.join(CONFORMANCE, 'camunda-engine-tests', 'usertask');
const haveCamundaModels = fs.existsSync(CAMUNDA_USER_TASKS);
if (!haveCamundaModels) console.warn(`${CAMUNDA_USER_TASKS} is absent: the Camunda models of candidate users and due dates are skipped`);
const CLOCK_START = '2027-01-04T09:00:00.000Z';

describe.each(databaseKinds)('user task attributes on %s', (kind) => {
  const t = serviceForDescribe(kind);
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    expect((await deploy(t, fixture('task-attributes.bpmn'), 'task-attributes.bpmn')).status).toBe(201);
    for (const [name, groups] of Object.entries({
      carla: [],
      rolf: [],
      anna: ['accounting'],
      bert: ['accounting'],
      otto: ['marketing'],
      dora: [],
      adam: ['archive'],
      pete: [],
    })) {
      tokens[name] = await createUser(t, name, groups);
    }
    expect((await t.admin.put('/api/clock').send({ now: CLOCK_START })).status).toBe(200);
  });

  const as = (name: string) => t.as(tokens[name] as string);

  async function start(businessKey: string, variables: Record<string, unknown> = {}): Promise<string> {
    const res = await t.admin.post('/api/process-definitions/taskAttributes/start').send({
      businessKey,
      variables: { reviewer: 'rolf', followUp: 'PT4H', urgent: false, approver: 'pete', ...variables },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function openTask(instanceId: string, activityId: string): Promise<Task> {
    const res = await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    const task = (res.body.items as Task[]).find((x) => x.activityId === activityId);
    if (!task) throw new Error(`no open ${activityId} in ${JSON.stringify(res.body)}`);
    return task;
  }

  async function listOf(name: string, query: string): Promise<Task[]> {
    const res = await as(name).get(`/api/tasks?${query}`);
    expect(res.status).toBe(200);
    return res.body.items as Task[];
  }

  async function complete(name: string, taskId: string) {
    return as(name).post(`/api/tasks/${taskId}/complete`).send({ variables: {} });
  }

  test('a named candidate user sees, claims and completes the task; a user outside its groups and names is refused', async () => {
    const instance = await start('INV-100');
    const task = await openTask(instance, 'checkInvoice');
    expect(task).toMatchObject({ candidateGroups: ['accounting'], candidateUsers: ['carla', 'rolf'], assignee: null, businessKey: 'INV-100' });

    // Carla (no group) and Rolf (named by ${reviewer}) see it; Otto does not.
    expect((await listOf('carla', `processInstanceId=${instance}`)).map((x) => x.id)).toEqual([task.id]);
    expect((await listOf('rolf', `processInstanceId=${instance}`)).map((x) => x.id)).toEqual([task.id]);
    expect(await listOf('otto', `processInstanceId=${instance}`)).toEqual([]);
    expect((await as('otto').get(`/api/tasks/${task.id}`)).status).toBe(404);
    const ottoCompletes = await complete('otto', task.id);
    expect([ottoCompletes.status, ottoCompletes.body.code]).toEqual([403, 'NOT_A_CANDIDATE']);
    const ottoClaims = await as('otto').post(`/api/tasks/${task.id}/claim`).send({});
    expect([ottoClaims.status, ottoClaims.body.code]).toEqual([404, 'TASK_NOT_FOUND']);

    const claimed = await as('carla').post(`/api/tasks/${task.id}/claim`).send({});
    expect([claimed.status, claimed.body.assignee]).toEqual([200, 'carla']);
    // Claimed: Rolf, though named, no longer acts on it.
    expect((await complete('rolf', task.id)).status).toBe(403);
    const done = await complete('carla', task.id);
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({ state: 'completed', completedBy: 'carla' });

    // potentialOwner "user(dora), archive": Dora by name, Adam by group; Carla not.
    const file = await openTask(instance, 'fileInvoice');
    expect(file).toMatchObject({ candidateGroups: ['archive'], candidateUsers: ['dora'], assignee: null });
    expect((await listOf('dora', `processInstanceId=${instance}&state=open`)).map((x) => x.activityId)).toEqual(['fileInvoice']);
    expect((await listOf('adam', `processInstanceId=${instance}&state=open`)).map((x) => x.activityId)).toEqual(['fileInvoice']);
    expect(await listOf('carla', `processInstanceId=${instance}&state=open`)).toEqual([]);
    expect((await complete('carla', file.id)).status).toBe(403);
    expect((await complete('dora', file.id)).status).toBe(200);

    // humanPerformer user(${approver}) is the assignee.
    const approve = await openTask(instance, 'approvePayment');
    expect(approve).toMatchObject({ assignee: 'pete', candidateUsers: [], priority: 70 });
    expect((await complete('adam', approve.id)).status).toBe(403);
    expect((await complete('pete', approve.id)).status).toBe(200);
  });

  (haveCamundaModels ? test : test.skip)(
    'Camunda’s own models: potentialOwner user(…) lists and camunda:candidateUsers make candidate users, a due date comes from a variable',
    async () => {
      for (const name of ['kermit', 'gonzo', 'fozzie', 'mispiggy']) tokens[name] ??= await createUser(t, name, []);
      const camunda = (file: string) => fs.readFileSync(path.join(CAMUNDA_USER_TASKS, file), 'utf8');
      const startKey = async (key: string, variables: Record<string, unknown> = {}) => {
        const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables });
        expect(res.status).toBe(201);
        return openTask(res.body.id as string, 'theTask');
      };
      expect((await deploy(t, camunda('TaskCandidateTest.testMultipleCandidateUsers.bpmn20.xml'), 'multiple.bpmn')).status).toBe(201);
      const multiple = await startKey('multipleCandidateUsersExample');
      expect(multiple).toMatchObject({ candidateUsers: ['gonzo', 'kermit'], candidateGroups: [], assignee: null });
      for (const name of ['gonzo', 'kermit']) expect((await listOf(name, `processInstanceId=${multiple.processInstanceId}`)).length).toBe(1);

      expect((await deploy(t, camunda('TaskAssignmentExtensionsTest.testMixedCandidateUserDefinition.bpmn20.xml'), 'mixed.bpmn')).status).toBe(201);
      const mixed = await startKey('mixedCandidateUser');
      expect([...mixed.candidateUsers].sort()).toEqual(['fozzie', 'gonzo', 'kermit']);
      for (const name of ['kermit', 'fozzie', 'gonzo']) expect((await listOf(name, `processInstanceId=${mixed.processInstanceId}`)).length).toBe(1);
      expect(await listOf('mispiggy', `processInstanceId=${mixed.processInstanceId}`)).toEqual([]);

      expect((await deploy(t, camunda('TaskDueDateExtensionsTest.testDueDateExtension.bpmn20.xml'), 'due.bpmn')).status).toBe(201);
      const due = await startKey('dueDateExtension', { dateVariable: '1986-07-06T12:10:00' });
      // A time without a zone is the service's local time, as in Camunda.
      expect(due.dueAt).toBe(new Date('1986-07-06T12:10:00').toISOString());
    },
  );

  test('a due date written as a duration is the service clock’s now plus the duration, and moves with the clock; follow-up and priority come from expressions', async () => {
    const first = await openTask(await start('INV-200', { urgent: true }), 'checkInvoice');
    expect(Date.parse(first.createdAt)).toBeGreaterThanOrEqual(Date.parse(CLOCK_START));
    expect(Date.parse(first.dueAt as string)).toBe(Date.parse(first.createdAt) + 2 * DAY);
    expect(Date.parse(first.followUpAt as string)).toBe(Date.parse(first.createdAt) + 4 * 3_600_000);
    expect(first.priority).toBe(80);

    // Ten days later on the service clock, the same model gives a due date ten days later.
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    const later = new Date(Date.parse(clock.now) + 10 * DAY).toISOString();
    expect((await t.admin.put('/api/clock').send({ now: later })).status).toBe(200);
    const second = await openTask(await start('INV-201', { followUp: '2027-06-30T08:00:00Z' }), 'checkInvoice');
    expect(Date.parse(second.createdAt)).toBeGreaterThanOrEqual(Date.parse(later));
    expect(Date.parse(second.dueAt as string)).toBe(Date.parse(second.createdAt) + 2 * DAY);
    expect(Date.parse(second.dueAt as string) - Date.parse(first.dueAt as string)).toBeGreaterThanOrEqual(10 * DAY);
    expect(second.followUpAt).toBe('2027-06-30T08:00:00.000Z');
    expect(second.priority).toBe(20);

    // A literal due date, and no priority in the model: Camunda's 50.
    await complete('anna', second.id);
    const file = await openTask(second.processInstanceId, 'fileInvoice');
    expect(file).toMatchObject({ dueAt: '2027-03-01T12:00:00.000Z', followUpAt: null, priority: 50 });

    // Camunda's task resource answers with the same values.
    const camunda = await t.admin.get(`/engine-rest/task?processInstanceId=${first.processInstanceId}`);
    expect(camunda.status).toBe(200);
    expect(camunda.body[0]).toMatchObject({
      id: first.id,
      due: (first.dueAt as string).replace(/Z$/, '+0000'),
      followUp: (first.followUpAt as string).replace(/Z$/, '+0000'),
      priority: 80,
    });

    // The values are rows: a new service on the same database answers the same.
    await t.restart();
    expect((await t.admin.get(`/api/tasks/${first.id}`)).body).toMatchObject({ dueAt: first.dueAt, followUpAt: first.followUpAt, priority: 80 });
  });

  test('a candidate or the assignee changes priority and dates with PATCH; an outsider cannot, a completed task keeps its values', async () => {
    const task = await openTask(await start('INV-300'), 'checkInvoice');
    const byCandidate = await as('bert').patch(`/api/tasks/${task.id}`).send({ priority: 90, dueAt: '2027-02-01T10:00:00+01:00' });
    expect(byCandidate.status).toBe(200);
    expect(byCandidate.body).toMatchObject({ id: task.id, priority: 90, dueAt: '2027-02-01T09:00:00.000Z', followUpAt: task.followUpAt });
    expect((await t.admin.get(`/api/tasks/${task.id}`)).body).toMatchObject({ priority: 90, dueAt: '2027-02-01T09:00:00.000Z' });

    const byOutsider = await as('otto').patch(`/api/tasks/${task.id}`).send({ priority: 1 });
    expect([byOutsider.status, byOutsider.body.code]).toEqual([404, 'TASK_NOT_FOUND']);

    // Claimed by Anna: Bert (same group) no longer may; Anna and an admin may; null clears a date.
    expect((await as('anna').post(`/api/tasks/${task.id}/claim`).send({})).status).toBe(200);
    expect((await as('bert').patch(`/api/tasks/${task.id}`).send({ priority: 10 })).status).toBe(404);
    const byAssignee = await as('anna').patch(`/api/tasks/${task.id}`).send({ followUpAt: null });
    expect([byAssignee.status, byAssignee.body.followUpAt, byAssignee.body.priority]).toEqual([200, null, 90]);
    expect((await t.admin.patch(`/api/tasks/${task.id}`).send({ priority: -5 })).body.priority).toBe(-5);

    for (const body of [{}, { priority: 1.5 }, { priority: 'high' }, { dueAt: 'tomorrow' }, { dueAt: '1969-12-31T00:00:00Z' }, { colour: 'red' }]) {
      const bad = await as('anna').patch(`/api/tasks/${task.id}`).send(body);
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await t.admin.get(`/api/tasks/${task.id}`)).body.priority).toBe(-5);

    expect((await complete('anna', task.id)).status).toBe(200);
    const afterwards = await as('anna').patch(`/api/tasks/${task.id}`).send({ priority: 3 });
    expect([afterwards.status, afterwards.body.code]).toEqual([409, 'TASK_NOT_OPEN']);
  });

  test('POST /assignee sets or clears the assignee: an admin to anyone, the assignee to another candidate; /assign still works', async () => {
    const task = await openTask(await start('INV-400'), 'checkInvoice');
    const byAdmin = await t.admin.post(`/api/tasks/${task.id}/assignee`).send({ assignee: 'carla' });
    expect([byAdmin.status, byAdmin.body.assignee]).toEqual([200, 'carla']);
    // Carla hands it to Rolf (named too); Rolf may not give it to Otto (no candidate).
    expect((await as('carla').post(`/api/tasks/${task.id}/assignee`).send({ assignee: 'rolf' })).body.assignee).toBe('rolf');
    const toOtto = await as('rolf').post(`/api/tasks/${task.id}/assignee`).send({ assignee: 'otto' });
    expect([toOtto.status, toOtto.body.code]).toEqual([403, 'NOT_A_CANDIDATE']);
    const byCarla = await as('carla').post(`/api/tasks/${task.id}/assignee`).send({ assignee: 'carla' });
    expect([byCarla.status, byCarla.body.code]).toEqual([404, 'TASK_NOT_FOUND']);
    // null: back to its candidates.
    const cleared = await as('rolf').post(`/api/tasks/${task.id}/assignee`).send({ assignee: null });
    expect([cleared.status, cleared.body.assignee]).toEqual([200, null]);
    expect((await as('anna').post(`/api/tasks/${task.id}/assign`).send({ assignee: 'bert' })).body.assignee).toBe('bert');
    for (const body of [{}, { assignee: '' }, { assignee: 7 }]) {
      const bad = await t.admin.post(`/api/tasks/${task.id}/assignee`).send(body);
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const nobody = await t.admin.post(`/api/tasks/${task.id}/assignee`).send({ assignee: 'nobody-here' });
    expect([nobody.status, nobody.body.code]).toEqual([404, 'USER_NOT_FOUND']);
  });

  test('who may see a task comments on it, with author and service-clock time; the comments stay readable once it is completed', async () => {
    const task = await openTask(await start('INV-500'), 'checkInvoice');
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    const first = await as('carla').post(`/api/tasks/${task.id}/comments`).send({ message: '  The VAT number is missing.  ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ taskId: task.id, author: 'carla', message: 'The VAT number is missing.' });
    expect(Date.parse((first.body as Comment).createdAt)).toBeGreaterThanOrEqual(Date.parse(clock.now));
    expect(Date.parse((first.body as Comment).createdAt)).toBeLessThan(Date.parse(clock.now) + DAY);
    expect((await as('anna').post(`/api/tasks/${task.id}/comments`).send({ message: 'Asked the supplier.' })).status).toBe(201);
    const long = 'é'.repeat(2000);
    expect((await as('anna').post(`/api/tasks/${task.id}/comments`).send({ message: long })).status).toBe(201);

    const thread = await as('rolf').get(`/api/tasks/${task.id}/comments`);
    expect(thread.status).toBe(200);
    expect(thread.body.total).toBe(3);
    expect((thread.body.items as Comment[]).map((c) => [c.author, c.message.length])).toEqual([
      ['carla', 26],
      ['anna', 19],
      ['anna', 2000],
    ]);
    expect((await as('rolf').get(`/api/tasks/${task.id}/comments?limit=1&offset=1`)).body.items[0].message).toBe('Asked the supplier.');

    const outsider = await as('otto').post(`/api/tasks/${task.id}/comments`).send({ message: 'hello' });
    expect([outsider.status, outsider.body.code]).toEqual([404, 'TASK_NOT_FOUND']);
    expect((await as('otto').get(`/api/tasks/${task.id}/comments`)).status).toBe(404);
    for (const body of [{}, { message: '' }, { message: '   ' }, { message: 'x'.repeat(2001) }, { message: 'ok', extra: 1 }]) {
      const bad = await as('carla').post(`/api/tasks/${task.id}/comments`).send(body);
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await as('carla').get(`/api/tasks/no-such-task/comments`)).status).toBe(404);

    expect((await complete('carla', task.id)).status).toBe(200);
    const history = await as('carla').get(`/api/tasks/${task.id}/comments`);
    expect([history.status, history.body.total]).toEqual([200, 3]);
    expect((await t.admin.get(`/api/tasks/${task.id}/comments`)).body.total).toBe(3);
    const late = await as('carla').post(`/api/tasks/${task.id}/comments`).send({ message: 'One more thing' });
    expect([late.status, late.body.code]).toEqual([409, 'TASK_NOT_OPEN']);
  });

  test('the list filters by business key, name, due date, assignee and involvement, sorts by creation, due date and priority, and lists my completed tasks', async () => {
    // A fresh clock far ahead, so that these tasks are due after every earlier one.
    expect((await t.admin.put('/api/clock').send({ now: '2028-05-01T08:00:00.000Z' })).status).toBe(200);
    const ids: Record<string, string> = {};
    for (const [key, urgent] of [
      ['Q-1', false],
      ['Q-2', true],
      ['Q-3', false],
    ] as const) {
      const clock = (await t.admin.get('/api/clock')).body as { now: string };
      expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + 3_600_000).toISOString() })).status).toBe(200);
      ids[key] = (await openTask(await start(key, { urgent }), 'checkInvoice')).id;
    }
    expect((await t.admin.patch(`/api/tasks/${ids['Q-3']}`).send({ priority: 99 })).status).toBe(200);
    const keys = (tasks: Task[]) => tasks.map((x) => x.businessKey);
    const mine = 'state=open&businessKey=';

    expect(keys(await listOf('anna', `${mine}Q-2`))).toEqual(['Q-2']);
    expect(await listOf('otto', `${mine}Q-2`)).toEqual([]);
    // Name: a case-insensitive part; LIKE's wildcards are plain characters.
    const named = await listOf('anna', 'state=open&name=CHECK%20inv&sort=created&order=desc&limit=3');
    expect(keys(named)).toEqual(['Q-3', 'Q-2', 'Q-1']);
    expect(await listOf('anna', 'state=open&name=%25')).toEqual([]);
    expect(await listOf('anna', 'state=open&name=_heck')).toEqual([]);

    // Due before: are due at 10:00 and 11:00 two days on.
    const dueBefore = await listOf('anna', `state=open&dueBefore=${encodeURIComponent('2028-05-03T10:30:00Z')}&sort=due&order=desc&limit=2`);
    expect(keys(dueBefore)).toEqual(['Q-2', 'Q-1']);
    const badTime = await as('anna').get('/api/tasks?dueBefore=soon');
    expect([badTime.status, badTime.body.code]).toEqual([400, 'VALIDATION_FAILED']);

    // Priority: 99, 80, 20 for these three, the highest first.
    const byPriority = await listOf('anna', 'state=open&name=check&sort=priority&order=desc&limit=500');
    expect(byPriority.filter((x) => x.businessKey?.startsWith('Q-')).map((x) => [x.businessKey, x.priority])).toEqual([
      ['Q-3', 99],
      ['Q-2', 80],
      ['Q-1', 20],
    ]);
    const priorities = byPriority.map((x) => x.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const ascending = (await listOf('anna', 'state=open&sort=priority&order=asc&limit=500')).map((x) => x.priority);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    const byDue = await listOf('anna', `state=open&sort=due&order=asc&dueBefore=${encodeURIComponent('2028-06-01T00:00:00Z')}`);
    expect(keys(byDue).slice(-3)).toEqual(['Q-1', 'Q-2', 'Q-3']);

    // Assignee and involvement.
    expect((await as('rolf').post(`/api/tasks/${ids['Q-1']}/claim`).send({})).status).toBe(200);
    expect(keys(await listOf('anna', 'state=open&assignee=rolf&businessKey=Q-1'))).toEqual([]);
    expect(keys(await t.admin.get('/api/tasks?state=open&assignee=rolf&name=check').then((r) => r.body.items as Task[]))).toEqual(['Q-1']);
    expect(keys(await listOf('rolf', 'state=open&involvement=assigned'))).toEqual(['Q-1']);
    expect(keys(await listOf('rolf', 'state=open&assignee=me'))).toEqual(['Q-1']);
    // Naming Rolf: Q-1 (his now) too; naming Carla: Q-1 is no longer hers to see.
    expect(keys(await listOf('rolf', 'state=open&involvement=candidate&limit=500'))).toEqual(expect.arrayContaining(['Q-1', 'Q-2', 'Q-3']));
    const carlaCandidate = keys(await listOf('carla', 'state=open&involvement=candidate&limit=500'));
    expect(carlaCandidate).toEqual(expect.arrayContaining(['Q-2', 'Q-3']));
    expect(carlaCandidate).not.toContain('Q-1');
    expect(await listOf('rolf', 'state=open&involvement=groups')).toEqual([]);
    const annaGroups = keys(await listOf('anna', 'state=open&involvement=groups&limit=500'));
    expect(annaGroups).toEqual(expect.arrayContaining(['Q-2', 'Q-3']));
    expect(annaGroups).not.toContain('Q-1');
    expect(await listOf('anna', 'state=open&involvement=candidate')).toEqual([]);
    expect((await as('anna').get('/api/tasks?involvement=friends')).status).toBe(400);

    // My completed tasks, newest first; a colleague's are not among them.
    expect((await complete('rolf', ids['Q-1'] as string)).status).toBe(200);
    expect((await complete('anna', ids['Q-2'] as string)).status).toBe(200);
    const rolfDone = await listOf('rolf', 'state=completed&completedBy=me&sort=completedAt&order=desc');
    expect(rolfDone[0]).toMatchObject({ businessKey: 'Q-1', state: 'completed', completedBy: 'rolf' });
    expect(rolfDone.every((x) => x.completedBy === 'rolf')).toBe(true);
    expect(keys(rolfDone)).not.toContain('Q-2');

    // Pages are bounded.
    const page = await t.admin.get('/api/tasks?limit=1&offset=1');
    expect([page.body.items.length, page.body.total > 1]).toEqual([1, true]);
    expect((await as('anna').get('/api/tasks?limit=501')).status).toBe(400);
    expect((await as('anna').get('/api/tasks?sort=colour')).status).toBe(400);
  });
});
