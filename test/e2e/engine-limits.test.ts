// Limits of bare bpmn-engine 25 (bpmn-elements 17) that procflow lifts, each shown side by side:
// the same diagram run by `new Engine({ source })` as bpmn-engine's README shows, and by procflow
// over HTTP on SQLite and Postgres, with time from the service clock. Each bare test asserts what
// bare bpmn-engine does (including where it already does what procflow does); docs/modelling.md's
// "Bare bpmn-engine vs procflow" table has a row per case.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, runDueJobs, serviceForDescribe } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

const FIVE_MINUTES = 5 * 60_000;

interface BareRun {
  engine: Engine;
  errors: string[];
  /** The ids of the activities that started, in order (from the engine's activity.start events). */
  started: string[];
  waitingAt(): string[];
  /** Signals the waiting activity `id` (inside sub-processes too) and lets the broker deliver. */
  signal(id: string, message?: Record<string, unknown>): Promise<void>;
  /** Sends a message or signal (by its id in the diagram) to the running execution. */
  deliver(id: string): Promise<void>;
  /** The variables of the definition's environment. */
  variables(): Record<string, unknown>;
}

const delivered = () => new Promise((resolve) => setImmediate(resolve));

/** Only the process `processId` of a document with several (bare bpmn-engine would run them all). */
function onlyProcess(xml: string, processId: string): string {
  return xml.replace(/<bpmn:process id="([^"]+)"[^>]*isExecutable="true"/g, (tag, id: string) =>
    id === processId ? tag : tag.replace('isExecutable="true"', 'isExecutable="false"'),
  );
}

/** Runs a diagram with bare bpmn-engine until it waits, ends or fails. */
async function runBare(source: string, variables: Record<string, unknown> = {}): Promise<BareRun> {
  const engine = new Engine({ name: 'bare', source });
  const errors: string[] = [];
  const started: string[] = [];
  engine.on('error', (err: Error) => errors.push(err.message));
  const listener = new EventEmitter();
  listener.on('activity.start', (api: { id: string }) => started.push(api.id));
  await engine.execute({ listener, variables } as never);
  // Let the broker deliver what the execute queued (no timers are involved: nothing is awaited by time).
  await delivered();
  type Api = { id: string; type?: string; getPostponed?(): Api[]; signal(message?: unknown): void };
  const postponed = (): Api[] => {
    const execution = engine.execution as unknown as { getPostponed(): Api[] } | undefined;
    return String(engine.state) === 'running' && execution ? execution.getPostponed() : [];
  };
  const everything = (apis: Api[], self?: string): Api[] =>
    apis.filter((a) => a.id !== self).flatMap((a) => [a, ...(a.getPostponed ? everything(a.getPostponed(), a.id) : [])]);
  return {
    engine,
    errors,
    started,
    waitingAt: () => {
      // Sub-processes by what waits inside them; a sequence flow kept as postponed is no wait.
      const walk = (apis: Api[], self?: string): string[] =>
        apis
          .filter((a) => a.id !== self && a.type !== 'bpmn:SequenceFlow')
          .flatMap((a) => (a.getPostponed && a.getPostponed().length ? walk(a.getPostponed(), a.id) : [a.id]));
      return walk(postponed()).sort();
    },
    signal: async (id, message) => {
      const api = everything(postponed()).find((a) => a.id === id);
      if (!api) throw new Error(`bare bpmn-engine does not wait at <${id}>`);
      api.signal(message);
      await delivered();
    },
    deliver: async (id) => {
      (engine.execution as unknown as { signal(m: unknown): void }).signal({ id });
      await delivered();
    },
    variables: () => {
      const definitions = (engine.execution as unknown as { definitions: Array<{ environment: { variables: Record<string, unknown> } }> }).definitions;
      return definitions[0]?.environment.variables ?? {};
    },
  };
}

/** `xml` with `from` (a text or a pattern, which must occur) replaced by `to`. */
function edit(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  if (out === xml) throw new Error(`${String(from)} is not in the diagram`);
  return out;
}

/** compensation-in-sub-process.bpmn whose throw names `prepare` in its activityRef. */
const compensationByRef = () =>
  edit(
    edit(fixture('compensation-in-sub-process.bpmn'), 'id="compensationInSubProcess"', 'id="compensationByRef"'),
    '<bpmn:intermediateThrowEvent id="undoInside">\n        <bpmn:compensateEventDefinition />',
    '<bpmn:intermediateThrowEvent id="undoInside">\n        <bpmn:compensateEventDefinition activityRef="prepare" />',
  );

