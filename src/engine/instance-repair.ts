// What an operator does to a waiting instance inside one event of the event runner: set or delete
// process variables (then the conditional events waiting there look at their conditions again, as
// Camunda's setVariable makes them), and trigger an activity that waits with no message of its own
// (Camunda's runtimeService.signal). Every function works on the runner of the event in progress.
import type { InstanceRunner } from './instance-runner';
import type { EngineDefinition, PostponedApi } from './runner/engine-api';
import { mergeVariables } from './runner/shared-variables';

/** A waiting activity as the API names it. */
export interface WaitingActivity {
  activityId: string;
  activityName: string | null;
  type: string;
}

/** Waits a trigger does not end: a person's task, a worker's task (they are answered through their own routes). */
const NOT_TRIGGERED = new Set([
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ScriptTask',
  'bpmn:BoundaryEvent',
  'bpmn:StartEvent',
]);

const CONDITIONAL = 'bpmn:ConditionalEventDefinition';

interface EventDefinitionOwner {
  eventDefinitions?: Array<{ type?: string }>;
}

function isConditional(api: PostponedApi): boolean {
  const owner = api.owner as unknown as EventDefinitionOwner;
  return owner.eventDefinitions?.some((ed) => ed.type === CONDITIONAL) ?? false;
}

/** The variable scopes of every pool of the instance (as shared-variables sets them). */
function scopes(runner: InstanceRunner): Array<Record<string, unknown>> {
  const execution = runner.engine.execution as unknown as { definitions?: EngineDefinition[] } | null;
  const out = new Set<Record<string, unknown>>();
  for (const def of execution?.definitions ?? []) {
    out.add(def.environment.variables);
    for (const bp of def.getProcesses?.() ?? []) out.add(bp.environment.variables);
  }
  for (const api of runner.postponed()) out.add(api.owner.environment.variables);
  return [...out];
}

/** Sets process variables in every scope of the instance. */
export function setVariables(runner: InstanceRunner, variables: Record<string, unknown>): void {
  mergeVariables(runner.engine, runner.variables, {}, variables);
  for (const scope of scopes(runner)) Object.assign(scope, variables);
}

/** Deletes a process variable from every scope of the instance. */
export function deleteVariable(runner: InstanceRunner, name: string): void {
  for (const scope of scopes(runner)) delete scope[name];
  delete runner.variables[name];
}

/**
 * Conditional events waiting now (boundary, intermediate catch) look at their conditions again:
 * bpmn-elements' ConditionalEventDefinition evaluates on a signal, and goes on waiting when the
 * condition is false. Then the conditional start events of event sub-processes whose scope runs
 * are evaluated (InstanceRunner#startConditionalEventSubProcesses). Answers how many were asked
 * or started.
 */
export async function reevaluateConditions(runner: InstanceRunner, actor: string | null): Promise<number> {
  const waiting = runner.postponed().filter(isConditional);
  for (const api of waiting) {
    // The runner's signal of one waiting execution (guarded and run until every token waits again).
    if (runner.postponed().some((a) => a.content.executionId === api.content.executionId)) await runner.completeUserTask(api.content.executionId, {}, actor);
  }
  // An event sub-process with a conditional start does not run until it starts: nothing of it waits.
  const started = await runner.startConditionalEventSubProcesses(actor);
  return waiting.length + started;
}

/** The activities waiting now, for an answer that says what could be triggered. */
export function waitingActivities(runner: InstanceRunner): WaitingActivity[] {
  return runner.postponed().map((api) => ({
    activityId: api.id,
    activityName: runner.definition.activities.get(api.id)?.name ?? api.name ?? null,
    type: api.type,
  }));
}

export type TriggerResult = { triggered: true } | { triggered: false; reason: 'not-waiting' | 'not-triggerable'; type?: string };

/**
 * Triggers the activity waiting at `activityId` (a receive task, a catch event, a manual wait),
 * with `variables` set first; it then runs on until every token waits again.
 */
export async function triggerActivity(
  runner: InstanceRunner,
  activityId: string,
  variables: Record<string, unknown>,
  actor: string | null,
): Promise<TriggerResult> {
  const api = runner.postponed().find((a) => a.id === activityId);
  if (!api) return { triggered: false, reason: 'not-waiting' };
  if (NOT_TRIGGERED.has(api.type) || runner.definition.activities.get(activityId)?.topic)
    return { triggered: false, reason: 'not-triggerable', type: api.type };
  await runner.completeUserTask(api.content.executionId, variables, actor);
  return { triggered: true };
}
