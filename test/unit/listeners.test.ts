// Execution and task listeners without I/O (src/engine/elements/listeners.ts): what is read from a
// parsed model, what is refused at deploy, and how one listener is evaluated.
import { parseBpmnXml } from '../../src/engine/bpmn-parser';
import { ScaledClock } from '../../src/engine/clock';
import { collectListeners, evaluateListener, ListenerError, listenerProblems, type ListenerSpec } from '../../src/engine/elements/listeners';
import type { ModdleElement } from 'bpmn-moddle';

const model = (processExtensions: string, taskExtensions: string, flowExtensions = '') => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <process id="p" isExecutable="true">
    <extensionElements>${processExtensions}</extensionElements>
    <startEvent id="s" />
    <sequenceFlow id="f" sourceRef="s" targetRef="t"><extensionElements>${flowExtensions}</extensionElements></sequenceFlow>
    <userTask id="t"><extensionElements>${taskExtensions}</extensionElements></userTask>
  </process>
</definitions>`;

async function elements(xml: string): Promise<Record<string, ModdleElement>> {
  return (await parseBpmnXml(xml)).elementsById;
}

describe('reading listeners', () => {
  test('execution and task listeners are read by element, a flow listener without an event listens to take, one with nothing to run is left out', async () => {
    const parsed = await parseBpmnXml(
      model(
        `<camunda:executionListener event="start" expression="\${execution.setVariable('a', 1)}" />`,
        `<camunda:taskListener event="create"><camunda:script scriptFormat="juel">\${task.id}</camunda:script></camunda:taskListener>
         <camunda:taskListener event="create" class="" />`,
        `<camunda:executionListener expression="\${x}" />`,
      ),
    );
    const listeners = collectListeners(parsed);
    expect(listeners.get('p')).toEqual({ execution: [{ event: 'start', kind: 'expression', text: "${execution.setVariable('a', 1)}" }], task: [] });
    expect(listeners.get('f')?.execution).toEqual([{ event: 'take', kind: 'expression', text: '${x}' }]);
    expect(listeners.get('t')?.task).toEqual([{ event: 'create', kind: 'script', text: '${task.id}', format: 'juel' }]);
    expect(listeners.has('s')).toBe(false);
  });
});

describe('deploy-time problems', () => {
  test('a Java listener, an execution listener of an activity without an event and an expression calling an unknown method are named', async () => {
    const byId = await elements(
      model(
        '<camunda:executionListener event="start" delegateExpression="${auditListener}" />',
        `<camunda:taskListener event="create" class="org.example.Notify" />
         <camunda:executionListener expression="\${audit.log(execution)}" />`,
      ),
    );
    expect(listenerProblems(byId.p as ModdleElement)).toEqual([
      '<p> has a camunda:executionListener with camunda:delegateExpression="${auditListener}"; procflow runs no Java: use camunda:expression="${…}" or a juel camunda:script instead',
    ]);
    const task = listenerProblems(byId.t as ModdleElement);
    expect(task).toHaveLength(3);
    expect(task[0]).toContain('camunda:taskListener with camunda:class="org.example.Notify"');
    expect(task[1]).toBe('<t> has a camunda:executionListener without camunda:event; expected start or end');
    expect(task[2]).toContain("calls the method <log()>, which procflow's expressions do not have");
  });

  test('listeners procflow can run raise no problem', async () => {
    const byId = await elements(model('', `<camunda:taskListener event="complete" expression="\${task.setVariable('done', task.eventName)}" />`));
    expect(listenerProblems(byId.t as ModdleElement)).toEqual([]);
  });
});

describe('evaluating a listener', () => {
  const clock = new ScaledClock();
  const where = { elementId: 'review', kind: 'task' as const };

  test('task and execution are the context objects; setVariable goes to the host; a variable of the same name wins', () => {
    const set: Array<[string, unknown]> = [];
    const spec: ListenerSpec = {
      event: 'create',
      kind: 'expression',
      text: "${task.setVariable('seen', task.name += '/' += task.eventName += '/' += execution.id)}",
    };
    evaluateListener(spec, where, {}, { execution: { id: 'i1' }, task: { name: 'Review', eventName: 'create' } }, clock, (n, v) => void set.push([n, v]));
    expect(set).toEqual([['seen', 'Review/create/i1']]);
    const shadowed: Array<[string, unknown]> = [];
    const read: ListenerSpec = { event: 'create', kind: 'expression', text: "${execution.setVariable('n', task.name)}" };
    evaluateListener(read, where, { task: { name: 'a variable' } }, { execution: {}, task: { name: 'Review' } }, clock, (n, v) => void shadowed.push([n, v]));
    expect(shadowed).toEqual([['n', 'a variable']]);
  });

  test('a script in another language, an empty script and an expression that fails throw a ListenerError naming the element and the event', () => {
    const run = (spec: ListenerSpec) => () => evaluateListener(spec, where, {}, { execution: {} }, clock, () => undefined);
    expect(run({ event: 'create', kind: 'script', text: 'task.x()', format: 'groovy' })).toThrow(
      'the task listener (create) of <review> is not run: its script is groovy; procflow runs only juel scripts',
    );
    expect(run({ event: 'create', kind: 'script', text: null, format: 'juel', resource: 'a.juel' })).toThrow(
      'is not run: an external script resource <a.juel> is not read',
    );
    let caught: unknown;
    try {
      run({ event: 'complete', kind: 'expression', text: '${missing.trim()}' })();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ListenerError);
    expect(caught).toMatchObject({
      activityId: 'review',
      message: expect.stringContaining('the task listener (complete) of <review> cannot be evaluated: cannot call <trim()>'),
    });
  });
});