/** compensation-trip.bpmn with user tasks where it has external tasks (bare bpmn-engine has no worker), as tripByHand. */
const tripByHand = () =>
  edit(
    edit(fixture('compensation-trip.bpmn'), 'id="tripBooking"', 'id="tripByHand"'),
    /<bpmn:serviceTask (id="[^"]+" name="[^"]+"(?: isForCompensation="true")?) camunda:type="external" camunda:topic="[^"]+" \/>/g,
    '<bpmn:userTask $1 />',
  );

/**
 * event-sub-process-errors.bpmn with the inspection always ending at the error end event (the
 * gateway goes: bare bpmn-engine's expressions do not read `${damaged == true}`), as process `id`;
 * `boundary: false` drops the catch-all boundary error event of the sub-process, `named: true`
 * gives the event sub-process's error start the errorRef of the thrown error.
 */
function damagedClaim(id: string, opts: { boundary?: boolean; named?: boolean } = {}): string {
  let xml = edit(fixture('event-sub-process-errors.bpmn'), 'id="damageClaim"', `id="${id}"`);
  xml = edit(xml, 'sourceRef="inspect" targetRef="isDamaged"', 'sourceRef="inspect" targetRef="reportDamage"');
  xml = edit(xml, /<bpmn:exclusiveGateway id="isDamaged"[^>]*\/>/, '');
  xml = edit(xml, /<bpmn:sequenceFlow id="a3"[\s\S]*?<\/bpmn:sequenceFlow>/, '');
  xml = edit(xml, /<bpmn:sequenceFlow id="a4"[^>]*\/>/, '');
  xml = edit(xml, /<bpmn:endEvent id="assessed"[^>]*\/>/, '');
  if (opts.boundary === false) {
    xml = edit(xml, /<bpmn:boundaryEvent id="assessFailed"[\s\S]*?<\/bpmn:boundaryEvent>/, '');
    xml = edit(xml, /<bpmn:sequenceFlow id="f2"[^>]*\/>/, '');
    xml = edit(xml, /<bpmn:endEvent id="boundaryCaught"[^>]*\/>/, '');
  }
  if (opts.named) {
    xml = edit(
      xml,
      '<bpmn:startEvent id="anyError" name="Any error">\n          <bpmn:errorEventDefinition />',
      '<bpmn:startEvent id="anyError" name="Any error">\n          <bpmn:errorEventDefinition errorRef="Err_damaged" />',
    );
  }
  return xml;
}

async function stopBare(run: BareRun): Promise<void> {
  if (String(run.engine.state) === 'running') await run.engine.stop();
}

