// Limits of bare bpmn-engine 25 (bpmn-elements 17) that procflow lifts, each shown side by side:
// the same diagram run by `new Engine({ source })` as bpmn-engine's README shows, and by procflow
// over HTTP on SQLite and Postgres, with time from the service clock.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

const FIVE_MINUTES = 5 * 60_000;

interface BareRun {
  engine: Engine;
  errors: string[];
  waitingAt(): string[];
}

/** Only the process `processId` of a document with several (bare bpmn-engine would run them all). */
function onlyProcess(xml: string, processId: string): string {
  return xml.replace(/<bpmn:process id="([^"]+)"[^>]*isExecutable="true"/g, (tag, id: string) =>
    id === processId ? tag : tag.replace('isExecutable="true"', 'isExecutable="false"'),
  );
}

/** Runs a diagram with bare bpmn-engine until it waits, ends or fails. */
async function runBare(source: string): Promise<BareRun> {
  const engine = new Engine({ name: 'bare', source });
  const errors: string[] = [];
  engine.on('error', (err: Error) => errors.push(err.message));
  const listener = new EventEmitter();
  await engine.execute({ listener } as never);
  // Let the broker deliver what the execute queued (no timers are involved: nothing is awaited by time).
  await new Promise((resolve) => setImmediate(resolve));
  return {
    engine,
    errors,
    waitingAt: () => {
      type Api = { id: string; getPostponed?(): Api[] };
      const execution = engine.execution as unknown as { getPostponed(): Api[] } | undefined;
      if (String(engine.state) !== 'running' || !execution) return [];
      // Sub-processes by what waits inside them.
      const walk = (apis: Api[], self?: string): string[] =>
        apis.filter((a) => a.id !== self).flatMap((a) => (a.getPostponed && a.getPostponed().length ? walk(a.getPostponed(), a.id) : [a.id]));
      return walk(execution.getPostponed()).sort();
    },
  };
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
      (run.engine.execution as unknown as { signal(m: unknown): void }).signal({ id: 'Msg_note' });
      await new Promise((resolve) => setImmediate(resolve));
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
});
