// The driver shared by the tests that run real-world BPMN corpora over procflow's HTTP API
// (test/e2e/camunda-engine-tests.test.ts, test/e2e/own-corpus.test.ts): each corpus entry names a
// file, how it is started, the steps its JUnit test takes and the outcome that test asserts. The
// driver deploys the file (and the files defining the processes it calls or starts), starts it,
// runs the steps through the REST API and checks the outcome.
import fs from 'node:fs';
import path from 'node:path';
import { parseDuration, parseRepeatingInterval } from '../../src/engine/iso-duration';
import { createTestDatabase, type TestDatabase } from './databases';
import { createUser, deploy, runDueJobs, startTestService, type TestService } from './test-service';

export interface Step {
  action: 'completeTask' | 'signal' | 'timer' | 'signalExecution' | 'message' | 'startProcess' | 'claimTask' | 'setVariable' | 'externalTask';
  target: string;
  variables?: Record<string, unknown>;
}
export interface Entry {
  file: string;
  category: string;
  start: { variables: Record<string, unknown>; how?: string };
  steps: Step[];
  expect: {
    /** `refused`: deploying the entry's own file is answered 400 BPMN_INVALID (Camunda refuses the deployment). */
    state: 'waiting' | 'completed' | 'failed' | 'refused';
    waitingAt?: string[];
    endEvent?: string;
    /**
     * Variables the JUnit test reads where the instance waits: the process variables, or local ones
     * of an activity it waits at (Camunda's getVariables of the waiting execution sees both).
     */
    variables?: Record<string, unknown>;
    /** The local variables visible at an activity the instance waits at (its camunda:inputOutput inputs), exactly. */
    localVariables?: Record<string, Record<string, unknown>>;
    /** Names that are not process variables (a local variable of an activity is not one). */
    notProcessVariables?: string[];
    /** The open tasks (fields of the API's Task, e.g. activityId, assignee, candidateGroups, priority), one per task, any order. */
    tasks?: Array<Record<string, unknown>>;
  };
  source: { path: string; test: string };
  note: string;
}

/** The process ids a file defines and the processes its call activities call. */
function processIds(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?process\b[^>]*?\sid="([^"]+)"/g)].map((m) => m[1] as string);
}
function calledElements(xml: string): string[] {
  return [...xml.matchAll(/calledElement="([^"]+)"/g)].map((m) => m[1] as string);
}

/** A folder of process files with its expectations: reads the files and finds what an entry needs deployed first. */
export class Corpus {
  private readonly xml: Map<string, string>;

  constructor(
    readonly dir: string,
    readonly entries: Entry[],
  ) {
    this.xml = new Map(entries.map((e) => [e.file, fs.readFileSync(path.join(dir, e.file), 'utf8')]));
  }

  /** The file's text as it is in the corpus. */
  text(file: string): string {
    return this.xml.get(file) ?? '';
  }

  /** Files to deploy before an entry's own: those that define the processes it calls or starts (same folder first). */
  dependencies(entry: Entry): string[] {
    const xml = this.text(entry.file);
    const own = new Set(processIds(xml));
    const deps: string[] = [];
    // The processes its call activities call, and those a step starts.
    const started = entry.steps.filter((s) => s.action === 'startProcess').map((s) => s.target);
    for (const called of [...calledElements(xml), ...started]) {
      if (own.has(called)) continue;
      const candidates = [...this.xml.keys()].filter((f) => f !== entry.file && processIds(this.text(f)).includes(called));
      const best = candidates.find((f) => f.startsWith(`${entry.category}/`)) ?? candidates[0];
      if (best && !deps.includes(best)) deps.push(best);
    }
    return deps;
  }
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

export interface Definition {
  key: string;
  startable: boolean;
  timers: Array<{ activityId: string; kind: string; value: string }>;
}
export interface Instance {
  id: string;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type: string; variables?: Record<string, unknown> }>;
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

export class Driver {
  instanceId: string | undefined;
  readonly definitions: Definition[] = [];
  /** Who claimed the task of an activity: that user completes it. */
  private readonly claimedBy = new Map<string, string>();
  private vars: Record<string, unknown> = {};
  lastStepFailed = false;
  /** The 400 answer to deploying the entry's own file, when the entry expects it refused. */
  private refusal: Record<string, unknown> | undefined;

  constructor(
    private readonly t: TestService,
    private readonly entry: Entry,
    private readonly corpus: Corpus,
  ) {}

  private fail(message: string): never {
    throw new Error(`${this.entry.file}: ${message}`);
  }