describe('bare bpmn-engine', () => {
  test('fails an instance whose timeCycle is a Quartz cron expression ("0 0/5 * * * ?")', async () => {
    const run = await runBare(fixture('quartz-cron-timer.bpmn'));
    try {
      expect(run.errors).toEqual([expect.stringMatching(/ISO 8601/)]);
      expect(run.waitingAt()).toEqual([]);
    } finally {
      await stopBare(run);
    }
  });

  test('never arms the timer start events of event sub-processes: the instance waits at its task with no timer', async () => {
    const run = await runBare(fixture('event-sub-process-timers.bpmn'));
    try {
      expect(run.errors).toEqual([]);
      expect(run.waitingAt()).toEqual(['work']);
      expect((run.engine.environment.timers as unknown as { executing: unknown[] }).executing).toEqual([]);
    } finally {
      await stopBare(run);
    }
  });

  test('does not start a message event sub-process inside a sub-process when its message comes', async () => {
    const run = await runBare(onlyProcess(fixture('event-sub-process-starts.bpmn'), 'espMessage'));
    try {
      expect(run.waitingAt()).toEqual(['work']);
      await run.deliver('Msg_note');
      expect(run.waitingAt()).toEqual(['work']);
    } finally {
      await stopBare(run);
    }
  });

  test('runs an interrupting escalation event sub-process beside the rest of its scope', async () => {
    const run = await runBare(onlyProcess(fixture('event-sub-process-starts.bpmn'), 'espEscalation'));
    try {
      expect(run.waitingAt()).toEqual(['carryOn', 'handleLate']);
    } finally {
      await stopBare(run);
    }
  });

  test('does not deliver a signal thrown by a signal end event to an instance of another engine', async () => {
    const catcher = await runBare(fixture('signal-catch.bpmn'));
    const thrower = await runBare(fixture('signal-throw.bpmn'));
    try {
      expect(thrower.errors).toEqual([]);
      expect(catcher.waitingAt()).toEqual(['alarmHeard']);
    } finally {
      await stopBare(thrower);
      await stopBare(catcher);
    }
  });
  test('runs no compensation handler of an activity whose sub-process has ended: the throw goes on at once', async () => {
    const run = await runBare(fixture('compensation-after-sub-process.bpmn'));
    try {
      await run.signal('bookHotel');
      expect(run.waitingAt()).toEqual(['confirm']);
      await run.signal('confirm');
      expect(run.waitingAt()).toEqual(['tellCustomer']);
      expect(run.started).toContain('undoStay');
      expect(run.started).not.toContain('cancelHotel');
      expect(run.errors).toEqual([]);
    } finally {
      await stopBare(run);
    }
  });

  test('never ends a sub-process in which two activities with compensation handlers completed', async () => {
    const xml = tripByHand();
    expect(xml).not.toContain('serviceTask');
    const run = await runBare(xml);
    try {
      await run.signal('bookFlight');
      await run.signal('bookHotel');
      await run.signal('chargeCard');
      // Its end event has ended; the sub-process has not, and "confirm" after it never starts.
      expect(run.started).toContain('stayEnd');
      expect(run.started).not.toContain('confirm');
      expect(run.waitingAt()).toEqual(['compensateFlight']);
      expect(run.errors).toEqual([]);
    } finally {
      await stopBare(run);
    }
  });

  test('compensates outside the sub-process of the throw, ignores activityRef and goes on without waiting for the handlers', async () => {
    for (const xml of [fixture('compensation-in-sub-process.bpmn'), compensationByRef()]) {
      const run = await runBare(xml);
      try {
        await run.signal('elsewhere');
        await run.signal('prepare');
        // Both handlers run, and "review" after the throw is already open.
        expect(run.waitingAt()).toEqual(['review', 'undoElsewhere', 'unprepare']);
        expect(run.errors).toEqual([]);
      } finally {
        await stopBare(run);
      }
    }
  });

  test('a non-interrupting message boundary event catches the first message only: the second finds nothing', async () => {
    const run = await runBare(fixture('non-interrupting-boundaries.bpmn'));
    try {
      expect(run.waitingAt()).toEqual(['hourly', 'noteArrived', 'pinged', 'work']);
      await run.deliver('Msg_note');
      expect(run.waitingAt()).toEqual(['hourly', 'pinged', 'readNote', 'work']);
      await run.signal('readNote');
      await run.deliver('Msg_note');
      expect(run.waitingAt()).toEqual(['hourly', 'pinged', 'work']);
      expect(run.started.filter((id) => id === 'readNote')).toHaveLength(1);
    } finally {
      await stopBare(run);
    }
  });

  test('fires a PT0S timer behind an event-based gateway on its own, with no job: a message sent after it finds the timer path taken', async () => {
    const run = await runBare(fixture('gateway-zero-timer.bpmn'));
    try {
      // A timeout of 0 fires without anything to run it, in the execute or in the turns right
      // after it (seen both ways); nothing the host does can come first.
      await waitUntil(() => Promise.resolve(run.waitingAt().join() === 'afterTimer'), 'bare bpmn-engine to fire the PT0S timer by itself');
      await run.deliver('Msg_answer');
      expect(run.waitingAt()).toEqual(['afterTimer']);
      expect(run.started).not.toContain('afterAnswer');
    } finally {
      await stopBare(run);
    }
  });

  test('passes one of three tokens through a merging exclusive gateway: the task runs once', async () => {
    const run = await runBare(fixture('exclusive-merge.bpmn'));
    try {
      expect(run.waitingAt()).toEqual(['work']);
      await run.signal('work');
      expect(String(run.engine.state)).toBe('idle');
      expect(run.started.filter((id) => id === 'merge')).toHaveLength(1);
      expect(run.started.filter((id) => id === 'work')).toHaveLength(1);
    } finally {
      await stopBare(run);
    }
  });

  test('never starts an error event sub-process whose error start has no errorRef: the error end event just ends', async () => {
    const run = await runBare(damagedClaim('damageClaimNoBoundary', { boundary: false }));
    try {
      await run.signal('inspect');
      expect(run.waitingAt()).toEqual(['ship']);
      expect(run.started).toContain('reportDamage');
      expect(run.started).not.toContain('anyError');
    } finally {
      await stopBare(run);
    }
  });

  test('lets the catch-all boundary event of the sub-process win over its catch-all error event sub-process (a named error start already wins)', async () => {
    const run = await runBare(damagedClaim('damageClaimAlways'));
    try {
      await run.signal('inspect');
      expect(String(run.engine.state)).toBe('idle');
      expect(run.started).toContain('boundaryCaught');
      expect(run.started).not.toContain('escalate');
    } finally {
      await stopBare(run);
    }
    const named = await runBare(damagedClaim('damageClaimNamed', { named: true }));
    try {
      await named.signal('inspect');
      expect(named.started).toContain('escalate');
      expect(named.started).not.toContain('boundaryCaught');
    } finally {
      await stopBare(named);
    }
  });

  test('never arms the conditional start of an event sub-process, neither at the start nor when a variable changes', async () => {
    const run = await runBare(fixture('event-sub-process-errors.bpmn'), { cancelled: true });
    try {
      expect(run.waitingAt()).toEqual(['assessFailed', 'inspect']);
      run.variables().cancelled = true;
      await run.deliver('cancelRequested');
      expect(run.waitingAt()).toEqual(['assessFailed', 'inspect']);
      expect(run.started).not.toContain('cancelRequested');
      expect(run.started).not.toContain('confirmCancel');
    } finally {
      await stopBare(run);
    }
  });

  test('runs a process with only a signal start event as one instance waiting for the signal: a second signal starts nothing', async () => {
    const run = await runBare(fixture('signal-start.bpmn'));
    try {
      expect(run.waitingAt()).toEqual(['alarmStart']);
      await run.deliver('Sig_alarm');
      expect(run.waitingAt()).toEqual(['drill']);
      await run.deliver('Sig_alarm');
      expect(run.waitingAt()).toEqual(['drill']);
      expect(run.started.filter((id) => id === 'drill')).toHaveLength(1);
    } finally {
      await stopBare(run);
    }
  });

  test('ignores camunda:executionListener and camunda:taskListener: nothing they set exists, and the gateway that reads it fails', async () => {
    const run = await runBare(onlyProcess(fixture('listeners.bpmn'), 'listeners'), { reviewer: 'ann' });
    try {
      expect(run.waitingAt()).toEqual(['review']);
      expect(run.variables()).toEqual({ reviewer: 'ann' });
      await run.signal('review', { approved: true });
      expect(run.errors).toEqual(['<decide> no conditional flow taken']);
      expect(run.variables()).toEqual({ reviewer: 'ann' });
    } finally {
      await stopBare(run);
    }
  });

  test('ignores camunda:inputOutput: the boundary timer whose duration is an input fires at once, before the task starts', async () => {
    const run = await runBare(fixture('input-output-local.bpmn'), { orderId: 'A-7', owner: 'rita', amount: 10 });
    try {
      // ${patience} reads as nothing there: the timer completes in the execute itself.
      expect(run.waitingAt()).toEqual(['escalated']);
      expect(run.started).not.toContain('review');
      expect(run.variables()).toEqual({ orderId: 'A-7', owner: 'rita', amount: 10 });
    } finally {
      await stopBare(run);
    }
  });

  test('lets the boundary error event of a task waiting on another path catch an error thrown beside it', async () => {
    for (const name of ['error-routing-sub-process.bpmn', 'error-routing-top-level.bpmn']) {
      const run = await runBare(fixture(name));
      try {
        expect(run.waitingAt()).toEqual(['aWork', 'b', 'bCaught']);
        await run.signal('aWork');
        expect(run.started).toContain('caughtByB');
        expect(run.waitingAt()).not.toContain('b');
      } finally {
        await stopBare(run);
      }
    }
  });
});

