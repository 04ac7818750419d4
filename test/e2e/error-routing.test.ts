// Over HTTP, on SQLite and on Postgres: a thrown BPMN error reaches only the boundary error events
// of the activity that throws it and of the activities around it, as in Camunda 7. A boundary
// error event of task B, waiting on another path, does not catch an error thrown by an error end
// event of sub-process A, by service task A's handler, by the instance call activity A calls, or
// on the process level: B stays open and nothing reaches "caughtByB". An error thrown inside
// sub-process B is caught by B's boundary event and by no boundary event of a sibling task.
import { BpmnError, type ServiceRegistry } from '../../src/engine/service-registry';
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  state: string;
  incidents: number;
  waitingAt: Array<{ activityId: string }>;
}

interface Task {
  id: string;
  activityId: string;
}

const FIXTURES = ['child', 'sub-process', 'service', 'call', 'top-level', 'own-scope'].map((x) => `error-routing-${x}.bpmn`);

const register = (r: ServiceRegistry) => {
  r.register('test.routed', () => Promise.reject(new BpmnError('ROUTED', 'thrown by A')));
};

describe.each(databaseKinds)('which boundary error events catch a thrown error on %s', (kind) => {
  const t = serviceForDescribe(kind, { registerServices: register });

  beforeAll(async () => {
    for (const name of FIXTURES) expect((await deploy(t, fixture(name), name)).status).toBe(201);
  });

  const start = async (key: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({});
    expect(res.status).toBe(201);
    return res.body as Instance;
  };
  const instance = async (id: string) => {
    const res = await t.admin.get(`/api/process-instances/${id}`);
    expect(res.status).toBe(200);
    return res.body as Instance;
  };
  const openTasks = async (instanceId: string) => {
    const res = await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
    expect(res.status).toBe(200);
    return res.body.items as Task[];
  };
  const openIds = async (instanceId: string) => (await openTasks(instanceId)).map((x) => x.activityId).sort();
  const complete = async (instanceId: string, activityId: string) => {
    const found = (await openTasks(instanceId)).find((x) => x.activityId === activityId);
    expect(found).toBeDefined();
    const res = await t.admin.post(`/api/tasks/${(found as Task).id}/complete`).send({ variables: {} });
    expect(res.status).toBe(200);
  };
  const started = async (instanceId: string) => {
    const res = await t.admin.get(`/api/process-instances/${instanceId}/history`);
    expect(res.status).toBe(200);
    return (res.body as Array<{ activityId: string | null; event: string }>).filter((h) => h.event === 'start').map((h) => h.activityId);
  };
  const childOf = async (parentId: string) => {
    const res = await t.admin.get(`/api/process-instances?parentInstanceId=${parentId}&limit=10`);
    expect(res.status).toBe(200);
    const items = res.body.items as Instance[];
    expect(items).toHaveLength(1);
    return items[0] as Instance;
  };
  const expectBUntouched = async (instanceId: string) => {
    const now = await instance(instanceId);
    expect(now).toMatchObject({ state: 'running', incidents: 0 });
    expect(now.waitingAt.map((w) => w.activityId)).toContain('b');
    expect(await openIds(instanceId)).toContain('b');
    const history = await started(instanceId);
    expect(history).not.toContain('caughtByB');
  };

  test("an error end event in sub-process A is not caught by B's boundary event: it ends A's path as a none end event would", async () => {
    const run = await start('errorRoutingSubProcess');
    expect(await openIds(run.id)).toEqual(['aWork', 'b']);
    // The boundary event of B is armed again from the stored state.
    await t.restart({ registerServices: register });
    await complete(run.id, 'aWork');
    await expectBUntouched(run.id);
    expect(await openIds(run.id)).toEqual(['afterA', 'b']);

    await complete(run.id, 'b');
    expect(await openIds(run.id)).toEqual(['afterA']);
    await complete(run.id, 'afterA');
    expect(await instance(run.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test("a BpmnError from service task A's handler is not caught by B's boundary event: A ends without taking its outgoing flow", async () => {
    const run = await start('errorRoutingService');
    await complete(run.id, 'aWork');
    await expectBUntouched(run.id);
    expect(await openIds(run.id)).toEqual(['b']);
    expect(await started(run.id)).not.toContain('afterA');
    await complete(run.id, 'b');
    expect(await instance(run.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test("an error the instance called by call activity A throws is not caught by B's boundary event: the called instance ends and A goes on", async () => {
    const run = await start('errorRoutingCall');
    const child = await childOf(run.id);
    await complete(child.id, 'childWork');
    await expectBUntouched(run.id);
    // Nothing catches it: the called instance ends as at a none end event, and A goes on.
    expect(await instance(child.id)).toMatchObject({ state: 'completed', incidents: 0 });
    expect(await openIds(run.id)).toEqual(['afterA', 'b']);
  });

  test("an error end event on the process level is not caught by B's boundary event", async () => {
    const run = await start('errorRoutingTopLevel');
    await complete(run.id, 'aWork');
    await expectBUntouched(run.id);
    expect(await openIds(run.id)).toEqual(['b']);
    await complete(run.id, 'b');
    expect(await instance(run.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test("an error thrown inside sub-process B is caught by B's boundary event and not by the boundary event of the sibling task C", async () => {
    const run = await start('errorRoutingOwnScope');
    expect(await openIds(run.id)).toEqual(['bWork', 'c']);
    await complete(run.id, 'bWork');
    expect(await openIds(run.id)).toEqual(['c', 'caughtByB']);
    const history = await started(run.id);
    expect(history).not.toContain('caughtByC');
    expect(history).not.toContain('afterB');
  });
});
