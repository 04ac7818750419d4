// /engine-rest's processes and tasks: Camunda Modeler's connection check, Deploy and "Start
// instance" as the Modeler sends them; typed variables through a start and back; Camunda's 400
// for bad types; user tasks claimed and completed; messages; and the same visibility as /api.
// Over HTTP, on SQLite and on Postgres.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, createUser, startTestService, type TestService } from '../helpers/test-service';

/** A user task for group `clerks`, then a message catch event `paid`, then the end. */
function taskProcess(id: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_${id}" targetNamespace="http://procflow.dev/test">
  <bpmn:message id="Msg_paid" name="paid" />
  <bpmn:process id="${id}" name="Review ${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review" camunda:candidateGroups="clerks" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="waitPaid" />
    <bpmn:intermediateCatchEvent id="waitPaid">
      <bpmn:messageEventDefinition messageRef="Msg_paid" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="waitPaid" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

interface Answer {
  status: number;
  contentType: string | null;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const basic = (name: string, token: string) => `Basic ${Buffer.from(`${name}:${token}`).toString('base64')}`;

describe.each(databaseKinds)('Camunda 7 REST processes and tasks under /engine-rest on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let base: string;
  let clerkToken: string;
  let otherToken: string;

  const call = async (auth: string, method: string, path: string, json?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: auth, Accept: 'application/json', ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    return { status: res.status, contentType, body: contentType === 'application/json' && text ? JSON.parse(text) : text };
  };
  const admin = (method: string, path: string, json?: unknown) => call(basic('admin', ADMIN_TOKEN), method, path, json);
  const clerk = (method: string, path: string, json?: unknown) => call(basic('carla', clerkToken), method, path, json);
  const other = (method: string, path: string, json?: unknown) => call(`Bearer ${otherToken}`, method, path, json);

  /** Deploy as Camunda Modeler sends it; answers the deployed definition's id. */
  const modelerDeploy = async (id: string): Promise<string> => {
    const form = new FormData();
    form.append('deployment-name', id);
    form.append('deployment-source', 'Camunda Modeler');
    form.append('deploy-changed-only', 'true');
    form.append(`${id}.bpmn`, new Blob([taskProcess(id)], { type: 'application/octet-stream' }), `${id}.bpmn`);
    const res = await fetch(`${base}/deployment/create`, { method: 'POST', headers: { Authorization: basic('admin', ADMIN_TOKEN) }, body: form });
    expect(res.status).toBe(200);
    const deployment = (await res.json()) as { deployedProcessDefinitions: Record<string, { id: string; key: string }> | null };
    // The same diagram again deploys nothing new: its definition is the one deployed before.
    if (deployment.deployedProcessDefinitions === null) return (await admin('GET', `/process-definition/key/${id}`)).body.id as string;
    const [definition] = Object.values(deployment.deployedProcessDefinitions);
    expect(definition?.key).toBe(id);
    return definition?.id as string;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    base = `${t.service.url}/engine-rest`;
    clerkToken = await createUser(t, 'carla', ['clerks']);
    otherToken = await createUser(t, 'otto', ['clerks']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test("Camunda Modeler's requests: version, deployment list, deploy, start instance by definition id", async () => {
    expect((await admin('GET', '/version')).body).toEqual({ version: expect.stringMatching(/^7\./) });
    expect((await admin('GET', '/deployment?maxResults=0')).status).toBe(200);
    const definitionId = await modelerDeploy('cpModeler');
    // What the Modeler's "Start instance" posts after the deploy.
    const started = await admin('POST', `/process-definition/${definitionId}/start`, { businessKey: 'bk-1', variables: {} });
    expect(started.status).toBe(200);
    expect(started.contentType).toBe('application/json');
    expect(started.body).toMatchObject({ definitionId, businessKey: 'bk-1', ended: false, suspended: false, tenantId: null });
    expect(started.body.links).toEqual([
      { method: 'GET', href: expect.stringMatching(new RegExp(`/engine-rest/process-instance/${started.body.id}$`)), rel: 'self' },
    ]);

    const defs = await admin('GET', '/process-definition?key=cpModeler&latestVersion=true');
    expect(defs.body).toEqual([expect.objectContaining({ id: definitionId, key: 'cpModeler', version: 1, name: 'Review cpModeler' })]);
    expect((await admin('GET', '/process-definition/key/cpModeler')).body).toMatchObject({ id: definitionId });
    expect((await admin('GET', `/process-definition/${definitionId}`)).body).toMatchObject({ key: 'cpModeler' });
    expect((await admin('GET', '/process-definition/key/nope')).status).toBe(404);
    expect((await admin('POST', '/process-definition/no-such-id/start', {})).body).toMatchObject({ type: 'InvalidRequestException' });
  });

  test('a start with typed variables of each type round-trips through GET /process-instance/{id}/variables', async () => {
    await modelerDeploy('cpTyped');
    const started = await clerk('POST', '/process-definition/key/cpTyped/start', {
      businessKey: 'typed-1',
      variables: {
        s: { value: 'text', type: 'String' },
        i: { value: 42, type: 'Integer' },
        l: { value: 2 ** 40, type: 'Long' },
        d: { value: 0.25, type: 'Double' },
        b: { value: true, type: 'Boolean' },
        at: { value: '2020-01-31T12:00:00.000+0100', type: 'Date' },
        j: { value: '{"a":[1,2]}', type: 'Json', valueInfo: {} },
        n: { value: null, type: 'Null' },
      },
    });
    expect(started.status).toBe(200);
    const vars = await clerk('GET', `/process-instance/${started.body.id}/variables`);
    expect(vars.status).toBe(200);
    expect(vars.body).toEqual({
      s: { value: 'text', type: 'String', valueInfo: {} },
      i: { value: 42, type: 'Integer', valueInfo: {} },
      l: { value: 2 ** 40, type: 'Long', valueInfo: {} },
      d: { value: 0.25, type: 'Double', valueInfo: {} },
      b: { value: true, type: 'Boolean', valueInfo: {} },
      at: { value: '2020-01-31T11:00:00.000Z', type: 'String', valueInfo: {} },
      j: { value: '{"a":[1,2]}', type: 'Json', valueInfo: {} },
      n: { value: null, type: 'Null', valueInfo: {} },
    });
    expect((await clerk('GET', `/process-instance/${started.body.id}`)).body).toMatchObject({ id: started.body.id, businessKey: 'typed-1', ended: false });
    expect((await clerk('GET', '/process-instance?businessKey=typed-1')).body).toEqual([expect.objectContaining({ id: started.body.id })]);
  });

  test.each([
    ['an Integer that is text', { x: { value: 'abc', type: 'Integer' } }],
    ['an Integer with a fraction', { x: { value: 1.5, type: 'Integer' } }],
    ['a Boolean that is a number', { x: { value: 3, type: 'Boolean' } }],
    ['a Date that is no date', { x: { value: 'yesterday', type: 'Date' } }],
    ['Json that is not JSON', { x: { value: '{nope', type: 'Json' } }],
    ['an unknown type', { x: { value: 'AA==', type: 'Bytes' } }],
    ['a variable that is not an object', { x: 5 }],
  ])('bad typed input (%s) is a Camunda 400 InvalidRequestException', async (_what, variables) => {
    await modelerDeploy('cpBad');
    const answer = await admin('POST', '/process-definition/key/cpBad/start', { variables });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/json');
    expect(answer.body).toMatchObject({ type: 'InvalidRequestException', message: expect.any(String) });
    expect((await admin('POST', '/message', { messageName: 'paid', processVariables: variables })).status).toBe(400);
  });

  test('tasks: list by candidate group, claim for oneself only, unclaim, complete with typed variables; a message moves the instance on; history shows the end', async () => {
    await modelerDeploy('cpTasks');
    const started = await clerk('POST', '/process-definition/key/cpTasks/start', { businessKey: 'tasks-1' });
    const list = await clerk('GET', `/task?processInstanceId=${started.body.id}&candidateGroup=clerks`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ name: 'Review', taskDefinitionKey: 'review', assignee: null, processInstanceId: started.body.id })]);
    const task = list.body[0] as { id: string };

    // Claiming for someone else is for admins only.
    const forOther = await clerk('POST', `/task/${task.id}/claim`, { userId: 'otto' });
    expect(forOther.status).toBe(403);
    expect(forOther.body).toMatchObject({ type: 'AuthorizationException' });
    expect((await clerk('POST', `/task/${task.id}/claim`, { userId: 'carla' })).status).toBe(204);
    expect((await clerk('GET', '/task?assignee=carla')).body).toEqual([expect.objectContaining({ id: task.id, assignee: 'carla' })]);
    // Otto, also a clerk, cannot take it from Carla: Camunda's TaskAlreadyClaimedException (a 500, as Camunda answers).
    const taken = await other('POST', `/task/${task.id}/claim`, { userId: 'otto' });
    expect(taken.status).toBe(500);
    expect(taken.body).toMatchObject({ type: 'TaskAlreadyClaimedException' });
    expect((await clerk('POST', `/task/${task.id}/unclaim`)).status).toBe(204);
    expect((await clerk('POST', `/task/${task.id}/claim`, { userId: 'carla' })).status).toBe(204);
    expect((await clerk('GET', `/task/${task.id}/form-variables`)).status).toBe(200);

    expect((await clerk('POST', `/task/${task.id}/complete`, { variables: { approved: { value: 'yes', type: 'Boolean' } } })).status).toBe(400);
    expect((await clerk('POST', `/task/${task.id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } } })).status).toBe(204);
    expect((await clerk('GET', `/task/${task.id}`)).status).toBe(404);

    // Nothing waits for this message in that instance yet? It does now: the catch event.
    const correlated = await clerk('POST', '/message', {
      messageName: 'paid',
      businessKey: 'tasks-1',
      processVariables: { amount: { value: 12, type: 'Long' } },
      resultEnabled: true,
    });
    expect(correlated.status).toBe(200);
    expect(correlated.body).toEqual([
      expect.objectContaining({ resultType: 'Execution', execution: expect.objectContaining({ processInstanceId: started.body.id }) }),
    ]);
    expect((await clerk('POST', '/message', { messageName: 'paid', businessKey: 'tasks-1' })).body).toMatchObject({ type: 'InvalidRequestException' });

    const history = await clerk('GET', `/history/process-instance?processInstanceId=${started.body.id}`);
    expect(history.body).toEqual([
      expect.objectContaining({
        id: started.body.id,
        processDefinitionKey: 'cpTasks',
        businessKey: 'tasks-1',
        state: 'COMPLETED',
        startTime: expect.stringMatching(/\+0000$/),
        endTime: expect.stringMatching(/\+0000$/),
      }),
    ]);
    expect((await clerk('GET', `/process-instance/${started.body.id}`)).status).toBe(404);
  });

  test("another user's instance is not visible (404), nor deletable; its starter deletes it; incidents are for admins", async () => {
    await modelerDeploy('cpPrivate');
    const started = await clerk('POST', '/process-definition/key/cpPrivate/start', {});
    const id = started.body.id as string;
    // Otto is a clerk too, but the instance's task is Carla's once she claims it.
    const [task] = (await clerk('GET', `/task?processInstanceId=${id}`)).body as Array<{ id: string }>;
    expect((await clerk('POST', `/task/${task?.id}/claim`, { userId: 'carla' })).status).toBe(204);
    for (const path of [`/process-instance/${id}`, `/process-instance/${id}/variables`, `/history/process-instance/${id}`]) {
      const seen = await other('GET', path);
      expect(seen.status).toBe(404);
      expect(seen.body).toMatchObject({ type: 'InvalidRequestException' });
    }
    expect((await other('GET', '/process-instance')).body).not.toEqual(expect.arrayContaining([expect.objectContaining({ id })]));
    expect((await other('GET', '/history/process-instance')).body).not.toEqual(expect.arrayContaining([expect.objectContaining({ id })]));
    expect((await other('DELETE', `/process-instance/${id}`)).status).toBe(404);
    expect((await other('POST', '/message', { messageName: 'paid', processInstanceId: id })).status).toBe(400);
    expect((await other('POST', '/signal', { name: 'anything' })).status).toBe(403);
    expect((await other('GET', '/incident')).status).toBe(403);
    expect((await admin('GET', '/incident')).status).toBe(200);

    expect((await clerk('DELETE', `/process-instance/${id}`)).status).toBe(204);
    expect((await clerk('GET', `/history/process-instance/${id}`)).body).toMatchObject({ state: 'EXTERNALLY_TERMINATED' });
    expect((await admin('GET', `/history/process-instance?processDefinitionKey=cpPrivate&finished=true`)).body).toEqual([expect.objectContaining({ id })]);
    expect((await admin('POST', '/signal', { name: 'anything', variables: { x: { value: 1, type: 'Integer' } } })).status).toBe(204);
  });
});
