// A stop loses no answer: a stop while requests are in flight answers each of them (or commits
// none of its work), job leases last real time whatever the clock's speed, an event answers from
// what its own transaction read, a database outage is 503 DATABASE_UNAVAILABLE with Retry-After
// (and /ready 503) until it is over, and every answer carries the security headers.
import crypto from 'node:crypto';
import net from 'node:net';
import knexFactory from 'knex';
import supertest from 'supertest';
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import { waitUntil } from '../helpers/wait';

const pgUrl = process.env.PROCFLOW_TEST_PG_URL;

// Two user tasks one after the other: a start waits at `first`, completing it waits at `second`.
const TWO_TASKS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_two" targetNamespace="http://procflow.dev/test">
  <bpmn:process id="twoTasks" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="first" />
    <bpmn:userTask id="first" name="First" />
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="second" />
    <bpmn:userTask id="second" name="Second" />
    <bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="e" />
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>`;

// A service task beside a user task: the service's failure is an incident that stays open while
// the user task is completed; the join waits for both.
const PRICE_AND_REVIEW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_price_review" targetNamespace="http://procflow.dev/test">
  <bpmn:process id="priceAndReview" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="price" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="review" />
    <bpmn:serviceTask id="price" name="Price" camunda:type="external" camunda:topic="test.price" />
    <bpmn:userTask id="review" name="Review" />
    <bpmn:sequenceFlow id="f4" sourceRef="price" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="e" />
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>`;

type Outcome = { status: number; body: Record<string, unknown> } | { error: string };

/** One request on its own connection; a reset or refused connection is an outcome, not a throw. */
async function attempt(req: supertest.Test): Promise<Outcome> {
  try {
    const res = await req;
    return { status: res.status, body: res.body as Record<string, unknown> };
  } catch (err) {
    return { error: (err as { code?: string; message?: string }).code ?? String((err as Error).message) };
  }
}

const answered2xx = (o: Outcome): o is { status: number; body: Record<string, unknown> } => 'status' in o && o.status >= 200 && o.status < 300;

