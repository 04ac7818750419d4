// No model and no input can wedge the service: models that would spin the node (too frequent
// timers, huge loops, oversized or deeply nested documents) are refused at deploy or fail their
// instance with an incident, bad input (deep JSON, NUL characters, dates out of range, oversized
// uploads) gets a 4xx problem+json with a stable code — and /health answers throughout, and a
// restart on the same database is ready.
import knexFactory, { type Knex } from 'knex';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const USER_TASK = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_wait" targetNamespace="x">
  <process id="waitHere" isExecutable="true">
    <startEvent id="s" /><sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <userTask id="t" name="Wait here" /><sequenceFlow id="f2" sourceRef="t" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

/** A document of `tasks` tasks in a row, each with its flow: 2 × tasks + 4 XML elements. */
function wideDocument(tasks: number): string {
  const parts = ['<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_wide" targetNamespace="x">'];
  parts.push('<process id="wide" isExecutable="true"><startEvent id="s"/>');
  let previous = 's';
  for (let i = 0; i < tasks; i++) {
    parts.push(`<task id="t${i}"/><sequenceFlow id="f${i}" sourceRef="${previous}" targetRef="t${i}"/>`);
    previous = `t${i}`;
  }
  parts.push('</process></definitions>');
  return parts.join('');
}

/** Sub-processes nested `depth` deep. */
function nestedDocument(depth: number): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(`<subProcess id="sub${i}">`);
    close.push('</subProcess>');
  }
  return `<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_deep" targetNamespace="x"><process id="deep" isExecutable="true"><startEvent id="s"/>${open.join('')}${close.join('')}</process></definitions>`;
}

