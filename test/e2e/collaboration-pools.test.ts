// A collaboration of three executable pools: starting one definition runs that pool only; a
// message flow starts the pool it reaches; a third pool with its own none start stays out (it is a
// definition of its own). bpmn-engine would run every executable pool at execute(): procflow keeps
// the others out with a process extension (src/engine/elements/process.ts), across a restart too.
import { databaseKinds } from '../helpers/databases';
import { deploy, serviceForDescribe } from '../helpers/test-service';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_pools" targetNamespace="http://procflow.dev/test">
  <bpmn:message id="Msg_Go" name="go" />
  <bpmn:collaboration id="Collab">
    <bpmn:participant id="P_A" processRef="procA" />
    <bpmn:participant id="P_B" processRef="procB" />
    <bpmn:participant id="P_C" processRef="procC" />
    <bpmn:messageFlow id="MF" sourceRef="throwGo" targetRef="startB" />
  </bpmn:collaboration>
  <bpmn:process id="procA" isExecutable="true">
    <bpmn:startEvent id="startA" />
    <bpmn:sequenceFlow id="f1" sourceRef="startA" targetRef="throwGo" />
    <bpmn:intermediateThrowEvent id="throwGo"><bpmn:messageEventDefinition messageRef="Msg_Go" /></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="throwGo" targetRef="a1" />
    <bpmn:userTask id="a1" name="A's task" />
    <bpmn:sequenceFlow id="f5" sourceRef="a1" targetRef="endA" />
    <bpmn:endEvent id="endA" />
  </bpmn:process>
  <bpmn:process id="procB" isExecutable="true">
    <bpmn:startEvent id="startB"><bpmn:messageEventDefinition messageRef="Msg_Go" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="startB" targetRef="b1" />
    <bpmn:userTask id="b1" name="B's task" />
  </bpmn:process>
  <bpmn:process id="procC" isExecutable="true">
    <bpmn:startEvent id="startC" />
    <bpmn:sequenceFlow id="f4" sourceRef="startC" targetRef="c1" />
    <bpmn:userTask id="c1" name="C's task" />
  </bpmn:process>
</bpmn:definitions>`;

const waiting = (body: { waitingAt: Array<{ activityId: string }> }) => body.waitingAt.map((w) => w.activityId).sort();

describe.each(databaseKinds)('pools of one collaboration on %s', (kind) => {
  const t = serviceForDescribe(kind);

  test('starting one pool runs it and the pool its message reaches, not the third; so after a restart too', async () => {
    const deployed = await deploy(t, XML, 'pools.bpmn');
    expect(deployed.status).toBe(201);
    expect((deployed.body.definitions as Array<{ key: string }>).map((d) => d.key).sort()).toEqual(['procA', 'procC']);
    const started = (await t.admin.post('/api/process-definitions/procA/start').send({})).body;
    expect(waiting(started)).toEqual(['a1', 'b1']);

    await t.restart();
    expect(waiting((await t.admin.get(`/api/process-instances/${started.id}`)).body)).toEqual(['a1', 'b1']);
    const task = ((await t.admin.get(`/api/tasks?processInstanceId=${started.id}&state=open`)).body.items as Array<{ id: string; activityId: string }>).find(
      (x) => x.activityId === 'a1',
    );
    const done = await t.admin.post(`/api/tasks/${task?.id}/complete`).send({ variables: {} });
    expect(done.status).toBe(200);
    expect(waiting(done.body.processInstance)).toEqual(['b1']);
  });
});
