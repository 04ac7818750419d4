// Camunda 7's own engine test processes (../shared/conformance/camunda-engine-tests, Apache-2.0,
// "Camunda, Copyright 2013-2025 Camunda Services GmbH"; origin and licence in its README.md), run
// the way their JUnit tests run them, over procflow's HTTP API: deploy the file (and the files its
// call activities name), start it, drive the steps of `expectations.json` and check the outcome.
// Each entry gets a fresh database and service, because many of the files share process ids.
// Entries procflow does not pass yet are in KNOWN_GAPS with the reason and are reported as
// skipped; PROCFLOW_CAMUNDA_ALL=1 runs them too (to see whether a gap has closed).
import fs from 'node:fs';
import path from 'node:path';
import { parseDuration, parseRepeatingInterval } from '../../src/engine/iso-duration';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { CONFORMANCE, createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const CORPUS = path.join(CONFORMANCE, 'camunda-engine-tests');
const EXPECTATIONS = path.join(CORPUS, 'expectations.json');

interface Step {
  action: 'completeTask' | 'signal' | 'timer' | 'signalExecution' | 'message' | 'startProcess' | 'claimTask' | 'setVariable' | 'externalTask';
  target: string;
  variables?: Record<string, unknown>;
}
interface Entry {
  file: string;
  category: string;
  start: { variables: Record<string, unknown>; how?: string };
  steps: Step[];
  expect: { state: 'waiting' | 'completed' | 'failed'; waitingAt?: string[]; endEvent?: string; variables?: Record<string, unknown> };
  source: { path: string; test: string };
  note: string;
}

/** Entries procflow does not run as their JUnit test says, with why. */
const KNOWN_GAPS: Record<string, string> = {
  'gateway/ExclusiveGatewayTest.testMergingExclusiveGateway.bpmn20.xml':
    'bpmn-elements runs one task where three tokens reach an exclusive gateway (Camunda: one task per token)',
  'gateway/EventBasedGatewayTest.testCatchAlertAndTimer.bpmn20.xml': 'the event-based gateway with a PT0S timer and a signal fails the instance (incident)',
  'timer/BoundaryTimerNonInterruptingEventTest.testReceiveTaskWithBoundaryTimer.bpmn20.xml':
    'the API cannot trigger a receive task that has no message (Camunda runtimeService.signal)',
  'timer/IntermediateTimerEventTest.testTimeCycle.bpmn20.xml': 'Quartz cron timeCycle ("0 0/5 * * * ?") is not read: the timer never fires',
  'timer/StartTimerEventTest.testTimeCycle.bpmn20.xml': 'Quartz cron timer start: the instance it starts fails (incident)',
  'timer/StartTimerEventTest.testStartTimerEventSubProcessWithUserTask.bpmn20.xml': 'timer start events of event sub-processes are not armed as jobs',
  'message/MessageEventSubprocessTest.testNonInterruptingInEmbeddedSubprocess.bpmn20.xml':
    'message start events of event sub-processes inside a sub-process get no subscription',
  'signal/SignalEndEventTest.catchSignalEndEvent.bpmn20.xml': 'a signal thrown by another instance (signal end event) does not reach the catching instance',
  'error/BoundaryErrorEventTest.testCatchErrorOnCallActivity-parent.bpmn20.xml': 'call activities do not start the called process',
  'error/ErrorEventSubProcessTest.testCatchErrorInEmbeddedSubProcess.bpmn20.xml': 'an error event sub-process inside a sub-process does not catch its error',
  'error/UnhandledBpmnErrorTest.testUnhandledErrorInEmbeddedSubprocess.bpmn20.xml':
    'an unhandled BPMN error ends the instance instead of failing it; undeclared errorRef codes are not matched at run time',
  'escalation/EscalationEventSubprocessTest.testInterruptionEscalationEventSubprocess.bpmn20.xml':
    'an interrupting escalation event sub-process fails the instance',
  'escalation/EscalationEventTest.interruptingEscalationBoundaryEventOnCallActivity.bpmn20.xml': 'call activities do not start the called process',
  'subprocess/InterruptingEventSubProcessTest.testTimeCycle.bpmn20.xml': 'timer start events of event sub-processes are not armed as jobs',
  'callactivity/CallActivity.testCallParallelSubProcess.bpmn20.xml': 'call activities do not start the called process',
  'callactivity/orderProcess.bpmn20.xml': 'call activities do not start the called process',
  'multiinstance/MultiInstanceTest.sequentialUserTasks.bpmn20.xml':
    'a sequential multi-instance user task with loopCardinality ${nrOfLoops} does not go on after the first completion',
  'multiinstance/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml':
    'the completionCondition ${nrOfCompletedInstances == 3} is not evaluated: the loop goes on',
  'multiinstance/MultiInstanceTest.testParallelCallActivity.bpmn20.xml': 'call activities do not start the called process',
  'compensation/CompensateEventTest.testCompensateSubprocessWithBoundaryEvent.bpmn20.xml':
    'the API cannot trigger a receive task that has no message (Camunda runtimeService.signal)',
  'compensation/CompensateEventTest.testCompensateActivityInSubprocess.bpmn20.xml':
    'the API cannot trigger a receive task that has no message (Camunda runtimeService.signal)',
  'conditional/EventSubProcessStartConditionalEventTest.testVariableCondition.bpmn20.xml':
    'the API cannot set a variable of a waiting instance; conditional events are not evaluated',
  'conditional/BoundaryConditionalEventTest.testNonInterruptingVariableCondition.bpmn20.xml':
    'the API cannot set a variable of a waiting instance; conditional events are not evaluated',
};

const present = fs.existsSync(EXPECTATIONS);
if (!present) console.warn(`Camunda engine tests skipped: ${EXPECTATIONS} is absent (it lives in ../shared beside the project)`);
const entries: Entry[] = present ? (JSON.parse(fs.readFileSync(EXPECTATIONS, 'utf8')) as Entry[]) : [];
const runAll = process.env.PROCFLOW_CAMUNDA_ALL === '1';

/** The process ids a file defines and the processes its call activities call. */
function processIds(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?process\b[^>]*?\sid="([^"]+)"/g)].map((m) => m[1] as string);
}
function calledElements(xml: string): string[] {
  return [...xml.matchAll(/calledElement="([^"]+)"/g)].map((m) => m[1] as string);
}
const corpusXml = new Map(entries.map((e) => [e.file, fs.readFileSync(path.join(CORPUS, e.file), 'utf8')]));