/** `{"a":{"a":…}}` nested `depth` deep, as JSON text (the client's own serializer would overflow). */
function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{"leaf":true}${'}'.repeat(depth)}`;
}

/** A JSON body with `deep` spliced in as the value of `key`. */
function withDeep(body: Record<string, unknown>, key: string, deep: string): string {
  return JSON.stringify({ ...body, [key]: '@DEEP@' }).replace('"@DEEP@"', deep);
}

/** The service answers /health within a generous bound (a wedged node never answers). */
async function answersHealth(t: TestService): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 10000);
  });
  const health = t.http
    .get('/health')
    .then((res) => res.status === 200)
    .catch(() => false);
  try {
    return await Promise.race([health, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function expectProblem(res: { status: number; body: { code?: string }; headers: Record<string, string> }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
}

function openKnex(db: TestDatabase): Knex {
  if (db.name === 'sqlite') return knexFactory({ client: 'better-sqlite3', connection: { filename: db.url.replace(/^sqlite:/, '') }, useNullAsDefault: true });
  return knexFactory({ client: 'pg', connection: db.url, searchPath: [db.searchPath as string], pool: { min: 0, max: 1 } });
}

describe.each(databaseKinds)('input and model limits on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    expect((await deploy(t, USER_TASK, 'wait-here.bpmn')).status).toBe(201);
    expect((await deploy(t, fixture('loop-cardinality.bpmn'), 'loop-cardinality.bpmn')).status).toBe(201);
  });

  afterAll(async () => {
    await t.stop();
    await db.drop();
  });

  /** Stops the service and starts a new one on the same database: it must be ready. */
  async function restartIsReady(): Promise<void> {
    await t.stop();
    t = await startTestService(db);
    expect((await t.http.get('/ready')).status).toBe(200);
    expect(await answersHealth(t)).toBe(true);
  }

  describe('models that would spin the node', () => {
    test('a timer start cycle of R/PT0.0001S is refused at deploy with the start event named', async () => {
      const res = await deploy(t, fixture('timer-start-too-frequent.bpmn'));
      expectProblem(res, 400, 'TIMER_TOO_FREQUENT');
      expect(res.body.errors).toEqual([expect.objectContaining({ elementId: 'everyTenthMillisecond' })]);
      expect(await answersHealth(t)).toBe(true);
    });

    test('a boundary timer cycle of R/PT0S is refused at deploy with the boundary event named', async () => {
      const res = await deploy(t, fixture('boundary-cycle-zero.bpmn'));
      expectProblem(res, 400, 'TIMER_TOO_FREQUENT');
      expect(res.body.errors).toEqual([expect.objectContaining({ elementId: 'nag' })]);
    });

    test('a timer date in the year 0 or after 9999 is refused at deploy with the event named', async () => {
      for (const date of ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
        const xml = fixture('timer-start-too-frequent.bpmn')
          .replace('<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/PT0.0001S</bpmn:timeCycle>', `<bpmn:timeDate>${date}</bpmn:timeDate>`)
          .replace(/tooFrequentStart/g, 'farAwayStart');
        const res = await deploy(t, xml);
        expectProblem(res, 400, 'BPMN_INVALID');
        expect(res.body.errors).toEqual([expect.objectContaining({ elementId: 'everyTenthMillisecond' })]);
      }
    });

    test('a schedule repeating every 0.1 ms or with no interval is refused when created', async () => {
      for (const recurrence of ['R/PT0.0001S', 'R/PT0S', 'R5/PT0.5S']) {
        const res = await t.admin.post('/api/schedules').send({ processKey: 'waitHere', recurrence });
        expectProblem(res, 400, 'TIMER_TOO_FREQUENT');
        expect(res.body.errors[0].pointer).toBe('/recurrence');
      }
      expect((await t.admin.post('/api/schedules').send({ processKey: 'waitHere', at: '0000-01-01T00:00:00Z' })).body.code).toBe('VALIDATION_FAILED');
      expect(await answersHealth(t)).toBe(true);
    });

    test('a too frequent schedule already in the database, years overdue, is disabled when due instead of spinning; a restart is ready', async () => {
      const created = await t.admin.post('/api/schedules').send({ name: 'bad row', processKey: 'waitHere', recurrence: 'R/PT1H' });
      expect(created.status).toBe(201);
      const k = openKnex(db);
      try {
        await k('schedules').where({ id: created.body.id }).update({ recurrence: 'R/PT0.0001S', next_run_at: '2001-01-01T00:00:00.000Z' });
      } finally {
        await k.destroy();
      }
      // The job executor claims due firings on every poll; wait (boundedly) until it has.
      const disabled = async () => {
        for (let i = 0; i < 200; i++) {
          const s = (await t.admin.get('/api/schedules')).body.items.find((x: { id: string }) => x.id === created.body.id);
          if (s && !s.enabled) return s as { enabled: boolean; nextRunAt: string | null };
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return undefined;
      };
      expect(await disabled()).toMatchObject({ enabled: false, nextRunAt: null });
      expect(await answersHealth(t)).toBe(true);
      await restartIsReady();
    });

    test('a literal loopCardinality of 100,000,000 is refused at deploy with the task named', async () => {
      const res = await deploy(t, fixture('loop-cardinality-literal.bpmn'));
      expectProblem(res, 400, 'LOOP_TOO_LARGE');
      expect(res.body.errors).toEqual([expect.objectContaining({ elementId: 'repeat' })]);
    });

    test('a loop cardinality computed over the cap fails the instance with an incident; the service keeps answering', async () => {
      const res = await t.admin.post('/api/process-definitions/computedLoop/start').send({ variables: { n: 100000000 } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
      const incident = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items[0];
      expect(incident.message).toMatch(/at most 10000/);
      expect(await answersHealth(t)).toBe(true);
    });

    test('every iteration of a loop counts against the runaway budget: 5,000 iterations in one event fail the instance', async () => {
      const res = await t.admin.post('/api/process-definitions/computedLoop/start').send({ variables: { n: 5000 } });
      expect(res.body).toMatchObject({ state: 'failed', incidents: 1 });
      const incident = (await t.admin.get(`/api/incidents?processInstanceId=${res.body.id}`)).body.items[0];
      expect(incident.message).toMatch(/loops without waiting/);
      const small = await t.admin.post('/api/process-definitions/computedLoop/start').send({ variables: { n: 3 } });
      expect(small.body).toMatchObject({ state: 'completed', incidents: 0 });
      await restartIsReady();
    });

    test('10,000 nested sub-processes are refused at deploy with BPMN_TOO_LARGE naming the depth', async () => {
      const res = await deploy(t, nestedDocument(10000));
      expectProblem(res, 400, 'BPMN_TOO_LARGE');
      expect(res.body.detail).toMatch(/10002 levels deep.*at most 64/);
    });

    test('a 100,000-element document is refused before parsing and /health answers while it is deployed', async () => {
      const big = deploy(t, wideDocument(50000));
      const [res, healthy] = await Promise.all([big, answersHealth(t)]);
      expectProblem(res, 400, 'BPMN_TOO_LARGE');
      expect(res.body.detail).toMatch(/100003 XML elements; at most 5000/);
      expect(healthy).toBe(true);
    });

    test('a document at the element cap deploys', async () => {
      const res = await deploy(t, wideDocument(2498));
      expect(res.status).toBe(201);
    });
  });

  describe('requests that would crash or wedge a route', () => {
    const deep = deepJson(10000);

    test('10,000-deep JSON gets 400 INPUT_TOO_DEEP on start, complete, messages, signals and schedules', async () => {
      const started = await t.admin.post('/api/process-definitions/waitHere/start').send({});
      const task = (await t.admin.get(`/api/tasks?processInstanceId=${started.body.id}`)).body.items[0];
      const json = (req: ReturnType<TestService['http']['post']>, body: string) => req.set('Content-Type', 'application/json').send(body);
      const attempts = [
        json(t.admin.post('/api/process-definitions/waitHere/start'), withDeep({}, 'variables', deep)),
        json(t.admin.post(`/api/tasks/${task.id}/complete`), withDeep({}, 'variables', deep)),
        json(t.admin.post('/api/messages'), withDeep({ messageName: 'm' }, 'variables', deep)),
        json(t.admin.post('/api/signals'), withDeep({ signalName: 's' }, 'variables', deep)),
        json(t.admin.post('/api/schedules'), withDeep({ processKey: 'waitHere', recurrence: 'R/PT1H' }, 'variables', deep)),
        json(t.admin.post('/api/users'), withDeep({ name: 'deep' }, 'groups', deep)),
        json(t.http.post('/place_order'), withDeep({ name: 'x', email: 'x@example.com' }, 'items', deep)),
      ];
      for (const res of await Promise.all(attempts)) expectProblem(res, 400, 'INPUT_TOO_DEEP');
      // 64 levels are fine.
      const ok = await json(t.admin.post('/api/process-definitions/waitHere/start'), withDeep({}, 'variables', deepJson(60)));
      expect(ok.status).toBe(201);
      expect(await answersHealth(t)).toBe(true);
    });

    test('a NUL character in a path id, a filter, a business key, a message name or a name gets 400 INPUT_NUL_CHARACTER', async () => {
      const user = await createUser(t, 'nul-tester', ['sales']);
      const attempts = [
        t.admin.get('/api/process-definitions/wait%00Here'),
        t.admin.get('/api/process-definitions/wait%00Here/xml'),
        t.admin.post('/api/process-definitions/wait%00Here/start').send({}),
        t.admin.get('/api/process-instances/abc%00def'),
        t.admin.get('/api/process-instances/abc%00def/history'),
        t.admin.delete('/api/process-instances/abc%00def'),
        t.admin.get('/api/tasks/abc%00def'),
        t.admin.post('/api/tasks/abc%00def/complete').send({}),
        t.admin.post('/api/incidents/abc%00def/retry').send({}),
        t.admin.delete('/api/users/abc%00def'),
        t.admin.delete('/api/schedules/abc%00def'),
        t.admin.get('/api/game-servers/abc%00def'),
        t.admin.get('/api/orders/abc%00def'),
        t.admin.get('/api/process-instances?businessKey=a%00b'),
        t.admin.get('/api/process-instances?definitionKey=a%00b'),
        t.admin.get('/api/tasks?candidateGroup=a%00b'),
        t.admin.get('/api/incidents?processInstanceId=a%00b'),
        t.admin.get('/api/external-tasks?topic=a%00b'),
        t.admin.get('/api/stats/definitions?definitionKey=a%00b'),
        t.admin.get('/api/game-servers/events?serverId=a%00b'),
        t.admin.post('/api/process-definitions/waitHere/start').send({ businessKey: 'order\u0000-1' }),
        t.admin.post('/api/process-definitions/waitHere/start').send({ variables: { 'key\u0000': 1 } }),
        t.admin.post('/api/messages').send({ messageName: 'paid\u0000', businessKey: 'b' }),
        t.admin.post('/api/signals').send({ signalName: 'go\u0000' }),
        t.admin.post('/api/users').send({ name: 'eve\u0000', groups: [] }),
        t
          .as(user)
          .post('/api/orders')
          .send({ customerName: 'ACME\u0000', email: 'a@example.com', items: [{ description: 'x', quantity: 1 }] }),
        t.admin.post('/api/game-servers').send({ name: 'srv\u0000', game: 'minecraft', host: 'example.com' }),
        t.http.post('/place_order').send({ name: 'ACME\u0000', email: 'a@example.com' }),
        t.http.get('/health?x=%00'),
      ];
      const answers = await Promise.all(attempts);
      for (const res of answers) expectProblem(res, 400, 'INPUT_NUL_CHARACTER');
      expect(answers[20]?.body.errors[0].pointer).toBe('/businessKey');
      expect(await answersHealth(t)).toBe(true);
    });

    test('dates out of range in /api/stats/timeline get 400 VALIDATION_FAILED', async () => {
      for (const q of ['since=%2B275760-09-13T00:00:00.001Z', 'since=0000-01-01T00:00:00Z', 'until=%2B010000-01-01T00:00:00Z', 'since=not-a-date']) {
        const res = await t.admin.get(`/api/stats/timeline?${q}`);
        expectProblem(res, 400, 'VALIDATION_FAILED');
      }
      const clock = (await t.admin.get('/api/clock')).body as { now: string };
      const dayBefore = new Date(Date.parse(clock.now) - 86400000).toISOString();
      expect((await t.admin.get(`/api/stats/timeline?since=${dayBefore}`)).status).toBe(200);
      expect((await t.admin.put('/api/clock').send({ now: '0000-01-01T00:00:00Z' })).body.code).toBe('VALIDATION_FAILED');
    });

    test('a multipart deployment whose files together exceed the body limit gets 413', async () => {
      const file = Buffer.alloc(4 * 1024 * 1024, ' ');
      let req = t.admin.post('/api/deployments');
      for (let i = 0; i < 4; i++) req = req.attach('file', file, `f${i}.bpmn`);
      const res = await req;
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await answersHealth(t)).toBe(true);
    });

    test('a non-admin multipart deployment gets 403 before its body is read', async () => {
      const user = await createUser(t, 'not-admin', ['sales']);
      const res = await t
        .as(user)
        .post('/api/deployments')
        .attach('file', Buffer.from(fixture('runaway-loop.bpmn')), 'runaway-loop.bpmn');
      expectProblem(res, 403, 'FORBIDDEN');
    });
  });
});
