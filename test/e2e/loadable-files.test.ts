// Files bpmn-engine's loader cannot read as they are, though what it trips over carries nothing the
// run needs: a top-level itemDefinition, globalTask / globalUserTask, a potentialOwner naming only
// a resource, a message flow into a sub-process. Each deploys (201, with a warning where something
// is not executed) and runs to its end over HTTP.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Warning {
  elementId?: string;
  message: string;
}

describe.each(databaseKinds)('files the engine cannot load as they are, on %s', (kind) => {
  const t = serviceForDescribe(kind);

  async function start(key: string): Promise<{ id: string; waitingAt: Array<{ activityId: string; taskId?: string }> }> {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables: {} });
    expect(res.status).toBe(201);
    return res.body as { id: string; waitingAt: Array<{ activityId: string; taskId?: string }> };
  }

  async function completeAt(instanceId: string, activityId: string): Promise<{ state: string }> {
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Array<{ id: string; activityId: string }>;
    const task = tasks.find((x) => x.activityId === activityId);
    expect(task).toBeDefined();
    const res = await t.admin.post(`/api/tasks/${task?.id}/complete`).send({ variables: {} });
    expect(res.status).toBe(200);
    return res.body.processInstance as { state: string };
  }

  test('a top-level itemDefinition deploys and its process runs to the end', async () => {
    const res = await deploy(t, fixture('loadable-item-definition.bpmn'), 'item-definition.bpmn');
    expect(res.status).toBe(201);
    expect(res.body.definitions.map((d: { key: string }) => d.key)).toEqual(['loadableItemDefinition']);
    const instance = await start('loadableItemDefinition');
    expect(instance.waitingAt.map((w) => w.activityId)).toEqual(['review']);
    expect(await completeAt(instance.id, 'review')).toMatchObject({ state: 'completed' });
  });

  test('a globalTask and a globalUserTask deploy with a warning that they are not executed, and the process runs to the end', async () => {
    const res = await deploy(t, fixture('loadable-global-task.bpmn'), 'global-task.bpmn');
    expect(res.status).toBe(201);
    const warnings = res.body.warnings as Warning[];
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ elementId: 'sharedCheck', message: expect.stringContaining('is ignored') }),
        expect.objectContaining({ elementId: 'sharedApproval', message: expect.stringContaining('is ignored') }),
      ]),
    );
    const instance = await start('loadableGlobalTask');
    expect(await completeAt(instance.id, 'review')).toMatchObject({ state: 'completed' });
    const xml = await t.admin.get('/api/process-definitions/loadableGlobalTask/xml');
    expect(xml.text).toContain('<bpmn:globalTask id="sharedCheck"');
  });

  test('a potentialOwner with only a resourceRef deploys with a warning that it assigns no one; the task is offered by its lane', async () => {
    const res = await deploy(t, fixture('loadable-potential-owner-resource.bpmn'), 'potential-owner.bpmn');
    expect(res.status).toBe(201);
    expect(res.body.warnings as Warning[]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          elementId: 'review',
          message: expect.stringContaining('names the resource <clerkRole> but has no resourceAssignmentExpression'),
        }),
      ]),
    );
    const instance = await start('loadablePotentialOwner');
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${instance.id}`)).body.items as Array<{ candidateGroups: string[] }>;
    expect(tasks.map((x) => x.candidateGroups)).toEqual([['clerks']]);
    expect(await completeAt(instance.id, 'review')).toMatchObject({ state: 'completed' });
  });

  test('a message flow into a sub-process delivers its message there, also after a restart, and both pools end', async () => {
    const res = await deploy(t, fixture('loadable-message-into-sub-process.bpmn'), 'message-into-sub-process.bpmn');
    expect(res.status).toBe(201);
    const instance = await start('loadableCustomer');
    expect(instance.waitingAt.map((w) => w.activityId).sort()).toEqual(['confirm', 'waitForGo']);
    // A new service on the same database compiles the file again from its stored XML.
    await t.restart();
    expect(await completeAt(instance.id, 'confirm')).toMatchObject({ state: 'completed' });
    const history = (await t.admin.get(`/api/process-instances/${instance.id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toEqual(expect.arrayContaining(['waitForGo', 'handleEnd', 'shopEnd', 'customerEnd']));
  });
});