/** Files to deploy before an entry's own: those that define the processes it calls or starts (same folder first). */
function dependencies(entry: Entry): string[] {
  const xml = corpusXml.get(entry.file) ?? '';
  const own = new Set(processIds(xml));
  const deps: string[] = [];
  // The processes its call activities call, and those a step starts.
  const started = entry.steps.filter((s) => s.action === 'startProcess').map((s) => s.target);
  for (const called of [...calledElements(xml), ...started]) {
    if (own.has(called)) continue;
    const candidates = [...corpusXml.keys()].filter((f) => f !== entry.file && processIds(corpusXml.get(f) ?? '').includes(called));
    const best = candidates.find((f) => f.startsWith(`${entry.category}/`)) ?? candidates[0];
    if (best && !deps.includes(best)) deps.push(best);
  }
  return deps;
}

/** Start values the JSON states as a recipe (`<now+5min, yyyy-MM-ddTHH:mm:ss>`) are made from the service clock. */
function startVariables(vars: Record<string, unknown>, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const recipe = typeof v === 'string' ? /^<now\+(\d+)min/.exec(v) : null;
    out[k] = recipe ? new Date(now + Number(recipe[1]) * 60000).toISOString().slice(0, 19) : v;
  }
  return out;
}

interface Definition {
  key: string;
  startable: boolean;
  timers: Array<{ activityId: string; kind: string; value: string }>;
}
interface Instance {
  id: string;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type: string }>;
  incidents: number;
}

