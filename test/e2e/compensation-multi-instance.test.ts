// Compensation of a multi-instance activity over HTTP, on SQLite and on Postgres: as in Camunda 7,
// each completed instance is compensated — the handler runs once per instance, all at once, and
// sees the loopCounter of the instance it compensates; the open handler tasks survive a restart of
// the service, and the throw goes on once every one of them has ended.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

interface Task {
  id: string;
  activityId: string;
}

describe.each(databaseKinds)('compensation of a multi-instance activity on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    expect((await deploy(t, fixture('compensation-multi-instance.bpmn'))).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const start = async (key: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({});
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const instance = async (id: string) => (await t.admin.get(`/api/process-instances/${id}`)).body as { state: string; variables: Record<string, unknown> };
  const openTasks = async (id: string) => (await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Task[];
  const complete = async (task: Task, variables: Record<string, unknown> = {}) =>
    expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({ variables })).status).toBe(200);
  const completeAll = async (id: string, activityId: string) => {
    const tasks = (await openTasks(id)).filter((x) => x.activityId === activityId);
    for (const task of tasks) await complete(task);
    return tasks.length;
  };

  test('each of the three completed instances gets its handler task, all open at once, across a restart; then the instance ends', async () => {
    const { id } = await start('miCompensation');
    expect(await completeAll(id, 'bookRoom')).toBe(3);
    const [decide] = await openTasks(id);
    expect(decide?.activityId).toBe('decide');
    await complete(decide as Task, { keep: false });
    expect((await openTasks(id)).map((x) => x.activityId)).toEqual(['cancelRoom', 'cancelRoom', 'cancelRoom']);

    await t.stop();
    t = await startTestService(db);

    const cancels = await openTasks(id);
    expect(cancels.map((x) => x.activityId)).toEqual(['cancelRoom', 'cancelRoom', 'cancelRoom']);
    await complete(cancels[0] as Task);
    await complete(cancels[1] as Task);
    expect((await instance(id)).state).toBe('running');
    await complete(cancels[2] as Task);
    expect((await instance(id)).state).toBe('completed');
  });

  test('kept, nothing is compensated', async () => {
    const { id } = await start('miCompensation');
    await completeAll(id, 'bookRoom');
    await complete((await openTasks(id))[0] as Task, { keep: true });
    expect((await instance(id)).state).toBe('completed');
  });

  test('each run of the handler sees the loopCounter of the instance it compensates', async () => {
    const { id } = await start('miCompensationScript');
    expect(await completeAll(id, 'sBookRoom')).toBe(3);
    expect((await openTasks(id)).map((x) => x.activityId)).toEqual(['sWait']);
    expect((await instance(id)).variables).toMatchObject({ cancelled0: true, cancelled1: true, cancelled2: true });
  });
});
