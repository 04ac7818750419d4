// The cockpit's stats over HTTP, on SQLite and on Postgres, after real runs: instances by state,
// started/completed per bucket, durations, task completion times, where instances wait now.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { rebuildStatsCounters } from '../../src/store/stats-counters';
import { runSampleWorkload, type SampleRuns } from '../helpers/sample-runs';
import { deploy, startTestService, type TestService } from '../helpers/test-service';

describe.each(databaseKinds)('cockpit stats on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let runs: SampleRuns;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    runs = await runSampleWorkload(t);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('per definition: instances by state, open incidents and duration percentiles', async () => {
    const res = await t.admin.get('/api/stats/definitions');
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries((res.body.items as Array<{ definitionKey: string }>).map((d) => [d.definitionKey, d]));
    expect(byKey.supplierQuote).toMatchObject({
      name: 'Supplier quote',
      latestVersion: 1,
      instances: { running: 3, completed: 3, failed: 0, cancelled: 0, total: 6 },
      openIncidents: 0,
      duration: { count: 3 },
    });
    const supplier = byKey.supplierQuote as unknown as { duration: { p50Ms: number; p95Ms: number }; oldestRunningStartedAt: string };
    expect(supplier.duration.p50Ms).toBeGreaterThanOrEqual(0);
    expect(supplier.duration.p95Ms).toBeGreaterThanOrEqual(supplier.duration.p50Ms);
    expect(Date.parse(supplier.oldestRunningStartedAt)).not.toBeNaN();
    expect(byKey.noTrueCondition).toMatchObject({ instances: { failed: 1 }, openIncidents: 1 });
  });

  test('the timeline counts started and completed instances per hour and per day', async () => {
    for (const bucket of ['hour', 'day']) {
      const res = await t.admin.get(`/api/stats/timeline?definitionKey=supplierQuote&bucket=${bucket}`);
      expect(res.status).toBe(200);
      const items = res.body.items as Array<{ at: string; started: number; completed: number }>;
      expect(items.length).toBe(bucket === 'hour' ? 48 : 30);
      expect(items.reduce((n, b) => n + b.started, 0)).toBe(6);
      expect(items.reduce((n, b) => n + b.completed, 0)).toBe(3);
      expect(items.at(-1)?.started).toBeGreaterThan(0);
      expect(items[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    }
    const bad = await t.admin.get('/api/stats/timeline?bucket=hour&since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  test('per user task: open now, oldest open and completion time; open tasks per group', async () => {
    const res = await t.admin.get('/api/stats/tasks?definitionKey=supplierQuote');
    expect(res.status).toBe(200);
    const byTask = Object.fromEntries((res.body.items as Array<{ activityId: string }>).map((x) => [x.activityId, x]));
    expect(byTask.verify).toMatchObject({ name: 'Verify order', open: 2, completed: 4, completion: { count: 4 } });
    expect(byTask.quote).toMatchObject({ name: 'Prepare quote', open: 1, completed: 2, completion: { count: 2 } });
    expect(res.body.groups).toEqual([expect.objectContaining({ group: 'supplier', open: 3 })]);
  });

  test('where instances wait now: count and oldest wait per activity', async () => {
    const res = await t.admin.get('/api/stats/waiting');
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ definitionKey: string; activityId: string; count: number; oldestSince: string }>;
    expect(items).toEqual([
      expect.objectContaining({
        definitionKey: 'supplierQuote',
        activityId: 'verify',
        activityName: 'Verify order',
        type: 'UserTask',
        count: runs.waitingAtVerify.length,
      }),
      expect.objectContaining({ definitionKey: 'supplierQuote', activityId: 'quote', count: runs.waitingAtQuote.length }),
    ]);
    for (const i of items) expect(Date.parse(i.oldestSince)).not.toBeNaN();
    expect((await t.admin.get('/api/stats/waiting?definitionKey=noTrueCondition')).body.items).toEqual([]);
  });

  test('the counters every event keeps equal a recount from the rows (and so do the statistics read from them)', async () => {
    const knex = t.service.store.db.knex;
    const read = async () => {
      const tables: Record<string, unknown[]> = {};
      for (const [table, order] of [
        ['stats_instance_counts', ['definition_key', 'state']],
        ['stats_instance_hours', ['definition_key', 'hour']],
        ['stats_task_counts', ['definition_key', 'activity_id']],
        ['stats_group_counts', ['group_name', 'definition_key']],
        ['stats_wait_counts', ['definition_key', 'activity_id']],
      ] as const) {
        const rows = (await knex(table).orderBy([...order])) as Array<Record<string, unknown>>;
        // Counts as numbers (bigint comes back as text on Postgres); rows that count nothing drop out.
        tables[table] = rows
          .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, ['n', 'open', 'completed', 'started'].includes(k) ? Number(v) : v])))
          .filter((r) => ['n', 'open', 'completed', 'started'].some((k) => Number(r[k] ?? 0) !== 0));
      }
      tables.stats_waits = (await knex('stats_waits')
        .select('process_instance_id', 'activity_id')
        .orderBy(['process_instance_id', 'activity_id'])) as unknown[];
      const stats = await Promise.all(
        ['/api/stats/definitions', '/api/stats/tasks', '/api/stats/waiting', '/api/stats/timeline?bucket=hour', '/api/stats/timeline?bucket=day'].map(
          async (url) => (await t.admin.get(url)).body as unknown,
        ),
      );
      return { tables, stats };
    };
    const kept = await read();
    expect(kept.tables.stats_instance_counts).toContainEqual({ definition_key: 'supplierQuote', state: 'running', n: 3 });
    await rebuildStatsCounters(knex, t.service.store.db.dialect);
    expect(await read()).toEqual(kept);
  });

  test('several waits leaving one activity at once (a multi-instance task cut short by its boundary) keep the counters equal to a recount', async () => {
    const knex = t.service.store.db.knex;
    expect((await deploy(t, MI_WITH_BOUNDARY, 'mi-boundary.bpmn')).status).toBe(201);
    const started = await t.admin.post('/api/process-definitions/miBoundary/start').send({});
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const waitsAt = async () =>
      ((await knex('stats_waits').where({ process_instance_id: id }).orderBy('activity_id')) as Array<{ activity_id: string }>).map((w) => w.activity_id);
    expect(await waitsAt()).toEqual(['review', 'review', 'review']);
    // One of the three done: one wait leaves, none enters.
    const open = (await t.admin.get(`/api/tasks?processInstanceId=${id}&state=open`)).body.items as Array<{ id: string }>;
    expect((await t.admin.post(`/api/tasks/${open[0]?.id}/complete`).send({})).status).toBe(200);
    expect(await waitsAt()).toEqual(['review', 'review']);
    // The boundary: the two left leave together and the instance waits at the next task.
    const msg = await t.admin.post('/api/messages').send({ messageName: 'stopReviews', processInstanceId: id });
    expect(msg.status).toBe(200);
    expect(await waitsAt()).toEqual(['decide']);
    const before = (await knex('stats_wait_counts').where({ definition_key: 'miBoundary' }).orderBy('activity_id')) as Array<{
      activity_id: string;
      n: unknown;
    }>;
    expect(before.map((r) => [r.activity_id, Number(r.n)])).toEqual([
      ['decide', 1],
      ['review', 0],
    ]);
    const groups = async () => Number(((await knex('stats_group_counts').where({ group_name: 'reviewers' }).first()) as { open: unknown }).open);
    expect(await groups()).toBe(1);
    const tasks = (await knex('stats_task_counts').where({ definition_key: 'miBoundary' }).orderBy('activity_id')) as Array<Record<string, unknown>>;
    await rebuildStatsCounters(knex, t.service.store.db.dialect);
    expect(await waitsAt()).toEqual(['decide']);
    expect(await groups()).toBe(1);
    expect(
      ((await knex('stats_task_counts').where({ definition_key: 'miBoundary' }).orderBy('activity_id')) as Array<Record<string, unknown>>).map((r) => [
        r.activity_id,
        Number(r.open),
        Number(r.completed),
      ]),
    ).toEqual(tasks.map((r) => [r.activity_id, Number(r.open), Number(r.completed)]));
  });

  test('a partial first and last hour of the timeline are counted from the rows, whole hours from the counters', async () => {
    const all = (await t.admin.get('/api/stats/timeline?definitionKey=supplierQuote&bucket=hour')).body as { items: Array<{ at: string; started: number }> };
    const busy = all.items.filter((b) => b.started > 0);
    const from = busy[0]?.at as string;
    // From the middle of the hour before the first start to the middle of the hour after the last one.
    const since = new Date(Date.parse(from) - 1_800_000).toISOString();
    const until = new Date(Date.parse(busy.at(-1)?.at as string) + 5_400_000).toISOString();
    const part = (await t.admin.get(`/api/stats/timeline?definitionKey=supplierQuote&bucket=hour&since=${since}&until=${until}`)).body as {
      items: Array<{ started: number; completed: number }>;
    };
    expect(part.items.reduce((n, b) => n + b.started, 0)).toBe(6);
    expect(part.items.reduce((n, b) => n + b.completed, 0)).toBe(3);
  });

  test('the stats are for admins only', async () => {
    const res = await t.as(runs.supplierToken).get('/api/stats/definitions');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  test('the web UI is served at / for browsers, and /api keeps answering problem+json', async () => {
    const page = await t.http.get('/instances/abc').set('Accept', 'text/html');
    expect([200, 503]).toContain(page.status);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toMatch(/procflow/);
    const api = await t.admin.get('/api/no-such-thing').set('Accept', 'text/html,application/json');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    const json = await t.http.get('/no-such-page').set('Accept', 'application/json');
    expect(json.status).toBe(404);
  });
});

const MI_WITH_BOUNDARY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://procflow.test">
  <bpmn:message id="stop" name="stopReviews" />
  <bpmn:process id="miBoundary" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review" camunda:candidateGroups="reviewers">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="stopped" attachedToRef="review"><bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition messageRef="stop" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />
    <bpmn:sequenceFlow id="f3" sourceRef="stopped" targetRef="decide" />
    <bpmn:userTask id="decide" name="Decide" camunda:candidateGroups="reviewers"><bpmn:incoming>f2</bpmn:incoming><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
