// Compensation over HTTP on SQLite and on Postgres, with the trip of
// test/fixtures/bpmn/compensation-trip.bpmn: a flight booked by a service handler, a hotel (user
// task) and a card charge (external task) booked in a sub-process, each with a compensation
// handler. When the customer cancels, the throw event compensates what completed — the finished
// sub-process included — newest first, and the instance goes on only once every handler has
// ended; the record of what completed, and the handlers still running, survive restarts of the
// service before and during the compensation.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import type { ServiceRegistry } from '../../src/engine/service-registry';

interface Instance {
  id: string;
  state: string;
  waitingAt: Array<{ activityId: string }>;
}
interface Task {
  id: string;
  activityId: string;
}

describe.each(databaseKinds)('compensation on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  /** What the flight handlers were called with, in order. */
  let flightCalls: Array<{ activityId: string; flightRef: unknown }> = [];

  const register = (r: ServiceRegistry) => {
    r.register('trip.book-flight', (call) => {
      flightCalls.push({ activityId: call.activityId, flightRef: null });
      return Promise.resolve({ flightRef: 'LH-4711' });
    });
    r.register('trip.cancel-flight', (call) => {
      flightCalls.push({ activityId: call.activityId, flightRef: call.variables.flightRef });
      return Promise.resolve({ flightCancelled: true });
    });
  };
  const start = () => startTestService(db, { registerServices: register });
  const restart = async () => {
    await t.stop();
    t = await start();
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await start();
    expect((await deploy(t, fixture('compensation-trip.bpmn'), 'compensation-trip.bpmn')).status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  beforeEach(() => {
    flightCalls = [];
  });

  const instance = async (id: string) => {
    const res = await t.admin.get(`/api/process-instances/${id}`);
    expect(res.status).toBe(200);
    return res.body as Instance;
  };
  const waitingAt = async (id: string) => (await instance(id)).waitingAt.map((w) => w.activityId).sort();
  const openTasks = async (id: string) =>
    ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Task[]).map((x) => x.activityId).sort();
  const completeTask = async (id: string, activityId: string, variables: Record<string, unknown> = {}) => {
    const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Task[];
    const task = tasks.find((x) => x.activityId === activityId);
    if (!task) throw new Error(`no open task at <${activityId}>: ${JSON.stringify(tasks.map((x) => x.activityId))}`);
    expect((await t.admin.post(`/api/tasks/${task.id}/complete`).send({ variables })).status).toBe(200);
  };
  const completeExternal = async (id: string, topic: string) => {
    const list = await t.admin.get(`/api/external-tasks?topic=${encodeURIComponent(topic)}&processInstanceId=${id}`);
    const items = list.body.items as Array<{ id: string }>;
    expect(items).toHaveLength(1);
    expect((await t.admin.post(`/api/external-tasks/${items[0]?.id}/complete`).send({ variables: {} })).status).toBe(200);
  };
  const externalTopics = async (id: string) =>
    ((await t.admin.get(`/api/external-tasks?processInstanceId=${id}`)).body.items as Array<{ topic: string }>).map((x) => x.topic).sort();
  const started = (history: Array<{ activityId: string | null; event: string }>, ids: string[]) =>
    history.filter((h) => h.activityId !== null && ids.includes(h.activityId) && h.event === 'start').map((h) => h.activityId);

  /** Books flight, hotel and card; the instance then waits at the confirmation. */
  const bookTrip = async () => {
    const res = await t.admin.post('/api/process-definitions/tripBooking/start').send({ variables: {} });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await completeTask(id, 'bookHotel');
    await completeExternal(id, 'trip.charge');
    expect(await waitingAt(id)).toEqual(['confirm']);
    return id;
  };

  test('a confirmed trip ends without running any compensation handler', async () => {
    const id = await bookTrip();
    await completeTask(id, 'confirm', { answer: 'go' });
    expect(await instance(id)).toMatchObject({ state: 'completed' });
    expect(flightCalls.map((c) => c.activityId)).toEqual(['bookFlight']);
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(started(history, ['cancelFlight', 'cancelHotel', 'refundCard'])).toEqual([]);
  });

  test('a cancelled trip runs every handler, newest first, and goes on after the last; restarts before and during the compensation lose nothing', async () => {
    const id = await bookTrip();
    // The sub-process has completed; what it booked is still to be compensated after a restart.
    await restart();
    await completeTask(id, 'confirm', { answer: 'cancel' });

    // The card is refunded by a worker, the hotel cancelled by a person, the flight by its handler
    // at once; the throw waits for all three (the customer is not told yet).
    expect(await waitingAt(id)).toEqual(['cancelHotel', 'refundCard', 'undoTrip']);
    expect(await openTasks(id)).toEqual(['cancelHotel']);
    expect(await externalTopics(id)).toEqual(['trip.refund']);
    expect(flightCalls).toEqual([
      { activityId: 'bookFlight', flightRef: null },
      { activityId: 'cancelFlight', flightRef: 'LH-4711' },
    ]);
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(started(history, ['cancelFlight', 'cancelHotel', 'refundCard'])).toEqual(['refundCard', 'cancelHotel', 'cancelFlight']);

    await restart();
    await completeTask(id, 'cancelHotel');
    expect(await waitingAt(id)).toEqual(['refundCard', 'undoTrip']);
    expect(await openTasks(id)).toEqual([]);

    await restart();
    await completeExternal(id, 'trip.refund');
    expect(await waitingAt(id)).toEqual(['tellCustomer']);
    await completeTask(id, 'tellCustomer');
    expect(await instance(id)).toMatchObject({ state: 'completed' });
    // Each handler ran once.
    expect(flightCalls.filter((c) => c.activityId === 'cancelFlight')).toHaveLength(1);
  });

  test('an end event with activityRef compensates only that activity and ends the instance after its handler', async () => {
    const id = await bookTrip();
    await completeTask(id, 'confirm', { answer: 'no flight' });
    expect(await instance(id)).toMatchObject({ state: 'completed' });
    expect(flightCalls.map((c) => c.activityId)).toEqual(['bookFlight', 'cancelFlight']);
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(started(history, ['cancelFlight', 'cancelHotel', 'refundCard'])).toEqual(['cancelFlight']);
    expect(await openTasks(id)).toEqual([]);
  });

  test('a throw inside a running sub-process compensates what completed in it, not outside, and the sub-process goes on after the handler', async () => {
    expect((await deploy(t, fixture('compensation-in-sub-process.bpmn'), 'compensation-in-sub-process.bpmn')).status).toBe(201);
    const res = await t.admin.post('/api/process-definitions/compensationInSubProcess/start').send({ variables: {} });
    const id = res.body.id as string;
    await completeTask(id, 'elsewhere');
    await completeTask(id, 'prepare');
    expect(await waitingAt(id)).toEqual(['undoInside', 'unprepare']);
    await restart();
    await completeTask(id, 'unprepare');
    expect(await openTasks(id)).toEqual(['review']);
    await completeTask(id, 'review');
    expect(await instance(id)).toMatchObject({ state: 'completed' });
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(started(history, ['undoElsewhere', 'unprepare'])).toEqual(['unprepare']);
  });

  test('with waitForCompletion="false" the deploy warns and the throw still waits for its handler, as in Camunda 7', async () => {
    const xml = fixture('compensation-in-sub-process.bpmn')
      .replace('id="compensationInSubProcess"', 'id="compensationNoWait"')
      .replace(
        '<bpmn:intermediateThrowEvent id="undoInside">\n        <bpmn:compensateEventDefinition />',
        '<bpmn:intermediateThrowEvent id="undoInside">\n        <bpmn:compensateEventDefinition waitForCompletion="false" />',
      );
    expect(xml).toContain('waitForCompletion="false"');
    const deployed = await deploy(t, xml, 'compensation-no-wait.bpmn');
    expect(deployed.status).toBe(201);
    expect(JSON.stringify(deployed.body.warnings)).toContain('waitForCompletion');
    const id = (await t.admin.post('/api/process-definitions/compensationNoWait/start').send({ variables: {} })).body.id as string;
    await completeTask(id, 'elsewhere');
    await completeTask(id, 'prepare');
    expect(await waitingAt(id)).toEqual(['undoInside', 'unprepare']);
    await completeTask(id, 'unprepare');
    expect(await openTasks(id)).toEqual(['review']);
  });

  test('a handler no association leads to never runs, neither when its scope starts nor when compensation is thrown', async () => {
    const association = '<bpmn:association id="a2" associationDirection="One" sourceRef="compensatePrepare" targetRef="unprepare" />';
    const xml = fixture('compensation-in-sub-process.bpmn').replace('id="compensationInSubProcess"', 'id="compensationOrphan"').replace(association, '');
    expect(xml).not.toContain(association);
    expect((await deploy(t, xml, 'compensation-orphan.bpmn')).status).toBe(201);
    const id = (await t.admin.post('/api/process-definitions/compensationOrphan/start').send({ variables: {} })).body.id as string;
    await completeTask(id, 'elsewhere');
    expect(await openTasks(id)).toEqual(['prepare']);
    await completeTask(id, 'prepare');
    expect(await openTasks(id)).toEqual(['review']);
    const history = (await t.admin.get(`/api/process-instances/${id}/history`)).body as Array<{ activityId: string | null; event: string }>;
    expect(started(history, ['undoElsewhere', 'unprepare'])).toEqual([]);
  });

  test('an end event waiting for a user task handler keeps the instance running across a restart', async () => {
    const xml = fixture('compensation-trip.bpmn')
      .replace('id="tripBooking"', 'id="tripBookingHotelOnly"')
      .replace('activityRef="bookFlight"', 'activityRef="stay"');
    expect((await deploy(t, xml, 'compensation-trip-hotel.bpmn')).status).toBe(201);
    const res = await t.admin.post('/api/process-definitions/tripBookingHotelOnly/start').send({ variables: {} });
    const id = res.body.id as string;
    await completeTask(id, 'bookHotel');
    await completeExternal(id, 'trip.charge');
    await completeTask(id, 'confirm', { answer: 'no flight' });
    // activityRef names the sub-process: what completed inside it is compensated, the flight is not.
    expect(await waitingAt(id)).toEqual(['cancelFlightOnly', 'cancelHotel', 'refundCard']);
    await restart();
    await completeExternal(id, 'trip.refund');
    // The end event still waits for the hotel's handler.
    expect(await waitingAt(id)).toEqual(['cancelFlightOnly', 'cancelHotel']);
    await completeTask(id, 'cancelHotel');
    expect(await instance(id)).toMatchObject({ state: 'completed' });
    expect(flightCalls.map((c) => c.activityId)).toEqual(['bookFlight']);
  });
});
