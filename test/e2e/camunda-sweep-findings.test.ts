// What the sweep over Camunda 7's engine test processes (test/tools/camunda-sweep.ts) found
// answered 5xx, as scenarios over HTTP: each is a clear 400 at deploy or an incident at run time.
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  state: string;
  incidents: number;
  waitingAt: Array<{ activityId: string; taskId?: string }>;
}

describe.each(databaseKinds)('event names that cannot be evaluated on %s', (kind) => {
  const t = serviceForDescribe(kind);

  beforeAll(async () => {
    expect((await deploy(t, fixture('event-name-expression-fails.bpmn'), 'event-name.bpmn')).status).toBe(201);
  });

  test('a signal name that evaluates subscribes under its value, and that signal starts the (interrupting) event sub-process', async () => {
    const started = await t.admin.post('/api/process-definitions/eventNameExpression/start').send({ variables: { region: 'North' } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'running', incidents: 0 });
    const sent = await t.admin.post('/api/signals').send({ signalName: 'alert-north' });
    expect(sent.status).toBe(200);
    const after = (await t.admin.get(`/api/process-instances/${(started.body as Instance).id}`)).body as Instance;
    expect(after.waitingAt.map((w) => w.activityId).sort()).toEqual(['handle']);
  });

  test('a signal name calling a method on a variable that is not set fails the start with an incident, answered 201', async () => {
    const started = await t.admin.post('/api/process-definitions/eventNameExpression/start').send({ variables: {} });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ state: 'failed', incidents: 1 });
    const incidents = (await t.admin.get(`/api/incidents?processInstanceId=${(started.body as Instance).id}`)).body.items as Array<{ message: string }>;
    expect(incidents).toEqual([expect.objectContaining({ message: expect.stringContaining('region') })]);
  });
});