describe.each(databaseKinds)('stops and faults on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService | undefined;
  let priceFails = false;
  const register = (r: ServiceRegistry) => {
    r.register('test.price', () => (priceFails ? Promise.reject(new Error('price service unreachable')) : Promise.resolve({ price: 60 })));
  };

  beforeEach(async () => {
    db = await createTestDatabase(kind);
  });

  afterEach(async () => {
    await t?.stop();
    t = undefined;
    await db.drop();
  });

  test('a stop while completions and starts are in flight answers each of them, or commits none of its work', async () => {
    t = await startTestService(db);
    expect((await deploy(t, TWO_TASKS)).status).toBe(201);
    const started: string[] = [];
    for (let i = 0; i < 20; i++) started.push((await t.admin.post('/api/process-definitions/twoTasks/start').send({})).body.id as string);
    const firstTasks: string[] = [];
    for (const id of started) firstTasks.push((await t.admin.get(`/api/tasks?processInstanceId=${id}&state=open`)).body.items[0].id as string);

    const url = t.service.url;
    const token = `Bearer ${ADMIN_TOKEN}`;
    const completions = firstTasks.map((id) => attempt(supertest(url).post(`/api/tasks/${id}/complete`).set('Authorization', token).send({})));
    const starts = Array.from({ length: 20 }, () =>
      attempt(supertest(url).post('/api/process-definitions/twoTasks/start').set('Authorization', token).send({})),
    );
    // Stop as soon as the first of them has answered: the others are in flight or not yet accepted.
    const answeredAt: number[] = [];
    const all = [...completions, ...starts].map((p) =>
      p.then((o) => {
        if (answered2xx(o)) answeredAt.push(Date.now());
        return o;
      }),
    );
    await Promise.race(all);
    const stoppedAt = Date.now();
    const stopping = t.stop();
    const outcomes = await Promise.all(all);
    await stopping;
    const afterStop = answeredAt.filter((at) => at > stoppedAt).length;

    // Nothing is answered with a reset or an error for work that was done: every outcome is a
    // 2xx with its work committed, or a failure with none of it committed.
    t = await startTestService(db);
    const completionOutcomes = outcomes.slice(0, 20);
    const startOutcomes = outcomes.slice(20);
    for (const [i, o] of completionOutcomes.entries()) {
      const task = (await t.admin.get(`/api/tasks/${firstTasks[i]}`)).body as { state: string };
      if (answered2xx(o)) expect(task.state).toBe('completed');
      else expect(task.state).toBe('open');
    }
    const acknowledged = startOutcomes.filter(answered2xx).map((o) => o.body.id as string);
    for (const id of acknowledged) expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ state: 'running' });
    const total = (await t.admin.get('/api/process-instances?definitionKey=twoTasks&limit=100')).body.total as number;
    expect(total).toBe(started.length + acknowledged.length);
    // Requests in flight when the stop began were answered, not cut off.
    expect(afterStop).toBeGreaterThan(0);
    for (const o of outcomes) if ('status' in o) expect(o.status).toBeLessThan(500);
    console.info(
      `${kind}: of 40 requests, ${outcomes.filter(answered2xx).length} answered 2xx (${afterStop} after the stop began), ${outcomes.filter((o) => 'error' in o).length} refused`,
    );
  }, 60_000);

  test('a lease taken while the clock ran 600 times faster lasts PROCFLOW_JOB_LEASE_MS of real time: a timer left leased by a stopped node fires after it', async () => {
    const leaseMs = 1500;
    t = await startTestService(db, { env: { PROCFLOW_JOB_LEASE_MS: String(leaseMs), PROCFLOW_JOB_POLL_MS: '50' } });
    expect((await deploy(t, fixture('timer-wait.bpmn'))).status).toBe(201);
    // This node's executor is off while a "crashed" node takes the timer's job and never runs it.
    await t.service.jobs.stop();
    // Started at normal speed (at 600× the PT2S timer lasts 3 ms and could fire within the start
    // itself on a busy machine), then sped up before the "crashed" node leases it.
    const start = await t.admin.post('/api/process-definitions/timerTwoSeconds/start').send({});
    expect(start.status).toBe(201);
    expect(start.body.state).toBe('running');
    expect((await t.admin.put('/api/clock').send({ speed: 600 })).body.speed).toBe(600);
    let leased = 0;
    let before = 0;
    let after = 0;
    await waitUntil(async () => {
      before = Date.now();
      leased = (await t!.service.application.jobs.acquire('crashed-node', leaseMs, 25)).length;
      after = Date.now();
      return leased > 0;
    }, 'the PT2S timer to be due at 600 times the speed');
    const [row] = (await t.service.store.db.knex('jobs').where({ process_instance_id: start.body.id })) as Array<{
      lock_owner: string;
      lock_expires_at: unknown;
    }>;
    expect(row?.lock_owner).toBe('crashed-node');
    // The lease ends leaseMs of real time after it was taken (not leaseMs × 600 of service time).
    const expires = new Date(row?.lock_expires_at as string | Date).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + leaseMs);
    expect(expires).toBeLessThanOrEqual(after + leaseMs);

    // The node comes back at normal speed; its own executor takes the job once the lease is over.
    expect((await t.admin.put('/api/clock').send({ speed: 1 })).body.speed).toBe(1);
    t.service.jobs.start();
    await waitUntil(
      async () => (await t!.admin.get(`/api/process-instances/${start.body.id}`)).body.state === 'completed',
      'the timer to fire once the crashed node’s lease has expired',
      leaseMs + 10_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(expires);
    const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'wait2s' && h.event === 'end')).toHaveLength(1);
  }, 30_000);

  test('start, complete and retry answer the open incidents their own transaction counted, with and without incidents', async () => {
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
    expect((await deploy(t, PRICE_AND_REVIEW)).status).toBe(201);
    expect((await deploy(t, TWO_TASKS)).status).toBe(201);

    // Without incidents.
    const plain = await t.admin.post('/api/process-definitions/twoTasks/start').send({});
    expect(plain.body).toMatchObject({ state: 'running', incidents: 0 });
    const plainTask = (await t.admin.get(`/api/tasks?processInstanceId=${plain.body.id}&state=open`)).body.items[0];
    expect((await t.admin.post(`/api/tasks/${plainTask.id}/complete`).send({})).body.processInstance).toMatchObject({ state: 'running', incidents: 0 });

    // The price fails at the start: one incident, inserted by the start itself.
    priceFails = true;
    const started = await t.admin.post('/api/process-definitions/priceAndReview/start').send({});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'running', incidents: 1 });
    // Completing the review leaves the incident open: the count is read, not inserted, by this event.
    const review = (await t.admin.get(`/api/tasks?processInstanceId=${started.body.id}&state=open`)).body.items[0];
    const completed = await t.admin.post(`/api/tasks/${review.id}/complete`).send({});
    expect(completed.status).toBe(200);
    expect(completed.body.processInstance).toMatchObject({ state: 'running', incidents: 1 });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${started.body.id}&state=open`)).body.items[0];
    // A retry that fails again resolves the incident and opens a new one.
    const failedAgain = await t.admin.post(`/api/incidents/${incident.id}/retry`).send({});
    expect(failedAgain.status).toBe(200);
    expect(failedAgain.body.processInstance).toMatchObject({ state: 'running', incidents: 1 });
    const second = (await t.admin.get(`/api/incidents?processInstanceId=${started.body.id}&state=open`)).body.items[0];
    priceFails = false;
    const fixed = await t.admin.post(`/api/incidents/${second.id}/retry`).send({});
    expect(fixed.body.processInstance).toMatchObject({ state: 'completed', incidents: 0, variables: { price: 60 } });
    // What a later read counts agrees with what the events answered.
    expect((await t.admin.get(`/api/process-instances/${started.body.id}`)).body.incidents).toBe(0);
  });

  test('no query runs between the commit of a start or a completion and its answer', async () => {
    t = await startTestService(db);
    expect((await deploy(t, TWO_TASKS)).status).toBe(201);
    await t.service.jobs.stop();
    const queries: string[] = [];
    const onQuery = (q: { sql: string }) => queries.push(q.sql);
    const knex = t.service.store.db.knex;
    knex.on('query', onQuery);
    try {
      const started = await t.admin.post('/api/process-definitions/twoTasks/start').send({});
      expect(started.status).toBe(201);
      const afterStart = queries.splice(0);
      expect(afterStart.some((q) => /^commit/i.test(q))).toBe(true);
      expect(afterStart[afterStart.length - 1]).toMatch(/^commit/i);
      const task = (await t.admin.get(`/api/tasks?processInstanceId=${started.body.id}&state=open`)).body.items[0];
      queries.splice(0);
      const done = await t.admin.post(`/api/tasks/${task.id}/complete`).send({});
      expect(done.status).toBe(200);
      expect(queries[queries.length - 1]).toMatch(/^commit/i);
    } finally {
      knex.removeListener('query', onQuery);
    }
  });

  test('every answer carries the security headers: an API answer, the API page and the web UI page', async () => {
    t = await startTestService(db);
    const api = await t.admin.get('/api/process-definitions');
    const page = await t.http.get('/tasks').set('Accept', 'text/html');
    const docs = await t.http.get('/docs');
    for (const res of [api, page, docs]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    }
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'; style-src 'self';/);
    // The API page's one inline script and stylesheet are allowed by their hashes, nothing else inline.
    expect(docs.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
  });

  test('a body is read only once the caller is known: bad JSON without a token is 401, with one 400', async () => {
    t = await startTestService(db);
    const bad = '{"variables": ';
    const anonymous = await t.http.post('/api/process-definitions/x/start').set('Content-Type', 'application/json').send(bad);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const known = await t.admin.post('/api/process-definitions/x/start').set('Content-Type', 'application/json').send(bad);
    expect(known.status).toBe(400);
    expect(known.body.code).toBe('VALIDATION_FAILED');
  });
});

/** A TCP relay to Postgres that can be cut (every connection dropped, nothing accepted) and restored on the same port. */
async function relayTo(port: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let listenPort = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(port, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => {
        listenPort = (server?.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { port: listenPort, cut, restore: listen, close: cut };
}

const pgOnly = pgUrl ? describe : describe.skip;

pgOnly('a database outage (Postgres only)', () => {
  let db: TestDatabase;
  let t: TestService | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('postgres');
  });

  afterEach(async () => {
    await t?.stop();
    t = undefined;
    await db.drop();
  });

  test('while Postgres is unreachable requests get 503 DATABASE_UNAVAILABLE with Retry-After and /ready 503; afterwards nothing acknowledged is lost', async () => {
    const upstream = new URL(pgUrl as string);
    const relay = await relayTo(Number(upstream.port || 5432));
    try {
      const through = new URL(pgUrl as string);
      through.port = String(relay.port);
      t = await startTestService({ ...db, url: through.toString() }, { env: { PROCFLOW_JOB_POLL_MS: '50' } });
      expect((await deploy(t, TWO_TASKS)).status).toBe(201);
      const acknowledged: string[] = [];
      for (let i = 0; i < 3; i++) acknowledged.push((await t.admin.post('/api/process-definitions/twoTasks/start').send({})).body.id as string);
      const task = (await t.admin.get(`/api/tasks?processInstanceId=${acknowledged[0]}&state=open`)).body.items[0];

      await relay.cut();
      const start = await t.admin.post('/api/process-definitions/twoTasks/start').send({});
      expect(start.status).toBe(503);
      expect(start.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(start.headers['retry-after']).toMatch(/^\d+$/);
      expect(start.headers['content-type']).toMatch(/application\/problem\+json/);
      const complete = await t.admin.post(`/api/tasks/${task.id}/complete`).send({});
      expect(complete.status).toBe(503);
      expect(complete.body.code).toBe('DATABASE_UNAVAILABLE');
      const read = await t.admin.get(`/api/process-instances/${acknowledged[1]}`);
      expect(read.status).toBe(503);
      const ready = await t.http.get('/ready').timeout(10_000);
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('NOT_READY');

      await relay.restore();
      await waitUntil(async () => (await t!.http.get('/ready')).status === 200, '/ready to answer 200 once Postgres is back');
      for (const id of acknowledged) expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ state: 'running', incidents: 0 });
      // The completion refused during the outage did not happen; it can be done now, once.
      expect((await t.admin.get(`/api/tasks/${task.id}`)).body.state).toBe('open');
      expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({})).status).toBe(200);
      expect((await t.admin.get('/api/process-instances?definitionKey=twoTasks')).body.total).toBe(3);
      expect((await t.admin.post('/api/process-definitions/twoTasks/start').send({})).status).toBe(201);
    } finally {
      await t?.stop();
      t = undefined;
      await relay.close();
    }
  }, 60_000);

  test('when Postgres terminates the service’s connections, each request answers 2xx or 503 DATABASE_UNAVAILABLE, never 500, and the pool recovers', async () => {
    const name = `procflow-outage-${crypto.randomBytes(4).toString('hex')}`;
    const url = new URL(pgUrl as string);
    url.searchParams.set('application_name', name);
    t = await startTestService({ ...db, url: url.toString() }, { env: { PROCFLOW_JOB_POLL_MS: '50' } });
    expect((await deploy(t, TWO_TASKS)).status).toBe(201);
    const admin = knexFactory({ client: 'pg', connection: pgUrl as string, pool: { min: 0, max: 1 } });
    try {
      const kill = async () =>
        admin.raw(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = ? and pid <> pg_backend_pid()',
          [name],
        );
      const statuses: number[] = [];
      for (let round = 0; round < 5; round++) {
        const inFlight = Array.from({ length: 4 }, () => t!.admin.post('/api/process-definitions/twoTasks/start').send({}));
        await kill();
        for (const res of await Promise.all(inFlight)) {
          statuses.push(res.status);
          if (res.status === 503) {
            expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
            expect(res.headers['retry-after']).toBeDefined();
          }
        }
      }
      expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
      // Every acknowledged start is there; the pool hands out fresh connections again.
      await waitUntil(async () => (await t!.admin.post('/api/process-definitions/twoTasks/start').send({})).status === 201, 'a start to succeed again');
      const total = (await t.admin.get('/api/process-instances?definitionKey=twoTasks&limit=500')).body.total as number;
      expect(total).toBeGreaterThanOrEqual(statuses.filter((s) => s === 201).length + 1);
      console.info(
        `postgres: terminated connections 5 times under 4 starts each: ${statuses.filter((s) => s === 201).length} × 201, ${statuses.filter((s) => s === 503).length} × 503`,
      );
    } finally {
      await admin.destroy();
    }
  }, 60_000);
});