const POLL_MS = 20;
/** Bounded polling: the bound is a hang guard for a timer that never fires, not a timing assertion. */
async function waitFor(check: () => Promise<boolean>, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** How far past now the clock must go for a timer of the model to be due. */
function timerDelayMs(timer: { kind: string; value: string } | undefined, vars: Record<string, unknown>, now: number): number {
  const day = 86400000;
  if (!timer) return day;
  const expr = /^\s*[$#]\{\s*([\w.]+)\s*\}\s*$/.exec(timer.value)?.[1];
  const value = expr !== undefined ? String(vars[expr] ?? '') : timer.value;
  if (timer.kind === 'timeDate') {
    const at = Date.parse(value);
    return Number.isFinite(at) ? Math.max(at - now, 0) + 1000 : day;
  }
  const ms = timer.kind === 'timeCycle' ? parseRepeatingInterval(value)?.intervalMs : parseDuration(value);
  return ms !== undefined ? ms + 1000 : day;
}

class Driver {
  instanceId: string | undefined;
  readonly definitions: Definition[] = [];
  /** Who claimed the task of an activity: that user completes it. */
  private readonly claimedBy = new Map<string, string>();
  private vars: Record<string, unknown> = {};
  lastStepFailed = false;

  constructor(
    private readonly t: TestService,
    private readonly entry: Entry,
  ) {}

  private fail(message: string): never {
    throw new Error(`${this.entry.file}: ${message}`);
  }

  async deployAll(): Promise<void> {
    for (const file of [...dependencies(this.entry), this.entry.file]) {
      const res = await deploy(this.t, corpusXml.get(file) ?? '', path.basename(file));
      if (res.status !== 201 && res.status !== 200) this.fail(`deploying ${file} got ${res.status} ${JSON.stringify(res.body)}`);
      if (file === this.entry.file) this.definitions.push(...((res.body.definitions as Definition[] | undefined) ?? []));
    }
  }

  async now(): Promise<number> {
    return Date.parse((await this.t.admin.get('/api/clock')).body.now as string);
  }

  async start(): Promise<void> {
    this.vars = startVariables(this.entry.start.variables, await this.now());
    // Started by a message or a timer: the first step makes the instance.
    if (this.entry.start.how) return;
    const def = this.definitions.find((d) => d.startable);
    if (!def) this.fail(`no startable definition; deployed ${JSON.stringify(this.definitions.map((d) => d.key))}`);
    const res = await this.t.admin
      .post(`/api/process-definitions/${encodeURIComponent(def.key)}/start`)
      .send({ variables: this.vars, businessKey: 'camunda-test' });
    if (res.status !== 201) this.fail(`start <${def.key}> got ${res.status} ${JSON.stringify(res.body)}`);
    this.instanceId = res.body.id as string;
  }

  async instance(): Promise<Instance> {
    if (!this.instanceId) this.fail('no instance was started');
    const res = await this.t.admin.get(`/api/process-instances/${this.instanceId}`);
    if (res.status !== 200) this.fail(`reading instance got ${res.status}`);
    return res.body as Instance;
  }

  private async openTasks(): Promise<Array<{ id: string; activityId: string }>> {
    const res = await this.t.admin.get(`/api/tasks?state=open&processInstanceId=${this.instanceId}&limit=500`);
    return res.body.items as Array<{ id: string; activityId: string }>;
  }

  private async taskAt(activityId: string): Promise<{ id: string; activityId: string }> {
    const tasks = await this.openTasks();
    const task = tasks.find((x) => x.activityId === activityId);
    if (!task) this.fail(`no open task at <${activityId}>; open tasks: ${JSON.stringify(tasks.map((x) => x.activityId))}`);
    return task;
  }

  private async snapshot(): Promise<string> {
    const i = await this.instance();
    return JSON.stringify([i.state, i.waitingAt.map((w) => w.activityId).sort(), (await this.openTasks()).map((x) => x.id).sort()]);
  }

  private async userToken(name: string): Promise<string> {
    const existing = this.claimedBy.get(`token:${name}`);
    if (existing) return existing;
    // The JUnit tests' identity setup: kermit is in accountancy.
    const token = await createUser(this.t, name, name === 'kermit' ? ['accountancy'] : []);
    this.claimedBy.set(`token:${name}`, token);
    return token;
  }

  /** Runs one step; a 4xx/5xx answer is kept (a `failed` outcome expects the last one to fail). */
  async step(step: Step): Promise<void> {
    const ok = (status: number, what: string, body: unknown) => {
      this.lastStepFailed = status >= 400;
      if (this.lastStepFailed && this.entry.expect.state !== 'failed') this.fail(`${what} got ${status} ${JSON.stringify(body)}`);
    };
    switch (step.action) {
      case 'completeTask': {
        const task = await this.taskAt(step.target);
        const user = this.claimedBy.get(step.target);
        const agent = user ? this.t.as(user) : this.t.admin;
        const res = await agent.post(`/api/tasks/${task.id}/complete`).send({ variables: step.variables ?? {} });
        return ok(res.status, `completing <${step.target}>`, res.body);
      }
      case 'claimTask': {
        const task = await this.taskAt(step.target);
        const token = await this.userToken(String(step.variables?.user));
        const res = await this.t.as(token).post(`/api/tasks/${task.id}/claim`).send({});
        this.claimedBy.set(step.target, token);
        return ok(res.status, `claiming <${step.target}>`, res.body);
      }
      case 'message': {
        const body = { messageName: step.target, ...(this.instanceId ? { processInstanceId: this.instanceId } : {}), variables: step.variables ?? {} };
        const res = await this.t.admin.post('/api/messages').send(body);
        ok(res.status, `message <${step.target}>`, res.body);
        this.instanceId ??= (res.body.correlated as string[] | undefined)?.[0];
        return;
      }
      case 'signal': {
        const res = await this.t.admin.post('/api/signals').send({ signalName: step.target, variables: step.variables ?? {} });
        return ok(res.status, `signal <${step.target}>`, res.body);
      }
      case 'startProcess': {
        const res = await this.t.admin.post(`/api/process-definitions/${encodeURIComponent(step.target)}/start`).send({ variables: step.variables ?? {} });
        return ok(res.status, `starting <${step.target}>`, res.body);
      }
      case 'externalTask': {
        const list = await this.t.admin.get(`/api/external-tasks?topic=${encodeURIComponent(step.target)}&processInstanceId=${this.instanceId}`);
        const task = (list.body.items as Array<{ id: string }> | undefined)?.[0];
        if (!task) this.fail(`no external task for topic <${step.target}>: ${list.status} ${JSON.stringify(list.body)}`);
        const res = await this.t.admin.post(`/api/external-tasks/${task.id}/complete`).send({ variables: step.variables ?? {} });
        return ok(res.status, `completing external task <${step.target}>`, res.body);
      }
      case 'timer':
        return this.fireTimer(step.target);
      case 'signalExecution':
      case 'setVariable':
        return this.fail(
          `procflow's API has no way to ${step.action === 'setVariable' ? 'set a variable of a waiting instance' : 'trigger a waiting activity that has no message'}`,
        );
    }
  }

  /** Moves the service clock past the timer's due time and waits (bounded) for the instance to move on. */
  private async fireTimer(activityId: string): Promise<void> {
    const timer = this.definitions.flatMap((d) => d.timers).find((x) => x.activityId === activityId);
    const now = await this.now();
    const before = this.instanceId ? await this.snapshot() : undefined;
    const res = await this.t.admin.put('/api/clock').send({ now: new Date(now + timerDelayMs(timer, this.vars, now)).toISOString() });
    if (res.status !== 200) this.fail(`moving the clock got ${res.status} ${JSON.stringify(res.body)}`);
    if (before !== undefined) {
      if (!(await waitFor(async () => (await this.snapshot()) !== before, 8000))) this.fail(`timer <${activityId}> did not fire after the clock moved`);
      return;
    }
    // A timer start event: the instance is the one its schedule starts.
    const key = this.definitions[0]?.key ?? '';
    const started = await waitFor(async () => {
      const list = await this.t.admin.get(`/api/process-instances?definitionKey=${encodeURIComponent(key)}`);
      this.instanceId = (list.body.items as Array<{ id: string }>)[0]?.id;
      return this.instanceId !== undefined;
    }, 8000);
    if (!started) this.fail(`timer start <${activityId}> started no instance of <${key}>`);
  }

  async check(): Promise<void> {
    const expected = this.entry.expect;
    if (expected.state === 'failed') {
      const i = this.instanceId ? await this.instance() : undefined;
      const failed = this.lastStepFailed || i?.state === 'failed' || (i?.incidents ?? 0) > 0;
      if (!failed) this.fail(`expected the last step to fail; the instance is ${JSON.stringify(i && { state: i.state, waitingAt: i.waitingAt })}`);
      return;
    }
    const i = await this.instance();
    // Camunda counts an event sub-process's start event as a subscription, not as an activity.
    const waiting = i.waitingAt
      .filter((w) => w.type !== 'StartEvent')
      .map((w) => w.activityId)
      .sort();
    const seen = { state: i.state, incidents: i.incidents, waitingAt: waiting };
    if (expected.state === 'completed') {
      expect(seen).toEqual({ state: 'completed', incidents: 0, waitingAt: [] });
      if (expected.endEvent) {
        const history = (await this.t.admin.get(`/api/process-instances/${i.id}/history`)).body as Array<{ activityId: string }>;
        expect(history.map((h) => h.activityId)).toContain(expected.endEvent);
      }
    } else {
      expect(seen).toEqual({ state: 'running', incidents: 0, waitingAt: [...(expected.waitingAt ?? [])].sort() });
    }
    if (expected.variables) expect(i.variables).toMatchObject(expected.variables);
  }
}

const maybe = present ? describe.each(databaseKinds) : describe.skip.each(databaseKinds);

maybe('Camunda 7 engine test processes on %s', (kind) => {
  const results = { passed: 0, failed: 0, skipped: 0 };

  afterAll(() => {
    const total = entries.length;
    console.log(
      `Camunda engine tests on ${kind}: ${results.passed}/${total} pass as their JUnit test says` +
        (runAll ? ` (${results.failed} fail)` : ` (${results.skipped} known gaps skipped)`),
    );
  });

  for (const entry of entries) {
    const gap = KNOWN_GAPS[entry.file];
    if (gap && !runAll) {
      results.skipped++;
      test.skip(`${entry.file} — known gap: ${gap}`, () => undefined);
      continue;
    }
    test(`${entry.file} runs as ${entry.source.test} says`, async () => {
      let db: TestDatabase | undefined;
      let t: TestService | undefined;
      try {
        db = await createTestDatabase(kind);
        t = await startTestService(db);
        const driver = new Driver(t, entry);
        await driver.deployAll();
        await driver.start();
        for (const step of entry.steps) await driver.step(step);
        await driver.check();
        results.passed++;
      } catch (err) {
        results.failed++;
        throw err;
      } finally {
        await t?.stop();
        await db?.drop();
      }
    });
  }
});

describe.each(databaseKinds)('what Camunda 7 tolerates, on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('a file with id-less flows, no isExecutable, QName and undeclared refs deploys with warnings and runs to its end', async () => {
    const res = await deploy(t, fixture('tolerated-warnings.bpmn'), 'tolerated-warnings.bpmn');
    expect(res.status).toBe(201);
    expect(res.body.definitions).toEqual([expect.objectContaining({ key: 'toleratedWarnings', executable: true, startable: true })]);
    const warnings = res.body.warnings as Array<{ elementId?: string; message: string }>;
    expect(warnings.map((w) => w.elementId)).toEqual(
      expect.arrayContaining(['Defs_tolerated', 'start', 'flow_start_review', 'waitApproval', 'innerFail', 'caught', 'plane']),
    );
    const again = await deploy(t, fixture('tolerated-warnings.bpmn'), 'tolerated-warnings.bpmn');
    expect(again.status).toBe(200);

    const start = await t.admin.post('/api/process-definitions/toleratedWarnings/start').send({});
    expect(start.status).toBe(201);
    const kermit = await createUser(t, 'kermit', ['accountancy']);
    const tasks = (await t.as(kermit).get(`/api/tasks?state=open&processInstanceId=${start.body.id}`)).body.items as Array<{
      id: string;
      candidateGroups: string[];
    }>;
    expect(tasks).toEqual([expect.objectContaining({ candidateGroups: ['accountancy'] })]);
    expect((await t.as(kermit).post(`/api/tasks/${tasks[0]?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.post('/api/messages').send({ messageName: 'approved', processInstanceId: start.body.id })).status).toBe(200);
    const done = (await t.admin.get(`/api/process-instances/${start.body.id}`)).body as Instance;
    expect(done.state).toBe('completed');
    // The boundary on the same undeclared errorRef does not catch yet (KNOWN_GAPS): the sub-process ends normally.
    const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string }>;
    expect(history.map((h) => h.activityId)).toContain('innerFail');
  });

  test('a service task naming a Java class is refused with 400 naming the element', async () => {
    const res = await deploy(t, fixture('java-delegate.bpmn'), 'java-delegate.bpmn');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'BPMN_INVALID',
      errors: [expect.objectContaining({ elementId: 'chargeCard', message: expect.stringContaining('camunda:class') })],
    });
  });
});
