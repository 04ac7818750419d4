// Signal start events over HTTP, on SQLite and Postgres: a broadcast (POST /api/signals) and a
// signal thrown by another instance start one new instance of every latest definition subscribed
// to the signal's name, as in Camunda 7; a new version replaces the old one's subscription; a
// restart changes nothing; a thrown signal's job run again starts nothing twice.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForEachTest } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

interface Instance {
  id: string;
  definitionKey: string;
  definitionVersion: number;
  state: string;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string }>;
}

describe.each(databaseKinds)('signal start events on %s', (kind) => {
  const t = serviceForEachTest(kind);

  async function deployFixture(name: string, xml = fixture(name)): Promise<void> {
    const res = await deploy(t, xml, name);
    expect(res.status).toBe(201);
  }

  async function instancesOf(key: string): Promise<Instance[]> {
    const res = await t.admin.get(`/api/process-instances?definitionKey=${key}&limit=500`);
    expect(res.status).toBe(200);
    return res.body.items as Instance[];
  }

  async function start(key: string, variables: Record<string, unknown> = {}): Promise<Instance> {
    const res = await t.admin.post(`/api/process-definitions/${key}/start`).send({ variables });
    expect(res.status).toBe(201);
    return res.body as Instance;
  }

  async function historyOf(id: string | undefined): Promise<Array<{ activityId: string | null; event: string; by?: string }>> {
    const res = await t.admin.get(`/api/process-instances/${id}/history`);
    expect(res.status).toBe(200);
    return res.body as Array<{ activityId: string | null; event: string; by?: string }>;
  }

  const waitsAt = (i: Instance) => i.waitingAt.map((w) => w.activityId);

  test('a broadcast starts one instance of each definition with a signal start event of its name, with the signal variables', async () => {
    await deployFixture('signal-start.bpmn');
    await deployFixture('signal-or-none-start.bpmn');
    await deployFixture('signal-catch.bpmn');
    const watcher = await start('alarmWatch');
    const broadcaster = await createUser(t, 'bea', ['broadcasters']);
    const outsider = await createUser(t, 'olaf', ['sales']);

    // Without the right to broadcast, nothing is started.
    const refused = await t
      .as(outsider)
      .post('/api/signals')
      .send({ signalName: 'fire-alarm', variables: { floor: 3 } });
    expect(refused.status).toBe(403);
    expect(await instancesOf('alarmDrill')).toEqual([]);

    const res = await t
      .as(broadcaster)
      .post('/api/signals')
      .send({ signalName: 'fire-alarm', variables: { floor: 3 } });
    expect(res.status).toBe(200);
    // The waiting watcher and the two started instances.
    expect(res.body).toEqual({ delivered: 3 });

    const [drill, ...moreDrills] = await instancesOf('alarmDrill');
    expect(moreDrills).toEqual([]);
    expect(drill).toMatchObject({ state: 'running', variables: { floor: 3 } });
    expect(waitsAt(drill as Instance)).toEqual(['drill']);
    // Started by the broadcaster, at the signal start event, as any start is recorded.
    const history = await historyOf(drill?.id);
    expect(history.find((h) => h.event === 'instance-start')).toMatchObject({ by: 'bea' });
    expect(history.map((h) => h.activityId)).toEqual(expect.arrayContaining(['alarmStart', 'drill']));
    // The definition with a none start event too is started at its signal start event only.
    const logs = await instancesOf('alarmLog');
    expect(logs).toHaveLength(1);
    expect(waitsAt(logs[0] as Instance)).toEqual(['logAlarm']);
    expect(logs[0]?.variables).toMatchObject({ floor: 3 });
    expect(waitsAt((await instancesOf('alarmWatch')).find((i) => i.id === watcher.id) as Instance)).toEqual(['evacuate']);

    // A second broadcast: one more instance of each, the first ones stay where they are.
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-alarm' })).body).toEqual({ delivered: 2 });
    expect(await instancesOf('alarmDrill')).toHaveLength(2);
    expect(await instancesOf('alarmLog')).toHaveLength(2);
    // A signal of another name starts nothing.
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-drill' })).body).toEqual({ delivered: 0 });
  });

  test('started over the API, a definition with a signal start event takes its none start only', async () => {
    await deployFixture('signal-or-none-start.bpmn');
    const byHand = await start('alarmLog');
    expect(waitsAt(byHand)).toEqual(['logByHand']);
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-alarm' })).body).toEqual({ delivered: 1 });
    const logs = await instancesOf('alarmLog');
    expect(logs.map(waitsAt).sort()).toEqual([['logAlarm'], ['logByHand']]);
  });

  test('a signal end event of one instance starts the definitions with a signal start event of that name', async () => {
    await deployFixture('signal-start.bpmn');
    await deployFixture('signal-throw.bpmn');
    const raised = await start('alarmRaise');
    expect(raised.state).toBe('completed');
    await waitUntil(async () => (await instancesOf('alarmDrill')).length > 0, 'the thrown signal to start alarmDrill');
    const drills = await instancesOf('alarmDrill');
    expect(drills).toHaveLength(1);
    expect(drills[0]).toMatchObject({ state: 'running' });
    expect(waitsAt(drills[0] as Instance)).toEqual(['drill']);
    // Started by no user: by the signal the other instance threw.
    expect((await historyOf(drills[0]?.id)).find((h) => h.event === 'instance-start')?.by).toBeUndefined();
    expect(((await t.admin.get('/api/jobs?kind=signal')).body.items as unknown[]).length).toBe(0);
  });

  test('a thrown signal starts a new instance of the throwing definition itself, not a second path in the thrower', async () => {
    // The none start path throws "fire-alarm" and ends; the signal start leads to a task.
    const relay = fixture('signal-or-none-start.bpmn')
      .replace('id="Defs_signalOrNoneStart"', 'id="Defs_signalRelay"')
      .replace(
        '<bpmn:userTask id="logByHand" name="Log an entry" />',
        '<bpmn:intermediateThrowEvent id="logByHand"><bpmn:signalEventDefinition id="sed_relay" signalRef="Sig_alarm" /></bpmn:intermediateThrowEvent>',
      );
    await deployFixture('signal-relay.bpmn', relay);
    const thrower = await start('alarmLog');
    expect(thrower).toMatchObject({ state: 'completed' });
    await waitUntil(async () => (await instancesOf('alarmLog')).length > 1, 'the thrown signal to start alarmLog again');
    const started = (await instancesOf('alarmLog')).filter((i) => i.id !== thrower.id);
    expect(started).toHaveLength(1);
    expect(waitsAt(started[0] as Instance)).toEqual(['logAlarm']);
  });

  test('a thrown signal name with an expression is sent under its value and starts the definition subscribed to it', async () => {
    await deployFixture('signal-start-by-zone.bpmn');
    await deployFixture('signal-throw-expression.bpmn');
    expect((await start('zoneAlarm', { zone: 'south' })).state).toBe('completed');
    expect((await start('zoneAlarm', { zone: 'north' })).state).toBe('completed');
    await waitUntil(async () => (await instancesOf('northResponse')).length > 0, 'the north alarm to start northResponse');
    await executorRound(t.admin);
    const started = await instancesOf('northResponse');
    expect(started).toHaveLength(1);
    expect(waitsAt(started[0] as Instance)).toEqual(['respond']);
    expect((await t.admin.post('/api/signals').send({ signalName: 'zone-north-alarm' })).body).toEqual({ delivered: 1 });
  });

  test('a new version replaces the old one’s signal start event', async () => {
    await deployFixture('signal-start.bpmn');
    await deployFixture('signal-start-v2.bpmn', fixture('signal-start.bpmn').replace('name="fire-alarm"', 'name="fire-drill"'));
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-alarm' })).body).toEqual({ delivered: 0 });
    expect(await instancesOf('alarmDrill')).toEqual([]);
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-drill' })).body).toEqual({ delivered: 1 });
    const [drill] = await instancesOf('alarmDrill');
    expect(drill).toMatchObject({ definitionVersion: 2, state: 'running' });
  });

  test('after a restart between the deploy and the broadcast, the signal still starts the definition', async () => {
    await deployFixture('signal-start.bpmn');
    await t.restart();
    expect((await t.admin.post('/api/signals').send({ signalName: 'fire-alarm', variables: { drillNo: 7 } })).body).toEqual({ delivered: 1 });
    const [drill] = await instancesOf('alarmDrill');
    expect(drill).toMatchObject({ state: 'running', variables: { drillNo: 7 } });
    expect(waitsAt(drill as Instance)).toEqual(['drill']);
  });

  test('a thrown signal’s job run a second time (as after a crash before its row was deleted) starts no instance twice', async () => {
    await deployFixture('signal-start.bpmn');
    await deployFixture('signal-throw.bpmn');
    const jobIds: string[] = [];
    t.service.events.onSignalsThrown((ids) => Promise.resolve(void jobIds.push(...ids)));
    const raised = await start('alarmRaise');
    await waitUntil(async () => (await instancesOf('alarmDrill')).length > 0, 'the thrown signal to start alarmDrill');
    const [first] = await instancesOf('alarmDrill');
    expect(jobIds).toHaveLength(1);
    expect(((await t.admin.get('/api/jobs?kind=signal')).body.items as unknown[]).length).toBe(0);

    // The job's row back as it was committed with the throw: the next poll carries it out again.
    const now = (await t.admin.get('/api/clock')).body.now as string;
    await t.service.store.jobs.insert(
      [
        {
          id: jobIds[0] as string,
          kind: 'signal',
          processInstanceId: null,
          activityId: 'raised',
          executionId: null,
          dueAt: now,
          payload: { signalName: 'fire-alarm', thrownBy: raised.id },
        },
      ],
      now,
    );
    await executorRound(t.admin);
    expect(((await t.admin.get('/api/jobs?kind=signal')).body.items as unknown[]).length).toBe(0);
    const drills = await instancesOf('alarmDrill');
    expect(drills.map((d) => d.id)).toEqual([first?.id]);

    // Another throw is another job: it starts another instance.
    await start('alarmRaise');
    await waitUntil(async () => (await instancesOf('alarmDrill')).length > 1, 'the second throw to start alarmDrill');
    expect(await instancesOf('alarmDrill')).toHaveLength(2);
  });
});
