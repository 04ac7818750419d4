// The process every benchmark path runs: start → user task A → user task B → user task C → end.

export const PROCESS_KEY = 'benchThreeTasks';

export const USER_TASKS = ['A', 'B', 'C'] as const;

export const BENCH_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="BenchDefinitions" targetNamespace="http://procflow.local/bench">
  <process id="${PROCESS_KEY}" name="Three user tasks" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="A"/>
    <userTask id="A" name="Task A" camunda:candidateGroups="bench"/>
    <sequenceFlow id="f1" sourceRef="A" targetRef="B"/>
    <userTask id="B" name="Task B" camunda:candidateGroups="bench"/>
    <sequenceFlow id="f2" sourceRef="B" targetRef="C"/>
    <userTask id="C" name="Task C" camunda:candidateGroups="bench"/>
    <sequenceFlow id="f3" sourceRef="C" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
`;