  async deployAll(): Promise<void> {
    for (const file of [...this.corpus.dependencies(this.entry), this.entry.file]) {
      const res = await deploy(this.t, this.corpus.text(file), path.basename(file));
      if (file === this.entry.file && this.entry.expect.state === 'refused' && res.status === 400) {
        this.refusal = res.body as Record<string, unknown>;
        return;
      }
      if (res.status !== 201 && res.status !== 200) this.fail(`deploying ${file} got ${res.status} ${JSON.stringify(res.body)}`);
      if (file === this.entry.file) this.definitions.push(...((res.body.definitions as Definition[] | undefined) ?? []));
    }
  }

  async now(): Promise<number> {
    return Date.parse((await this.t.admin.get('/api/clock')).body.now as string);
  }

  async start(): Promise<void> {
    this.vars = startVariables(this.entry.start.variables, await this.now());
    // Started by a message, a signal or a timer: a step makes the instance. A refused file has none.
    if (this.entry.start.how || this.refusal) return;
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

  /** The running instances its call activities started, and theirs (Camunda's sub process instances). */
  private async calledInstances(): Promise<Array<Instance & { parentActivityId: string | null }>> {
    const out: Array<Instance & { parentActivityId: string | null }> = [];
    const queue = this.instanceId ? [this.instanceId] : [];
    while (queue.length) {
      const res = await this.t.admin.get(`/api/process-instances?parentInstanceId=${queue.shift()}&state=running&limit=500`);
      for (const child of res.body.items as Array<Instance & { parentActivityId: string | null }>) {
        out.push(child);
        queue.push(child.id);
      }
    }
    return out;
  }

  /** The open tasks of the instance and of the instances its call activities started. */
  private async openTasks(): Promise<Array<{ id: string; activityId: string }>> {
    const ids = [this.instanceId, ...(await this.calledInstances()).map((c) => c.id)];
    const tasks: Array<{ id: string; activityId: string }> = [];
    for (const id of ids) tasks.push(...((await this.t.admin.get(`/api/tasks?state=open&processInstanceId=${id}&limit=500`)).body.items as typeof tasks));
    return tasks;
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

  /**
   * An entry started by a signal (`start.how: "signal"`): once a step has broadcast or thrown the
   * signal, the instance is the one it started of the entry's own definitions (bounded wait).
   */
  private async adoptSignalStarted(): Promise<void> {
    if (this.instanceId || this.entry.start.how !== 'signal') return;
    await waitFor(async () => {
      for (const { key } of this.definitions) {
        const list = await this.t.admin.get(`/api/process-instances?definitionKey=${encodeURIComponent(key)}`);
        this.instanceId = (list.body.items as Array<{ id: string }>)[0]?.id;
        if (this.instanceId) return true;
      }
      return false;
    }, 8000);
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
        ok(res.status, `signal <${step.target}>`, res.body);
        return this.adoptSignalStarted();
      }
      case 'startProcess': {
        const res = await this.t.admin.post(`/api/process-definitions/${encodeURIComponent(step.target)}/start`).send({ variables: step.variables ?? {} });
        ok(res.status, `starting <${step.target}>`, res.body);
        return this.adoptSignalStarted();
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
      case 'signalExecution': {
        // runtimeService.signal(executionId): the activity waiting at `target` is triggered.
        const res = await this.t.admin
          .post(`/api/process-instances/${this.instanceId}/activities/${encodeURIComponent(step.target)}/trigger`)
          .send({ variables: step.variables ?? {} });
        return ok(res.status, `triggering <${step.target}>`, res.body);
      }
      case 'setVariable': {
        // taskService/runtimeService.setVariable while the instance waits at `target`: one PUT per variable.
        for (const [name, value] of Object.entries(step.variables ?? {})) {
          const res = await this.t.admin.put(`/api/process-instances/${this.instanceId}/variables/${encodeURIComponent(name)}`).send({ value });
          ok(res.status, `setting variable <${name}>`, res.body);
        }
        return;
      }
    }
  }

  /**
   * Moves the service clock past the timer's due time and runs the due jobs (the service runs no
   * job executor of its own here: as in a JUnit test, a job runs when a step executes it), until
   * the instance moves on (bounded).
   */
  private async fireTimer(activityId: string): Promise<void> {
    const timer = this.definitions.flatMap((d) => d.timers).find((x) => x.activityId === activityId);
    const now = await this.now();
    const before = this.instanceId ? await this.snapshot() : undefined;
    const res = await this.t.admin.put('/api/clock').send({ now: new Date(now + timerDelayMs(timer, this.vars, now)).toISOString() });
    if (res.status !== 200) this.fail(`moving the clock got ${res.status} ${JSON.stringify(res.body)}`);
    if (before !== undefined) {
      const moved = await waitFor(async () => {
        await runDueJobs(this.t);
        return (await this.snapshot()) !== before;
      }, 8000);
      if (!moved) this.fail(`timer <${activityId}> did not fire after the clock moved`);
      return;
    }
    // A timer start event: the instance is the one its schedule starts.
    const key = this.definitions[0]?.key ?? '';
    const started = await waitFor(async () => {
      await runDueJobs(this.t);
      const list = await this.t.admin.get(`/api/process-instances?definitionKey=${encodeURIComponent(key)}`);
      this.instanceId = (list.body.items as Array<{ id: string }>)[0]?.id;
      return this.instanceId !== undefined;
    }, 8000);
    if (!started) this.fail(`timer start <${activityId}> started no instance of <${key}>`);
  }

  async check(): Promise<void> {
    const expected = this.entry.expect;
    if (expected.state === 'refused') {
      if (!this.refusal) this.fail('expected deploying the file to be refused with 400; it was deployed');
      expect(this.refusal).toMatchObject({ status: 400, code: 'BPMN_INVALID' });
      return;
    }
    if (expected.state === 'failed') {
      const i = this.instanceId ? await this.instance() : undefined;
      const failed = this.lastStepFailed || i?.state === 'failed' || (i?.incidents ?? 0) > 0;
      if (!failed) this.fail(`expected the last step to fail; the instance is ${JSON.stringify(i && { state: i.state, waitingAt: i.waitingAt })}`);
      return;
    }
    const i = await this.instance();
    // A call activity waits where its called instance waits (Camunda's activity instance tree).
    const called = await this.calledInstances();
    const calling = new Set(called.map((c) => c.parentActivityId));
    // Camunda counts an event sub-process's start event as a subscription, not as an activity.
    const waiting = [...i.waitingAt, ...called.flatMap((c) => c.waitingAt)]
      .filter((w) => w.type !== 'StartEvent' && !(w.type === 'CallActivity' && calling.has(w.activityId)))
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
    const waits = [...i.waitingAt, ...called.flatMap((c) => c.waitingAt)];
    if (expected.variables) {
      const locals = Object.assign({}, ...waits.map((w) => w.variables ?? {})) as Record<string, unknown>;
      expect({ ...i.variables, ...locals }).toMatchObject(expected.variables);
    }
    for (const [activityId, vars] of Object.entries(expected.localVariables ?? {})) {
      expect({ activityId, variables: waits.find((w) => w.activityId === activityId)?.variables ?? {} }).toEqual({ activityId, variables: vars });
    }
    for (const name of expected.notProcessVariables ?? []) expect(i.variables).not.toHaveProperty(name);
    if (expected.tasks) {
      const ids = [i.id, ...called.map((c) => c.id)];
      const open: Array<Record<string, unknown>> = [];
      for (const id of ids) open.push(...((await this.t.admin.get(`/api/tasks?state=open&processInstanceId=${id}&limit=500`)).body.items as typeof open));
      expect(open).toHaveLength(expected.tasks.length);
      expect(open).toEqual(expect.arrayContaining(expected.tasks.map((x) => expect.objectContaining(x))));
    }
  }
}

/**
 * One test per corpus entry, each on a fresh database and service (many files share process
 * ids): deploy, start, drive the steps, check the outcome. Entries in `knownGaps` are reported as
 * skipped with their reason unless `runAll`; after the entries, `label` states how many pass.
 * `settings` gives an entry's service the environment its JUnit test's engine configuration
 * corresponds to (e.g. PROCFLOW_UNHANDLED_BPMN_ERROR=fail for enableExceptionsAfterUnhandledBpmnError).
 */
export function entryTests(
  label: string,
  kind: TestDatabase['name'],
  corpus: Corpus,
  entries: Entry[],
  knownGaps: Record<string, string>,
  runAll: boolean,
  settings: Record<string, Record<string, string>> = {},
): void {
  const results = { passed: 0, failed: 0, skipped: 0 };

  afterAll(() => {
    console.log(
      `${label} on ${kind}: ${results.passed}/${entries.length} pass as their JUnit test says` +
        (runAll ? ` (${results.failed} fail)` : ` (${results.skipped} known gaps skipped)`),
    );
  });

  for (const entry of entries) {
    const gap = knownGaps[entry.file];
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
        // No polling job executor: a timer fires when a step runs its job, as in the JUnit test.
        const env = settings[entry.file];
        t = await startTestService(db, { runJobs: false, ...(env ? { env } : {}) });
        const driver = new Driver(t, entry, corpus);
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
}
