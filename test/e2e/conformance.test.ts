// BPMN files nobody here wrote (../shared/conformance: the OMG MIWG suite, bpmn-engine's own
// fixtures, Camunda Modeler exports), deployed and started through the API: every answer is a
// 2xx or a clear 4xx, never a 5xx, and the service keeps answering. The Camunda examples that
// need no service run to their end.
import fs from 'node:fs';
import path from 'node:path';
import { databaseKinds } from '../helpers/databases';
import { CONFORMANCE, createUser, deploy, serviceForDescribe } from '../helpers/test-service';

const present = fs.existsSync(CONFORMANCE);
if (!present) {
  console.warn(`conformance tests skipped: ${CONFORMANCE} is absent (it lives in ../shared beside the project)`);
}
const files = present
  ? fs
      .readdirSync(CONFORMANCE)
      .flatMap((dir) =>
        fs.statSync(path.join(CONFORMANCE, dir)).isDirectory() ? fs.readdirSync(path.join(CONFORMANCE, dir)).map((f) => path.join(dir, f)) : [],
      )
      .filter((f) => f.endsWith('.bpmn'))
      .sort()
  : [];

const maybe = present ? describe.each(databaseKinds) : describe.skip.each(databaseKinds);

maybe('conformance files on %s', (kind) => {
  const t = serviceForDescribe(kind);
  const deployed = new Map<string, Array<{ key: string; startable: boolean }>>();

  test.each(files)('%s deploys with 201 or is refused with 400 BPMN_INVALID', async (file) => {
    const res = await deploy(t, fs.readFileSync(path.join(CONFORMANCE, file)), path.basename(file));
    expect([201, 200, 400]).toContain(res.status);
    if (res.status === 400) {
      expect(res.body).toMatchObject({ code: 'BPMN_INVALID', status: 400 });
      expect(res.body.errors.length).toBeGreaterThan(0);
    } else {
      deployed.set(file, (res.body.definitions as Array<{ key: string; startable: boolean }>) ?? []);
    }
    expect((await t.http.get('/health')).status).toBe(200);
  });

  test('the same file deployed again gets 200 and no new version', async () => {
    const file = files.find((f) => f.includes('c7to8-ReceiveTask')) as string;
    const again = await deploy(t, fs.readFileSync(path.join(CONFORMANCE, file)));
    expect(again.status).toBe(200);
    expect(again.body.definitions[0]).toMatchObject({ key: 'ReceiveTask', version: 1 });
  });

  test('MIWG files declaring ISO-8859-1 are decoded as Latin-1', async () => {
    const xml = await t.admin.get('/api/process-definitions/WFP-6-/xml');
    expect(xml.status).toBe(200);
    expect(xml.text).not.toContain('\uFFFD');
  });

  test('starting every startable deployed definition never gets a 5xx and never hangs the service', async () => {
    const startable = [...deployed.values()].flat().filter((d) => d.startable);
    expect(startable.length).toBeGreaterThan(10);
    for (const def of startable) {
      const res = await t.admin.post(`/api/process-definitions/${encodeURIComponent(def.key)}/start`).send({ variables: {} });
      expect({ key: def.key, status: res.status < 500 }).toEqual({ key: def.key, status: true });
      const health = await t.http.get('/health');
      expect(health.status).toBe(200);
    }
  });

  test('Camunda message start example: a message starts it, its user task completes it', async () => {
    const res = await t.admin.post('/api/messages').send({ messageName: 'instantiationMessage', variables: { source: 'test' } });
    expect(res.status).toBe(200);
    const [id] = res.body.correlated as string[];
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Array<{ id: string }>;
    expect(tasks).toHaveLength(1);
    expect((await t.admin.post(`/api/tasks/${tasks[0]?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.state).toBe('completed');
  });

  test.each([
    ['ReceiveTask', 'receive task'],
    ['ReceiveEvent', 'message intermediate catch event'],
  ])('Camunda %s example: user task, then a %s correlated by business key, then a user task, to the end', async (key) => {
    const start = await t.admin.post(`/api/process-definitions/${key}/start`).send({ businessKey: `bk-${key}` });
    expect(start.status).toBe(201);
    const id = start.body.id as string;
    const completeOnly = async (activityId: string) => {
      const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Array<{ id: string; activityId: string }>;
      expect(tasks.map((x) => x.activityId)).toEqual([activityId]);
      expect((await t.admin.post(`/api/tasks/${tasks[0]?.id}/complete`).send({})).status).toBe(200);
    };
    await completeOnly('Activity_Review_1');
    const msg = await t.admin.post('/api/messages').send({ messageName: 'msg-receive-task', businessKey: `bk-${key}` });
    expect(msg.body).toEqual({ correlated: [id] });
    await completeOnly('Activity_Final_Review');
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.state).toBe('completed');
  });

  test('Camunda initiator example: the user task is assigned to the user who started the instance', async () => {
    const token = await createUser(t, 'ines', ['staff']);
    const start = await t.as(token).post('/api/process-definitions/exampleProcess/start').send({});
    expect(start.status).toBe(201);
    expect(start.body.variables).toMatchObject({ initiator: 'ines' });
    const tasks = (await t.as(token).get(`/api/tasks?state=open&processInstanceId=${start.body.id}`)).body.items as Array<{ id: string; assignee: string }>;
    expect(tasks).toEqual([expect.objectContaining({ assignee: 'ines' })]);
    expect((await t.as(token).post(`/api/tasks/${tasks[0]?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${start.body.id}`)).body.state).toBe('completed');
  });
});
