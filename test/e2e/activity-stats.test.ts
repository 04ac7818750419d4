// The definition diagram's counts and duration heatmap (GET /api/stats/activities), over HTTP on
// SQLite and on Postgres: instances of one process take different paths (approved, rejected, a
// failing service task), each step's time set on the service clock, and the answer per activity
// gives how many are there now, how many runs ended, open incidents and the durations p50/p95 —
// by version and since a time; only the cockpit's users (admin) may read it.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, startTestService, type TestService } from '../helpers/test-service';
import type { ServiceRegistry } from '../../src/engine/service-registry';

/** A review, then either the rejection end or a priced (possibly failing) shipment. */
const PATHS = (shipName: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_paths" targetNamespace="x">
  <process id="activityPaths" name="Activity paths" isExecutable="true">
    <startEvent id="start" /><sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <userTask id="review" name="Review" /><sequenceFlow id="f2" sourceRef="review" targetRef="gw" />
    <exclusiveGateway id="gw" default="f_no" />
    <sequenceFlow id="f_yes" sourceRef="gw" targetRef="price"><conditionExpression xsi:type="tFormalExpression">\${approved}</conditionExpression></sequenceFlow>
    <sequenceFlow id="f_no" sourceRef="gw" targetRef="rejected" />
    <endEvent id="rejected" name="Rejected" />
    <serviceTask id="price" name="Price" camunda:type="external" camunda:topic="test.paths.price" />
    <sequenceFlow id="f3" sourceRef="price" targetRef="ship" />
    <userTask id="ship" name="${shipName}" /><sequenceFlow id="f4" sourceRef="ship" targetRef="shipped" />
    <endEvent id="shipped" name="Shipped" />
  </process>
</definitions>`;

const MIN = 60_000;

interface ActivityStats {
  activityId: string;
  activityName: string | null;
  running: number;
  completed: number;
  incidents: number;
  duration: { count: number; p50Ms: number | null; p95Ms: number | null; maxMs: number | null };
}

describe.each(databaseKinds)('activity counts and durations of a definition on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let reviewer: string;
  let startedAt: string;

  const register = (r: ServiceRegistry) => {
    r.register('test.paths.price', (call) => (call.variables.fail ? Promise.reject(new Error('price service unreachable')) : Promise.resolve({ price: 10 })));
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
    reviewer = await createUser(t, 'rita', ['reviewer']);
    expect((await deploy(t, PATHS('Ship'))).status).toBe(201);
    // Service time stands (nearly) still between the steps this test sets, so durations are exact.
    startedAt = '2026-03-02T08:00:00.000Z';
    expect((await t.admin.put('/api/clock').send({ now: startedAt, speed: 0.000001 })).status).toBe(200);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  let now = 0;
  async function setClock(offsetMs: number): Promise<void> {
    now = offsetMs;
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(startedAt) + offsetMs).toISOString() })).status).toBe(200);
  }

  async function start(variables: Record<string, unknown> = {}): Promise<string> {
    const res = await t.admin.post('/api/process-definitions/activityPaths/start').send({ variables });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function complete(instanceId: string, activityId: string, variables: Record<string, unknown> = {}): Promise<void> {
    const task = ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Array<{ id: string; activityId: string }>).find(
      (x) => x.activityId === activityId,
    );
    if (!task) throw new Error(`no open task <${activityId}> in instance <${instanceId}>`);
    expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({ variables })).status).toBe(200);
  }

  async function stats(query: string): Promise<Map<string, ActivityStats>> {
    const res = await t.admin.get(`/api/stats/activities?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    return new Map((res.body.items as ActivityStats[]).map((a) => [a.activityId, a]));
  }

  test('after instances took different paths, each activity has its counts and its duration percentiles', async () => {
    // Reviews of 1, 2, 3 and 4 minutes; shipments of 10 and 20 minutes; one rejected, one priced
    // with a failing service (an incident), one still waiting at the review.
    const runs: Array<{ review: number; approved: boolean; fail?: boolean; ship?: number }> = [
      { review: 1, approved: true, ship: 10 },
      { review: 2, approved: true, ship: 20 },
      { review: 3, approved: false },
      { review: 4, approved: true, fail: true },
    ];
    for (const run of runs) {
      await setClock(now + 60 * MIN);
      const id = await start(run.fail ? { fail: true } : {});
      await setClock(now + run.review * MIN);
      await complete(id, 'review', { approved: run.approved });
      if (run.ship !== undefined) {
        await setClock(now + run.ship * MIN);
        await complete(id, 'ship');
      }
    }
    await setClock(now + 60 * MIN);
    await start();

    const all = await stats('definitionKey=activityPaths');
    expect(all.get('start')).toMatchObject({ completed: 5, running: 0, incidents: 0 });
    expect(all.get('review')).toMatchObject({
      activityName: 'Review',
      running: 1,
      completed: 4,
      incidents: 0,
      duration: { count: 4, p50Ms: 2 * MIN, p95Ms: 4 * MIN, maxMs: 4 * MIN },
    });
    expect(all.get('ship')).toMatchObject({ running: 0, completed: 2, duration: { count: 2, p50Ms: 10 * MIN, p95Ms: 20 * MIN, maxMs: 20 * MIN } });
    expect(all.get('price')).toMatchObject({ completed: 2, incidents: 1, duration: { count: 2, p50Ms: 0, p95Ms: 0 } });
    expect(all.get('rejected')).toMatchObject({ completed: 1, incidents: 0 });
    expect(all.get('shipped')).toMatchObject({ completed: 2 });
  });

  test('the window starts at `since` (by default 30 days before the service clock): older ends do not count, what waits now does', async () => {
    const res = await t.admin.get('/api/stats/activities?definitionKey=activityPaths');
    expect(Date.parse(res.body.since as string)).toBe(Date.parse(startedAt) + now - 30 * 86_400_000);
    expect(res.body).toMatchObject({ definitionKey: 'activityPaths', version: null, truncated: false });

    const later = await stats(`since=${encodeURIComponent(new Date(Date.parse(startedAt) + now + MIN).toISOString())}&definitionKey=activityPaths`);
    expect(later.get('review')).toMatchObject({ running: 1, completed: 0, duration: { count: 0, p50Ms: null, p95Ms: null } });
    expect(later.get('price')).toMatchObject({ incidents: 1, completed: 0 });

    // Thirty-one days on, the default window no longer holds any of these ends.
    await setClock(now + 31 * 86_400_000);
    const month = await stats('definitionKey=activityPaths');
    expect(month.get('review')).toMatchObject({ running: 1, completed: 0 });
  });

  test('`version` restricts the counts to the instances of that version', async () => {
    expect((await deploy(t, PATHS('Ship it'))).status).toBe(201);
    const id = await start();
    await setClock(now + 5 * MIN);
    await complete(id, 'review', { approved: false });

    const v2 = await stats('definitionKey=activityPaths&version=2');
    expect(v2.get('review')).toMatchObject({ running: 0, completed: 1, duration: { count: 1, p50Ms: 5 * MIN } });
    expect(v2.get('price')).toBeUndefined();
    const v1 = await stats('definitionKey=activityPaths&version=1');
    expect(v1.get('review')).toMatchObject({ running: 1, completed: 0 });
    expect(v1.get('price')).toMatchObject({ incidents: 1 });
  });

  test('bad input is a 400, an unknown definition or version a 404', async () => {
    expect((await t.admin.get('/api/stats/activities')).body.code).toBe('VALIDATION_FAILED');
    expect((await t.admin.get('/api/stats/activities?definitionKey=activityPaths&version=abc')).status).toBe(400);
    expect((await t.admin.get('/api/stats/activities?definitionKey=activityPaths&since=yesterday')).status).toBe(400);
    const unknown = await t.admin.get('/api/stats/activities?definitionKey=nope');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'DEFINITION_NOT_FOUND']);
    expect((await t.admin.get('/api/stats/activities?definitionKey=activityPaths&version=9')).status).toBe(404);
  });

  test('only the cockpit’s users (admin) may read it: another user gets 403, no token 401', async () => {
    const res = await t.as(reviewer).get('/api/stats/activities?definitionKey=activityPaths');
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await t.http.get('/api/stats/activities?definitionKey=activityPaths')).status).toBe(401);
  });
});
