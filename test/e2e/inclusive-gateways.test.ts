// Scenarios of inclusive gateways that join, as Camunda 7 runs them: the join fires when a token
// has come on every incoming flow, or when no other token of its scope can still reach it — not
// on the first token that arrives. Each scenario stops the service while one branch waits and
// carries on with a new service on the same database. Camunda's own test processes come from the
// own corpus (test/fixtures/corpus/gateway, Apache-2.0, origin in its SOURCES.md).
import fs from 'node:fs';
import path from 'node:path';
import { databaseKinds } from '../helpers/databases';
import { deploy, fixture, serviceForDescribe } from '../helpers/test-service';
import { restCalls, type InstanceAnswer } from '../helpers/rest-calls';

type Instance = InstanceAnswer;

const CORPUS = path.join(__dirname, '..', 'fixtures', 'corpus', 'gateway');
const corpusFile = (test: string) => fs.readFileSync(path.join(CORPUS, `InclusiveGatewayTest.${test}.bpmn20.xml`), 'utf8');

describe.each(databaseKinds)('inclusive gateway joins on %s', (kind) => {
  const t = serviceForDescribe(kind, { runJobs: false });

  beforeAll(async () => {
    const files: Array<[string, string]> = [
      ['inclusive-join-reroute.bpmn', fixture('inclusive-join-reroute.bpmn')],
      ...['testJoinAfterSubprocesses', 'testJoinAfterCallSubProcess', 'testJoinAfterCall', 'testJoinAfterEventBasedGateway'].map((test): [string, string] => [
        `${test}.bpmn`,
        corpusFile(test),
      ]),
    ];
    for (const [name, xml] of files) {
      const res = await deploy(t, xml, name);
      expect(res.status).toBe(201);
    }
  });

  const { start, instance, waits: waiting, openTasks, completeAt: complete } = restCalls(t);
  const calledInstance = async (id: string): Promise<Instance> => {
    const list = (await t.admin.get(`/api/process-instances?parentInstanceId=${id}&state=running`)).body.items as Instance[];
    expect(list).toHaveLength(1);
    return list[0] as Instance;
  };
  const restart = () => t.restart({ runJobs: false });

  test('after two sub-processes, the join waits for the second one, also across a restart, and then fires once', async () => {
    const started = await start('InclusiveGateway', { a: 1, b: 1 });
    expect((await openTasks(started.id)).map((x) => x.assignee).sort()).toEqual(['a', 'b']);
    await complete(started.id, 'usertask1');
    expect(await waiting(started.id)).toEqual(['usertask2']);
    await restart();
    expect(await waiting(started.id)).toEqual(['usertask2']);
    await complete(started.id, 'usertask2');
    expect(await openTasks(started.id)).toEqual([expect.objectContaining({ activityId: 'usertask3', assignee: 'c' })]);
    await complete(started.id, 'usertask3');
    expect((await instance(started.id)).state).toBe('completed');
    const history = (await t.admin.get(`/api/process-instances/${started.id}/history`)).body as Array<{ activityId: string; event: string }>;
    expect(history.filter((h) => h.activityId === 'usertask3' && h.event === 'end')).toHaveLength(1);
  });

  test('after one sub-process of two (the other flow not taken), the join fires when that one is done', async () => {
    const started = await start('InclusiveGateway', { a: 1, b: 2 });
    expect(await openTasks(started.id)).toEqual([expect.objectContaining({ activityId: 'usertask1', assignee: 'a' })]);
    await restart();
    await complete(started.id, 'usertask1');
    expect(await waiting(started.id)).toEqual(['usertask3']);
    await complete(started.id, 'usertask3');
    expect((await instance(started.id)).state).toBe('completed');
  });

  test('no outgoing flow of the split selected: the instance fails at the split and opens no task', async () => {
    const started = await start('InclusiveGateway', { a: 2, b: 2 });
    const failed = await instance(started.id);
    expect({ state: failed.state, waitingAt: failed.waitingAt }).toEqual({ state: 'failed', waitingAt: [] });
    expect(await openTasks(started.id)).toEqual([]);
  });

  test('after a call activity, the join waits for the called instance, across restarts, then Task D', async () => {
    const started = await start('InclusiveGatewayAfterCall');
    expect((await openTasks(started.id)).map((x) => x.activityId).sort()).toEqual(['taskA', 'taskB']);
    const called = await calledInstance(started.id);
    expect(await waiting(called.id)).toEqual(['taskC']);
    await complete(started.id, 'taskA');
    await restart();
    await complete(started.id, 'taskB');
    expect(await openTasks(started.id)).toEqual([]);
    await restart();
    await complete(called.id, 'taskC');
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['taskD']);
    await complete(started.id, 'taskD');
    expect((await instance(started.id)).state).toBe('completed');
  });

  test('after an event-based gateway, the join waits for the message, across a restart', async () => {
    const started = await start('process');
    await complete(started.id, 'theTask');
    expect(await openTasks(started.id)).toEqual([]);
    await restart();
    expect(await openTasks(started.id)).toEqual([]);
    const res = await t.admin.post('/api/messages').send({ messageName: 'foo', processInstanceId: started.id });
    expect(res.status).toBe(200);
    expect((await openTasks(started.id)).map((x) => x.activityId)).toEqual(['taskAfterJoin']);
    expect(await waiting(started.id)).toEqual(['taskAfterJoin']);
  });

  describe('a branch that loops back or ends before the join', () => {
    test('a token that loops back can still reach the join: the join waits, across a restart, until it comes', async () => {
      const started = await start('inclusiveJoinReroute', { review: true, check: true });
      await complete(started.id, 'review');
      expect(await waiting(started.id)).toEqual(['check']);
      await restart();
      await complete(started.id, 'check', { outcome: 'again' });
      expect(await waiting(started.id)).toEqual(['check']);
      await complete(started.id, 'check', { outcome: 'join' });
      expect(await waiting(started.id)).toEqual(['after']);
      await complete(started.id, 'after');
      expect((await instance(started.id)).state).toBe('completed');
    });

    test('the other token ends without reaching the join: the token that arrived goes on', async () => {
      const started = await start('inclusiveJoinReroute', { review: true, check: true });
      await complete(started.id, 'review');
      await restart();
      await complete(started.id, 'check', { outcome: 'drop' });
      expect(await waiting(started.id)).toEqual(['after']);
      await complete(started.id, 'after');
      expect((await instance(started.id)).state).toBe('completed');
    });

    test('a token that ended before the other arrives does not fire the join; the arriving one does', async () => {
      const started = await start('inclusiveJoinReroute', { review: true, check: true });
      await complete(started.id, 'check', { outcome: 'drop' });
      expect(await waiting(started.id)).toEqual(['review']);
      await restart();
      await complete(started.id, 'review');
      expect(await waiting(started.id)).toEqual(['after']);
    });

    test('a flow the split does not take is not waited for', async () => {
      const started = await start('inclusiveJoinReroute', { review: true, check: false });
      expect(await waiting(started.id)).toEqual(['review']);
      await restart();
      await complete(started.id, 'review');
      expect(await waiting(started.id)).toEqual(['after']);
      await complete(started.id, 'after');
      expect((await instance(started.id)).state).toBe('completed');
    });
  });
});
