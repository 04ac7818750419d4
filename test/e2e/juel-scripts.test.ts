// Script tasks with Camunda's juel script format, juel camunda:script parameters and juel
// conditions, evaluated by procflow's safe evaluator over HTTP; scripts in other languages and
// juel scripts that fail give incidents.
import fs from 'node:fs';
import path from 'node:path';
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

describe.each(databaseKinds)('juel scripts on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    for (const file of ['juel-script-task.bpmn', 'script-task-refused.bpmn']) {
      const res = await deploy(t, fixture(file), file);
      expect(res.status).toBe(201);
    }
  });

  async function run(variables: Record<string, unknown>) {
    const started = await t.admin.post('/api/process-definitions/juelScripts/start').send({ variables });
    expect(started.status).toBe(201);
    return started.body as {
      id: string;
      state: string;
      variables: Record<string, unknown>;
      waitingAt: Array<{ activityId: string; taskId?: string; variables?: Record<string, unknown> }>;
    };
  }

  test('a juel script task stores its value in the result variable; execution.setVariable sets one; a juel parameter and condition route the instance', async () => {
    const started = await run({ price: 30, quantity: 4, customer: { name: 'Ada' } });
    expect(started).toMatchObject({ state: 'running', variables: { total: 120, label: 'ADA' } });
    // The juel input parameter is a local variable of the task it belongs to.
    expect(started.waitingAt).toMatchObject([{ activityId: 'check', variables: { large: true } }]);
    expect(started.variables).not.toHaveProperty('large');
    const done = await t.admin.post(`/api/tasks/${started.waitingAt[0]?.taskId}/complete`).send({ variables: {} });
    expect(done.status).toBe(200);
    expect(done.body.processInstance).toMatchObject({ state: 'completed', variables: { checkedLarge: true } });
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toContain('largeEnd');
  });

  test('the juel condition is false for a small total and the default flow is taken', async () => {
    const started = await run({ price: 5, quantity: 2, customer: { name: 'bo' } });
    expect(started.variables).toMatchObject({ total: 10, label: 'BO' });
    expect(started.waitingAt).toMatchObject([{ activityId: 'check', variables: { large: false } }]);
    const done = await t.admin.post(`/api/tasks/${started.waitingAt[0]?.taskId}/complete`).send({ variables: {} });
    expect(done.body.processInstance).toMatchObject({ state: 'completed' });
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string | null }>;
    expect(history.map((h) => h.activityId)).toContain('smallEnd');
  });

  test("Camunda's ScriptTaskTest: `#{execution.id}` in a juel script is the process instance id", async () => {
    const xml = fs.readFileSync(
      path.join(__dirname, '..', 'fixtures', 'corpus', 'scripttask', 'ScriptTaskTest.testSetScriptResultToProcessVariable.bpmn20.xml'),
      'utf8',
    );
    expect((await deploy(t, xml, 'script-result.bpmn')).status).toBe(201);
    const res = await t.admin
      .post('/api/process-definitions/setScriptResultToProcessVariable/start')
      .send({ variables: { echo: 'hello', existingProcessVariableName: 'one' } });
    expect(res.status).toBe(201);
    expect(res.body.variables).toEqual({ echo: 'hello', existingProcessVariableName: 'hello', newProcessVariableName: res.body.id });
  });

  test('a juel script task is reported as supported at deploy, a groovy one as not run', async () => {
    const res = await deploy(t, fixture('script-task-refused.bpmn').replace('Defs_scriptRefused', 'Defs_scriptRefused2'), 'again.bpmn');
    expect(res.status).toBe(201);
    const warnings = res.body.warnings as Array<{ elementId?: string; attribute?: string; message: string }>;
    expect(warnings).toEqual([
      expect.objectContaining({ elementId: 'groovy', attribute: 'bpmn:scriptFormat', message: expect.stringContaining('is ignored') }),
    ]);
  });

  test('a groovy script task is not run: the instance fails with an incident at the task', async () => {
    const res = await t.admin.post('/api/process-definitions/scriptRefused/start').send({ variables: { kind: 'groovy' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items as Array<{ activityId: string; message: string }>;
    expect(incidents).toEqual([expect.objectContaining({ activityId: 'groovy', message: expect.stringContaining('(groovy) not run') })]);
    expect(res.body.variables).not.toHaveProperty('x');
  });

  test('a juel script that cannot be evaluated fails the instance with an incident naming the task and the problem', async () => {
    const res = await t.admin.post('/api/process-definitions/scriptRefused/start').send({ variables: { kind: 'juel' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items as Array<{ activityId: string; message: string }>;
    expect(incidents).toEqual([
      expect.objectContaining({
        activityId: 'failing',
        message: expect.stringContaining('the juel script of <failing> cannot be evaluated: cannot call <toUpperCase()> on <nickname>: it is not set'),
      }),
    ]);
  });
});
