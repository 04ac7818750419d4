// Nobody drives what isn't theirs (docs/security.md), over HTTP on SQLite and Postgres: every
// operation of /openapi.json refuses a missing or unknown token and gives a user in no group, or a
// client, no 2xx the model does not allow; who may start a definition (candidate starters, the
// bundled processes' own); messages reach only instances the caller may drive, signals need a
// broadcaster; a claim by a non-candidate names nobody; users keep their identity and tokens can
// be listed, issued, rotated and revoked, and the admin token from the environment replaces the
// previous one.
import path from 'node:path';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, createUser, deploy, startTestService, type TestService } from '../helpers/test-service';

const PROCESSES = path.join(__dirname, '..', '..', 'processes');

const WAIT_FOR_PAYMENT = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_pay" targetNamespace="http://procflow.dev/test">
  <bpmn:message id="Msg_paid" name="paid" />
  <bpmn:process id="waitForPayment" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="paid" />
    <bpmn:intermediateCatchEvent id="paid"><bpmn:messageEventDefinition messageRef="Msg_paid" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="paid" targetRef="thank" />
    <bpmn:userTask id="thank" name="Thank the payer" camunda:candidateGroups="clerks" />
    <bpmn:sequenceFlow id="f3" sourceRef="thank" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

const URSULA_ONLY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_starters" targetNamespace="http://procflow.dev/test">
  <bpmn:signal id="Sig_go" name="go-ahead" />
  <bpmn:process id="ursulaOnly" isExecutable="true" camunda:candidateStarterUsers="ursula" camunda:candidateStarterGroups="auditors">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="go" />
    <bpmn:intermediateCatchEvent id="go"><bpmn:signalEventDefinition signalRef="Sig_go" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="go" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** What a user with these groups may get a 2xx for when every path id is unknown. */
const ANY_USER_2XX = ['GET /api/process-definitions', 'GET /api/process-instances', 'GET /api/tasks', 'GET /api/me', 'GET /api/clock', 'GET /api/schedules'];
// A client reads the product list too: the order form's product picker prices its lines from it.
const CLIENT_2XX = [...ANY_USER_2XX, 'GET /api/orders', 'GET /api/products'];

