// Scenarios of gateways and boundary events as Camunda 7 runs them: a PT0S timer behind an
// event-based gateway is a job (a message that comes first wins), non-interrupting message,
// signal and timer-cycle boundaries catch again and again while their task runs (also across a
// restart), an exclusive gateway passes on every token that reaches it, and attributes written
// with blanks around `=` deploy. Most tests run the service without its polling job executor and
// run the due jobs themselves (runDueJobs), as a Camunda test executes a job.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, runDueJobs, serviceForDescribe } from '../helpers/test-service';
import { restCalls } from '../helpers/rest-calls';
import { waitUntil } from '../helpers/wait';

describe.each(databaseKinds)('gateways and boundary events on %s', (kind) => {
  const t = serviceForDescribe(kind, { runJobs: false });

  beforeAll(async () => {
    for (const file of ['gateway-zero-timer.bpmn', 'non-interrupting-boundaries.bpmn', 'attribute-blanks.bpmn', 'exclusive-merge.bpmn']) {
      const res = await deploy(t, fixture(file), file);
      expect(res.status).toBe(201);
    }
  });

  const { start, instance, waits: waiting, openTasks, completeAt: complete } = restCalls(t);
  const timerJobs = async (id: string): Promise<Array<{ activityId: string; dueAt: string }>> =>
    (await t.admin.get(`/api/jobs?processInstanceId=${id}&kind=timer`)).body.items as Array<{ activityId: string; dueAt: string }>;
  const message = (id: string, messageName: string) => t.admin.post('/api/messages').send({ messageName, processInstanceId: id });
  const clockNow = async (): Promise<number> => Date.parse((await t.admin.get('/api/clock')).body.now as string);
  const moveClock = async (ms: number): Promise<void> => {
    const res = await t.admin.put('/api/clock').send({ now: new Date((await clockNow()) + ms).toISOString() });
    expect(res.status).toBe(200);
  };

  describe('a PT0S timer behind an event-based gateway', () => {
    test('is a timer job due at once, not fired in the start; a message that comes before the job runs wins and the job goes', async () => {
      const started = await start('gatewayZeroTimer');
      expect(started.waitingAt.map((w) => w.activityId).sort()).toEqual(['answered', 'choose', 'noWait', 'stopped']);
      const jobs = await timerJobs(started.id);
      expect(jobs).toEqual([expect.objectContaining({ activityId: 'noWait' })]);
      expect(Date.parse(jobs[0]?.dueAt ?? '')).toBeLessThanOrEqual(await clockNow());

      expect((await message(started.id, 'answer')).status).toBe(200);
      expect(await waiting(started.id)).toEqual(['afterAnswer']);
      expect(await timerJobs(started.id)).toEqual([]);
      // The job is gone with the gateway's other branches: running the due jobs changes nothing.
      await runDueJobs(t);
      expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['afterAnswer']);
    });

    test('a signal that comes first wins too', async () => {
      const started = await start('gatewayZeroTimer');
      expect((await t.admin.post('/api/signals').send({ signalName: 'stopWaiting' })).body).toMatchObject({ delivered: 1 });
      expect(await waiting(started.id)).toEqual(['afterStop']);
      expect(await timerJobs(started.id)).toEqual([]);
    });

    test('when its job runs first, the timer wins and the message finds nothing waiting (404)', async () => {
      const started = await start('gatewayZeroTimer');
      expect(await runDueJobs(t)).toBeGreaterThanOrEqual(1);
      expect(await waiting(started.id)).toEqual(['afterTimer']);
      const late = await message(started.id, 'answer');
      expect(late.status).toBe(404);
      expect(late.body.code).toBe('MESSAGE_NOT_CORRELATED');
    });
  });

  describe('non-interrupting boundary events', () => {
    test('a message boundary catches every message while its task runs, and none after it ended', async () => {
      const started = await start('nonInterruptingBoundaries');
      for (let round = 1; round <= 3; round++) {
        expect((await message(started.id, 'note')).status).toBe(200);
        expect(await waiting(started.id)).toEqual(['readNote', 'work']);
        await complete(started.id, 'readNote');
        expect(await waiting(started.id)).toEqual(['work']);
      }
      await complete(started.id, 'work');
      expect((await instance(started.id)).state).toBe('completed');
      expect((await message(started.id, 'note')).status).toBe(404);
      const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
      expect(history.filter((h) => h.activityId === 'noteRead' && h.event === 'end')).toHaveLength(3);
    });

    test('a signal boundary catches every signal while its task runs', async () => {
      const started = await start('nonInterruptingBoundaries');
      for (let round = 1; round <= 2; round++) {
        expect((await t.admin.post('/api/signals').send({ signalName: 'ping' })).body).toMatchObject({ delivered: 1 });
        expect(await waiting(started.id)).toEqual(['answerPing', 'work']);
        await complete(started.id, 'answerPing');
      }
      await complete(started.id, 'work');
      expect((await t.admin.post('/api/signals').send({ signalName: 'ping' })).body).toMatchObject({ delivered: 0 });
    });

    test('a timer cycle R3/PT1H fires three times while its task runs, each firing a job run when due, and not a fourth time', async () => {
      const started = await start('nonInterruptingBoundaries');
      for (let round = 1; round <= 3; round++) {
        expect(await timerJobs(started.id)).toEqual([expect.objectContaining({ activityId: 'hourly' })]);
        await moveClock(3600_000 + 1000);
        await runDueJobs(t);
        expect(await waiting(started.id)).toEqual(['remind', 'work']);
        await complete(started.id, 'remind');
      }
      expect(await timerJobs(started.id)).toEqual([]);
      await moveClock(3600_000 + 1000);
      await runDueJobs(t);
      expect(await waiting(started.id)).toEqual(['work']);
      await complete(started.id, 'work');
      expect((await instance(started.id)).state).toBe('completed');
    });

    test('a message boundary armed before a restart catches after it, again and again, until its task ends', async () => {
      const started = await start('nonInterruptingBoundaries');
      expect((await message(started.id, 'note')).status).toBe(200);
      await complete(started.id, 'readNote');

      await t.restart({ runJobs: false });

      expect(await waiting(started.id)).toEqual(['work']);
      expect((await message(started.id, 'note')).status).toBe(200);
      expect(await waiting(started.id)).toEqual(['readNote', 'work']);

      await t.restart({ runJobs: false });

      await complete(started.id, 'readNote');
      expect((await message(started.id, 'note')).status).toBe(200);
      await complete(started.id, 'readNote');
      await complete(started.id, 'work');
      expect((await instance(started.id)).state).toBe('completed');
      expect((await message(started.id, 'note')).status).toBe(404);
    });
  });

  test('an exclusive gateway reached by three tokens passes each of them on to the task after it, also across a restart', async () => {
    const started = await start('exclusiveMerge');
    // bpmn-elements runs one token of an activity at a time: the next token's task opens when the one before is completed.
    for (let token = 1; token <= 3; token++) {
      expect(await waiting(started.id)).toEqual(['work']);
      await complete(started.id, 'work');
      if (token === 1) {
        await t.restart({ runJobs: false });
      }
    }
    expect((await instance(started.id)).state).toBe('completed');
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'end' && h.event === 'end')).toHaveLength(3);
  });

  test('attributes written with blanks around their `=` deploy, mean what they say, and the XML is kept as deployed', async () => {
    const xml = fixture('attribute-blanks.bpmn');
    const stored = await t.admin.get('/api/process-definitions/attributeBlanks/xml');
    expect(stored.status).toBe(200);
    expect(stored.text).toBe(xml);

    const big = await start('attributeBlanks', { amount: 250 });
    expect(await openTasks(big.id)).toEqual([expect.objectContaining({ activityId: 'check', name: 'Check the amount', candidateGroups: ['reviewers'] })]);
    const small = await start('attributeBlanks', { amount: 50 });
    expect((await instance(small.id)).state).toBe('completed');
  });

  test('with the job executor polling, a PT0S timer behind an event-based gateway fires on its next poll', async () => {
    await t.restart({});
    const started = await start('gatewayZeroTimer');
    await waitUntil(async () => (await waiting(started.id)).join() === 'afterTimer', 'the PT0S timer job to run and open afterTimer');
    expect(await timerJobs(started.id)).toEqual([]);
  });
});