describe.each(databaseKinds)('procflow on %s', (kind) => {
  const t = serviceForDescribe(kind, { env: { PROCFLOW_JOB_POLL_MS: '50' } });

  beforeAll(async () => {
    for (const name of ['quartz-cron-timer.bpmn', 'signal-catch.bpmn', 'signal-throw.bpmn', 'event-sub-process-timers.bpmn', 'event-sub-process-starts.bpmn']) {
      expect((await deploy(t, fixture(name), name)).status).toBe(201);
    }
  });

  const instance = async (id: string) =>
    (await t.admin.get(`/api/process-instances/${id}`)).body as { state: string; waitingAt: Array<{ activityId: string }>; incidents: number };
  const clockNow = async () => Date.parse((await t.admin.get('/api/clock')).body.now as string);
  const jumpTo = async (ms: number) => expect((await t.admin.put('/api/clock').send({ now: new Date(ms).toISOString() })).status).toBe(200);
  const start = async (key: string) => {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({});
    expect(res.status).toBe(201);
    return res.body as { id: string; state: string; waitingAt: Array<{ activityId: string }> };
  };

  test('a Quartz cron timeCycle waits as a job due at the next five-minute mark and fires once the clock is there', async () => {
    const now = await clockNow();
    const started = await start('cronWait');
    expect(started.waitingAt).toEqual([expect.objectContaining({ activityId: 'nextMark' })]);
    const jobs = (await t.admin.get(`/api/jobs?processInstanceId=${started.id}`)).body.items as Array<{ kind: string; activityId: string; dueAt: string }>;
    expect(jobs).toEqual([expect.objectContaining({ kind: 'timer', activityId: 'nextMark' })]);
    const due = Date.parse(jobs[0]?.dueAt ?? '');
    // At the first minute divisible by five, second 0, strictly after the start.
    expect(due % FIVE_MINUTES).toBe(0);
    expect(due).toBeGreaterThan(now);
    expect(due - now).toBeLessThanOrEqual(FIVE_MINUTES + 1000);

    await jumpTo(due - 1000);
    await executorRound(t.admin);
    expect((await instance(started.id)).waitingAt).toEqual([expect.objectContaining({ activityId: 'nextMark' })]);

    await jumpTo(due);
    await waitUntil(async () => (await instance(started.id)).waitingAt.some((w) => w.activityId === 'check'), 'the cron timer to have fired');
    expect(await instance(started.id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [expect.objectContaining({ activityId: 'check' })] });
    // An intermediate event fires once: no job is left for it.
    expect((await t.admin.get(`/api/jobs?processInstanceId=${started.id}`)).body.items).toEqual([]);
  });

  test('timer starts of event sub-processes are jobs: the non-interrupting one adds a task, the interrupting one, after a restart, ends the rest', async () => {
    const started = await start('espTimers');
    const startedAt = Date.parse((started as unknown as { startedAt: string }).startedAt);
    // Armed when the instance started (a few service-clock ms after the answer's startedAt was read).
    const jobs = async () =>
      ((await t.admin.get(`/api/jobs?processInstanceId=${started.id}`)).body.items as Array<{ activityId: string; dueAt: string }>)
        .map((j) => [j.activityId, Math.floor((Date.parse(j.dueAt) - startedAt) / 60_000)])
        .sort();
    expect(await jobs()).toEqual([
      ['after1h', 60],
      ['after30m', 30],
    ]);
    const waiting = async () =>
      (await instance(started.id)).waitingAt
        .map((w) => w.activityId)
        .filter((id) => !id.startsWith('after'))
        .sort();

    await jumpTo(startedAt + 31 * 60_000);
    await waitUntil(async () => (await waiting()).includes('remind'), 'the non-interrupting PT30M start to have fired');
    expect(await waiting()).toEqual(['remind', 'work']);
    expect(await jobs()).toEqual([['after1h', 60]]);

    await t.restart({ env: { PROCFLOW_JOB_POLL_MS: '50' } });
    await jumpTo(startedAt + 61 * 60_000);
    await waitUntil(async () => (await waiting()).includes('escalate'), 'the interrupting PT1H start to have fired after the restart');
    expect(await waiting()).toEqual(['escalate']);
    expect(await jobs()).toEqual([]);
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${started.id}`)).body.items as Array<{ id: string; activityId: string }>;
    expect(tasks.map((x) => x.activityId)).toEqual(['escalate']);
    expect((await t.admin.post(`/api/tasks/${tasks[0]?.id ?? ''}/complete`).send({ variables: {} })).status).toBe(200);
    expect(await instance(started.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  const openTasks = async (id: string) =>
    ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Array<{ id: string; activityId: string }>).sort((a, b) =>
      a.activityId.localeCompare(b.activityId),
    );
  const completeAll = async (id: string) => {
    for (const task of await openTasks(id)) expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({ variables: {} })).status).toBe(200);
  };

  test('a message start event of an event sub-process inside a sub-process is a subscription while the sub-process runs', async () => {
    const started = await start('espMessage');
    const res = await t.admin.post('/api/messages').send({ messageName: 'note-added', processInstanceId: started.id, variables: { note: 'call back' } });
    expect(res.status).toBe(200);
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['readNote', 'work']);
    expect((await instance(started.id)).state).toBe('running');
    await completeAll(started.id);
    expect(await instance(started.id)).toMatchObject({ state: 'completed', incidents: 0 });
    // The sub-process ended, and its subscription with it.
    const again = await t.admin.post('/api/messages').send({ messageName: 'note-added', processInstanceId: started.id });
    expect(again.status).toBe(404);
  });

  test('an interrupting escalation event sub-process inside a sub-process ends the rest of its scope', async () => {
    const started = await start('espEscalation');
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['handleLate']);
    await completeAll(started.id);
    expect(await instance(started.id)).toMatchObject({ state: 'completed', incidents: 0 });
  });

  test('a signal end event reaches every other instance waiting for the signal before the start is answered', async () => {
    const first = await start('alarmWatch');
    const second = await start('alarmWatch');
    const raised = await start('alarmRaise');
    expect(raised.state).toBe('completed');
    for (const id of [first.id, second.id]) {
      await waitUntil(
        async () => (await instance(id)).waitingAt.some((w: { activityId: string }) => w.activityId === 'evacuate'),
        'the signal to reach a watcher',
      );
      expect(await instance(id)).toMatchObject({ state: 'running', incidents: 0, waitingAt: [expect.objectContaining({ activityId: 'evacuate' })] });
    }
    // The signal's delivery job is gone with its delivery.
    expect(((await t.admin.get('/api/jobs?kind=signal')).body.items as unknown[]).length).toBe(0);
  });

  test('an intermediate signal throw event reaches the waiting instances and its own instance goes on', async () => {
    const watcher = await start('alarmWatch');
    const raiser = await start('alarmRaiseMidway');
    expect(raiser).toMatchObject({ state: 'running', waitingAt: [expect.objectContaining({ activityId: 'report' })] });
    // Delivered by the signal job: right after the throwing event, or by the job executor when its
    // poll leased that job first (at least once, either way).
    await waitUntil(
      async () => (await instance(watcher.id)).waitingAt.some((w: { activityId: string }) => w.activityId === 'evacuate'),
      'the watcher to reach evacuate',
    );
    expect((await instance(watcher.id)).waitingAt).toEqual([expect.objectContaining({ activityId: 'evacuate' })]);
  });

  test('a signal thrown while no instance waits reaches nobody, and later instances wait as usual', async () => {
    const raised = await start('alarmRaise');
    expect(raised.state).toBe('completed');
    const watcher = await start('alarmWatch');
    expect((await instance(watcher.id)).waitingAt).toEqual([expect.objectContaining({ activityId: 'alarmHeard' })]);
    await executorRound(t.admin);
    expect((await instance(watcher.id)).waitingAt).toEqual([expect.objectContaining({ activityId: 'alarmHeard' })]);
  });

  describe('with due jobs run by the test (no polling)', () => {
    const u = serviceForDescribe(kind, { runJobs: false });
    const variants: Array<[string, string]> = [
      ['compensation-by-ref.bpmn', compensationByRef()],
      ['trip-by-hand.bpmn', tripByHand()],
      ['damage-claim-always.bpmn', damagedClaim('damageClaimAlways')],
      ['damage-claim-no-boundary.bpmn', damagedClaim('damageClaimNoBoundary', { boundary: false })],
      ['damage-claim-named.bpmn', damagedClaim('damageClaimNamed', { named: true })],
    ];

    beforeAll(async () => {
      const files = [
        'compensation-after-sub-process.bpmn',
        'compensation-in-sub-process.bpmn',
        'non-interrupting-boundaries.bpmn',
        'gateway-zero-timer.bpmn',
        'exclusive-merge.bpmn',
        'event-sub-process-errors.bpmn',
        'signal-start.bpmn',
        'listeners.bpmn',
        'input-output-local.bpmn',
        'error-routing-sub-process.bpmn',
        'error-routing-top-level.bpmn',
      ];
      for (const name of files) expect((await deploy(u, fixture(name), name)).status).toBe(201);
      for (const [name, xml] of variants) expect((await deploy(u, xml, name)).status).toBe(201);
    });

    type Inst = {
      id: string;
      state: string;
      variables: Record<string, unknown>;
      waitingAt: Array<{ activityId: string; taskId?: string; variables?: Record<string, unknown> }>;
    };
    const begin = async (key: string, variables: Record<string, unknown> = {}) => {
      const res = await u.admin.post(`/api/process-definitions/${key}/start`).send({ variables });
      expect(res.status).toBe(201);
      return res.body as Inst;
    };
    const get = async (id: string) => (await u.admin.get(`/api/process-instances/${id}`)).body as Inst;
    const waits = async (id: string) => (await get(id)).waitingAt.map((w) => w.activityId).sort();
    const tasksOf = async (id: string) =>
      (await u.admin.get(`/api/tasks?state=open&processInstanceId=${id}&limit=500`)).body.items as Array<{ id: string; activityId: string; name: string }>;
    const finish = async (id: string, activityId: string, variables: Record<string, unknown> = {}) => {
      const task = (await tasksOf(id)).find((x) => x.activityId === activityId);
      if (!task) throw new Error(`no open task at <${activityId}> in instance <${id}>`);
      const res = await u.admin.post(`/api/tasks/${task.id}/complete`).send({ variables });
      expect(res.status).toBe(200);
      return res.body as { processInstance: Inst };
    };
    const history = async (id: string) =>
      (await u.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    const startedIn = async (id: string, activityId: string) => (await history(id)).filter((h) => h.activityId === activityId && h.event === 'start').length;
    const message = (id: string, messageName: string) => u.admin.post('/api/messages').send({ messageName, processInstanceId: id });

    test('a throw after a sub-process ended runs the handler of what completed in it and waits for it before going on', async () => {
      const stay = await begin('compensationAfterSubProcess');
      await finish(stay.id, 'bookHotel');
      await finish(stay.id, 'confirm');
      expect(await waits(stay.id)).toEqual(['cancelHotel', 'undoStay']);
      await finish(stay.id, 'cancelHotel');
      expect(await waits(stay.id)).toEqual(['tellCustomer']);
      await finish(stay.id, 'tellCustomer');
      expect((await get(stay.id)).state).toBe('completed');
    });

    test('a sub-process in which two compensable activities completed ends; a throw after it runs every handler, newest first, and waits for all', async () => {
      const trip = await begin('tripByHand');
      for (const task of ['bookFlight', 'bookHotel', 'chargeCard']) await finish(trip.id, task);
      expect(await waits(trip.id)).toEqual(['confirm']);
      await finish(trip.id, 'confirm', { answer: 'cancel' });
      expect(await waits(trip.id)).toEqual(['cancelFlight', 'cancelHotel', 'refundCard', 'undoTrip']);
      const handlersStarted = (await history(trip.id))
        .filter((h) => h.event === 'start' && ['cancelFlight', 'cancelHotel', 'refundCard'].includes(h.activityId ?? ''))
        .map((h) => h.activityId);
      expect(handlersStarted).toEqual(['refundCard', 'cancelHotel', 'cancelFlight']);
      for (const task of ['refundCard', 'cancelHotel']) await finish(trip.id, task);
      expect(await waits(trip.id)).toEqual(['cancelFlight', 'undoTrip']);
      await finish(trip.id, 'cancelFlight');
      expect(await waits(trip.id)).toEqual(['tellCustomer']);
    });

    test('a throw inside a sub-process, with or without activityRef, compensates only there and waits for the handler', async () => {
      for (const key of ['compensationInSubProcess', 'compensationByRef']) {
        const run = await begin(key);
        await finish(run.id, 'elsewhere');
        await finish(run.id, 'prepare');
        expect(await waits(run.id)).toEqual(['undoInside', 'unprepare']);
        await finish(run.id, 'unprepare');
        expect(await waits(run.id)).toEqual(['review']);
        expect(await startedIn(run.id, 'undoElsewhere')).toBe(0);
      }
    });

    test('a non-interrupting message boundary event catches a second message while its task runs', async () => {
      const run = await begin('nonInterruptingBoundaries');
      expect((await message(run.id, 'note')).status).toBe(200);
      await finish(run.id, 'readNote');
      expect((await message(run.id, 'note')).status).toBe(200);
      expect(await waits(run.id)).toEqual(['readNote', 'work']);
      expect(await startedIn(run.id, 'readNote')).toBe(2);
    });

    test('a PT0S timer behind an event-based gateway is a job: the message that comes before it runs wins', async () => {
      const run = await begin('gatewayZeroTimer');
      expect(await waits(run.id)).toEqual(['answered', 'choose', 'noWait', 'stopped']);
      expect((await u.admin.get(`/api/jobs?processInstanceId=${run.id}&kind=timer`)).body.items).toEqual([expect.objectContaining({ activityId: 'noWait' })]);
      expect((await message(run.id, 'answer')).status).toBe(200);
      expect(await waits(run.id)).toEqual(['afterAnswer']);
      await runDueJobs(u);
      expect(await waits(run.id)).toEqual(['afterAnswer']);
      expect(await startedIn(run.id, 'afterTimer')).toBe(0);
    });

    test('three tokens through a merging exclusive gateway each reach the task after it', async () => {
      const run = await begin('exclusiveMerge');
      for (let token = 1; token <= 3; token++) {
        expect(await waits(run.id)).toEqual(['work']);
        await finish(run.id, 'work');
      }
      expect((await get(run.id)).state).toBe('completed');
      expect(await startedIn(run.id, 'work')).toBe(3);
    });

    test('an error start event without errorRef starts its error event sub-process', async () => {
      const run = await begin('damageClaimNoBoundary');
      await finish(run.id, 'inspect');
      expect(await waits(run.id)).toEqual(['escalate']);
      await finish(run.id, 'escalate');
      expect(await waits(run.id)).toEqual(['ship']);
    });

    test('the error event sub-process of the scope of the throw wins over the boundary event of that scope, catch-all or named', async () => {
      for (const key of ['damageClaimAlways', 'damageClaimNamed']) {
        const run = await begin(key);
        await finish(run.id, 'inspect');
        expect(await waits(run.id)).toEqual(['escalate']);
        await finish(run.id, 'escalate');
        expect(await waits(run.id)).toEqual(['ship']);
        expect(await startedIn(run.id, 'boundaryCaught')).toBe(0);
      }
    });

    test('the boundary error event of a task waiting on another path does not catch an error thrown beside it: the task stays open', async () => {
      for (const key of ['errorRoutingSubProcess', 'errorRoutingTopLevel']) {
        const run = await begin(key);
        await finish(run.id, 'aWork');
        expect(await waits(run.id)).toContain('b');
        expect(await startedIn(run.id, 'caughtByB')).toBe(0);
      }
    });

    test('a variable set over the API that makes the condition hold starts the conditional event sub-process', async () => {
      const run = await begin('damageClaim');
      expect(await waits(run.id)).toEqual(['inspect']);
      expect((await u.admin.put(`/api/process-instances/${run.id}/variables/cancelled`).send({ value: true })).status).toBe(200);
      expect(await waits(run.id)).toEqual(['confirmCancel']);
    });

    test('every broadcast of a signal starts a new instance at its signal start event', async () => {
      const instances = async () => (await u.admin.get('/api/process-instances?definitionKey=alarmDrill')).body.items as Inst[];
      expect(await instances()).toEqual([]);
      for (let round = 1; round <= 2; round++) {
        expect((await u.admin.post('/api/signals').send({ signalName: 'fire-alarm' })).body).toEqual({ delivered: 1 });
      }
      const started = await instances();
      expect(started).toHaveLength(2);
      for (const one of started) expect(one.waitingAt.map((w) => w.activityId)).toEqual(['drill']);
    });

    test('expression execution and task listeners run and set their variables', async () => {
      const run = await begin('listeners', { reviewer: 'ann' });
      expect(run.variables).toMatchObject({ processStarted: run.id, startEnded: 'start', tookFrom: 'start', events: 'create,assignment:ann' });
      const done = await finish(run.id, 'review', { approved: true });
      expect(done.processInstance).toMatchObject({ state: 'completed', variables: { decision: 'yes', endStarted: 'endYes', processEnded: 'end' } });
    });

    test('camunda:inputOutput inputs are local variables of their task; the boundary timer reads its duration from one', async () => {
      const run = await begin('localInputs', { orderId: 'A-7', owner: 'rita', amount: 10 });
      expect(run.variables).toEqual({ orderId: 'A-7', owner: 'rita', amount: 10 });
      expect(run.waitingAt).toEqual([
        expect.objectContaining({ activityId: 'review', variables: { label: 'order A-7', reviewer: 'rita', team: 'reviewers', amount: 20, patience: 'PT2H' } }),
      ]);
      expect((await tasksOf(run.id)).map((x) => x.name)).toEqual(['Review order A-7']);
      expect((await u.admin.get(`/api/jobs?processInstanceId=${run.id}&kind=timer`)).body.items).toEqual([expect.objectContaining({ activityId: 'tooSlow' })]);
    });
  });
});