describe.each(databaseKinds)('authorization on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let nobody: string;
  let alice: string;
  let bob: string;
  let clerk: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { processesDir: PROCESSES });
    expect((await deploy(t, WAIT_FOR_PAYMENT, 'wait-for-payment.bpmn')).status).toBe(201);
    expect((await deploy(t, URSULA_ONLY, 'ursula-only.bpmn')).status).toBe(201);
    nobody = await createUser(t, 'nina', []);
    alice = await createUser(t, 'alice', ['client']);
    bob = await createUser(t, 'bob', ['client']);
    clerk = await createUser(t, 'clara', ['clerks']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('every operation of /openapi.json: 401 without or with an unknown token; no 2xx for a user in no group or a client beyond its own lists', async () => {
    const spec = (await t.http.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const open = new Set(['GET /health', 'GET /ready']);
    const operations = Object.entries(spec.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => ({ method: m, path: p })));
    expect(operations.length).toBeGreaterThan(50);
    const call = (token: string | null, method: string, p: string) => {
      const url = p.replace(/\{[^}]+\}/g, 'no-such-id');
      const agent = token ? t.as(token) : t.http;
      const req = (agent as unknown as Record<string, (u: string) => import('supertest').Test>)[method]?.(url);
      if (!req) throw new Error(`no method ${method}`);
      return method === 'get' || method === 'delete' ? req : req.send({});
    };
    const wrong: string[] = [];
    for (const { method, path: p } of operations) {
      const op = `${method.toUpperCase()} ${p}`;
      if (open.has(op)) continue;
      for (const token of [null, 'pf_not-a-known-token']) {
        const res = await call(token, method, p);
        if (res.status !== 401) wrong.push(`${op} with ${token ? 'an unknown token' : 'no token'} → ${res.status}`);
      }
      for (const [who, token, allowed] of [
        ['a user in no group', nobody, ANY_USER_2XX],
        ['a client', alice, CLIENT_2XX],
      ] as const) {
        const res = await call(token, method, p);
        if (res.status < 300 && !allowed.includes(op)) wrong.push(`${op} as ${who} → ${res.status}`);
        if (res.status >= 500) wrong.push(`${op} as ${who} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the bundled processes start only for their declared starters; a model’s candidate starters are honoured; no starters: any user', async () => {
    for (const key of ['orderFulfilment', 'gameServerMonitor', 'catalogueSync', 'crmSync']) {
      const res = await t.as(nobody).post(`/api/process-definitions/${key}/start`).send({});
      expect([key, res.status, res.body.code]).toEqual([key, 403, 'FORBIDDEN']);
    }
    expect((await t.as(nobody).post('/api/process-definitions/ursulaOnly/start').send({})).status).toBe(403);
    const ursula = await createUser(t, 'ursula', []);
    expect((await t.as(ursula).post('/api/process-definitions/ursulaOnly/start').send({})).status).toBe(201);
    const auditor = await createUser(t, 'audrey', ['auditors']);
    expect((await t.as(auditor).post('/api/process-definitions/ursulaOnly/start').send({})).status).toBe(201);
    expect((await t.as(nobody).post('/api/process-definitions/waitForPayment/start').send({})).status).toBe(201);
  });

  test('a message reaches only instances its sender may drive; untargeted messages and signals need a broadcaster', async () => {
    const mine = (await t.as(alice).post('/api/process-definitions/waitForPayment/start').send({ businessKey: 'alice-1' })).body;
    expect(mine.waitingAt).toEqual([expect.objectContaining({ activityId: 'paid' })]);
    // Bob may not move Alice's instance, by id or by business key; it is as if nothing waited.
    for (const target of [{ processInstanceId: mine.id }, { businessKey: 'alice-1' }]) {
      const res = await t
        .as(bob)
        .post('/api/messages')
        .send({ messageName: 'paid', ...target });
      expect([res.status, res.body.code]).toEqual([404, 'MESSAGE_NOT_CORRELATED']);
    }
    // Untargeted: only a broadcaster reaches other owners' instances.
    expect((await t.as(bob).post('/api/messages').send({ messageName: 'paid' })).status).toBe(404);
    expect((await t.admin.get(`/api/process-instances/${mine.id}`)).body.waitingAt).toEqual([expect.objectContaining({ activityId: 'paid' })]);
    expect((await t.as(bob).post('/api/signals').send({ signalName: 'go-ahead' })).body.code).toBe('FORBIDDEN');
    const broadcaster = await createUser(t, 'bea', ['broadcasters']);
    expect((await t.as(broadcaster).post('/api/signals').send({ signalName: 'go-ahead' })).status).toBe(200);
    // Alice moves her own.
    expect((await t.as(alice).post('/api/messages').send({ messageName: 'paid', businessKey: 'alice-1' })).body).toEqual({ correlated: [mine.id] });
  });

  test('a claim by a non-candidate names nobody; a candidate learns who has it', async () => {
    const started = (await t.as(alice).post('/api/process-definitions/waitForPayment/start').send({ businessKey: 'alice-2' })).body;
    await t.as(alice).post('/api/messages').send({ messageName: 'paid', processInstanceId: started.id });
    const task = ((await t.as(clerk).get(`/api/tasks?processInstanceId=${started.id}&state=open`)).body.items as Array<{ id: string }>)[0];
    expect((await t.as(clerk).post(`/api/tasks/${task?.id}/claim`).send({})).status).toBe(200);
    const stranger = await t.as(bob).post(`/api/tasks/${task?.id}/claim`).send({});
    expect([404, 403]).toContain(stranger.status);
    expect(JSON.stringify(stranger.body)).not.toContain('clara');
    const colleague = await createUser(t, 'cleo', ['clerks']);
    const taken = await t.as(colleague).post(`/api/tasks/${task?.id}/claim`).send({});
    expect(taken.body).toMatchObject({ code: 'TASK_ALREADY_CLAIMED', detail: expect.stringContaining('clara') });
  });

  test('a deleted user’s name is never reused; tokens are listed, issued, rotated and revoked', async () => {
    const token = await createUser(t, 'temp-user', ['clerks']);
    const me = (await t.as(token).get('/api/me')).body as { id: string };
    expect((await t.admin.delete(`/api/users/${me.id}`)).status).toBe(204);
    const again = await t.admin.post('/api/users').send({ name: 'temp-user', groups: [] });
    expect([again.status, again.body.code]).toEqual([409, 'USER_EXISTS']);

    const own = await createUser(t, 'rotor', []);
    const rotor = (await t.as(own).get('/api/me')).body as { id: string };
    const listed = (await t.as(own).get(`/api/users/${rotor.id}/tokens`)).body;
    expect(listed.items).toEqual([expect.objectContaining({ id: expect.any(String), source: 'api' })]);
    expect(JSON.stringify(listed)).not.toContain(own);
    expect((await t.as(bob).get(`/api/users/${rotor.id}/tokens`)).status).toBe(403);
    const second = (await t.as(own).post(`/api/users/${rotor.id}/tokens`).send({})).body as { id: string; token: string };
    expect((await t.as(second.token).get('/api/me')).body.name).toBe('rotor');
    const rotated = (await t.as(second.token).post(`/api/users/${rotor.id}/tokens?rotate=true`).send({})).body as { token: string };
    expect((await t.as(own).get('/api/me')).status).toBe(401);
    expect((await t.as(second.token).get('/api/me')).status).toBe(401);
    const now = (await t.as(rotated.token).get(`/api/users/${rotor.id}/tokens`)).body.items as Array<{ id: string }>;
    expect(now).toHaveLength(1);
    expect((await t.as(rotated.token).delete(`/api/users/${rotor.id}/tokens/${now[0]?.id}`)).status).toBe(204);
    expect((await t.as(rotated.token).get('/api/me')).status).toBe(401);
  });

  test('a new PROCFLOW_ADMIN_TOKEN replaces the previous one at the next start', async () => {
    await t.stop();
    const NEW_TOKEN = 'test-admin-token-rotated-0123456789';
    t = await startTestService(db, { processesDir: PROCESSES, env: { PROCFLOW_ADMIN_TOKEN: NEW_TOKEN } });
    expect((await t.as(ADMIN_TOKEN).get('/api/me')).status).toBe(401);
    expect((await t.as(NEW_TOKEN).get('/api/me')).body.name).toBe('admin');
    await t.stop();
    t = await startTestService(db, { processesDir: PROCESSES });
  });
});
