// Describes a runner after an event as the rows the store commits: instance state, the engine
// state to recover from, where it waits, open tasks, subscriptions, timers and external tasks.
import type { Engine } from 'bpmn-engine';
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { ExpressionError, hasTemplate, resolveTemplate } from '../expression-evaluator';
import type { RuntimeDefinition } from '../definition-registry';
import {
  describeOpenTask,
  eventSubProcessStarts,
  isBoundaryEvent,
  isUserTask,
  iterationWaits,
  TaskExpressionError,
  type ArmedTimer,
  type ExternalTaskWait,
  type HostTimers,
  type LocalVariables,
  type ScopeContent,
  type ServiceTasks,
} from '../elements';
import type { InstanceState, SubscriptionRecord, TaskRecord, WaitingAt } from '../../store/types';
import type { PostponedApi } from './engine-api';
import type { RunnerState } from './runner-state';

export interface RunnerSnapshot {
  state: InstanceState;
  engineState: unknown;
  waitingAt: WaitingAt[];
  openTasks: TaskRecord[];
  subscriptions: SubscriptionRecord[];
  nextTimerAt: string | null;
  timers: ArmedTimer[];
  externalTasks: ExternalTaskWait[];
  failure: Error | null;
}

export interface SnapshotParts {
  engine: Engine;
  state: RunnerState;
  definition: RuntimeDefinition;
  identity: { id: string; businessKey: string | null };
  variables: Record<string, unknown>;
  clock: Clock;
  timers: HostTimers;
  services: ServiceTasks;
  postponed(): PostponedApi[];
  /** The activities that began to wait in this event (a task's expressions are checked when it begins). */
  waitedNow?(): Set<string>;
  /** The compensation record (elements/compensation.ts), saved with the engine state. */
  compensation?(): unknown;
  /** The local variables of running activities, saved with the engine state. */
  locals?: LocalVariables;
}

/** The local variables visible where a waiting activity runs (none when nothing has inputs). */
function localsAt(parts: SnapshotParts, content: unknown): Record<string, unknown> {
  return parts.locals?.visible(content as ScopeContent) ?? {};
}

/** The engine state without the serialized diagram: that is most of it, and shared per version. */
async function engineStateOf(engine: Engine): Promise<unknown> {
  const full = (await engine.getState()) as unknown as { definitions: Array<Record<string, unknown>> };
  return { ...full, definitions: full.definitions.map(({ source: _source, ...rest }) => rest) };
}

export async function takeSnapshot(parts: SnapshotParts): Promise<RunnerSnapshot> {
  try {
    return await snapshotOf(parts);
  } catch (err) {
    // An event name whose expression cannot be evaluated (a message or signal name with a bean
    // procflow does not have) fails the instance there, with an incident, instead of the request.
    if (!(err instanceof ExpressionError) || parts.state.failure) throw err;
    parts.state.fail(err);
    return snapshotOf(parts);
  }
}

async function snapshotOf(parts: SnapshotParts): Promise<RunnerSnapshot> {
  const { state: runner, definition, identity } = parts;
  // A user task whose assignee (or another expression) cannot be evaluated fails the instance there.
  if (!runner.failure && !runner.ended) {
    const problem = taskExpressionProblem(parts);
    if (problem) runner.fail(problem);
  }
  const failure = runner.failure;
  const state: InstanceState = failure ? 'failed' : runner.ended ? 'completed' : 'running';
  const engineState = failure ? null : await engineStateOf(parts.engine);
  const compensation = engineState ? parts.compensation?.() : undefined;
  if (compensation) (engineState as Record<string, unknown>).procflowCompensation = compensation;
  const locals = engineState ? parts.locals?.state() : undefined;
  if (locals) (engineState as Record<string, unknown>).procflowLocals = locals;
  const over = Boolean(failure) || runner.ended;
  const postponed = over ? [] : parts.postponed();
  const waitingAt: WaitingAt[] = [];
  const openTasks: TaskRecord[] = [];
  const subscriptions: SubscriptionRecord[] = [];
  const now = parts.clock.now().toISOString();
  const subscription = (
    kind: 'message' | 'signal',
    ref: { id: string; name: string },
    activityId: string,
    variables: Record<string, unknown> = parts.variables,
  ): SubscriptionRecord => ({
    processInstanceId: identity.id,
    kind,
    // A name with an expression (`invoice-${orderId}`) is subscribed under its value, as Camunda does.
    name: hasTemplate(ref.name)
      ? String(resolveTemplate(ref.name, scopeOf({ environment: { variables } }), expressionFunctions(parts.clock)) ?? ref.name)
      : ref.name,
    elementRef: ref.id,
    activityId,
    businessKey: identity.businessKey,
  });
  const taskContext = { instanceId: identity.id, definitionKey: definition.record.key, variables: parts.variables, clock: parts.clock };
  for (const api of postponed) {
    const meta = definition.activities.get(api.id);
    const type = meta?.type ?? api.type;
    // The activity's expressions also see the local variables around it (its inputs).
    const locals = localsAt(parts, api.content);
    const hasLocals = Object.keys(locals).length > 0;
    const context = hasLocals ? { ...taskContext, variables: { ...parts.variables, ...locals } } : taskContext;
    // A user task's wait names its task, so a client completes it without listing tasks first; a
    // multi-instance user task has a task per running iteration.
    const tasks = isUserTask(type) && meta ? iterationWaits(api).map((it) => describeOpenTask(it.api, meta, context, now, it.scope, true)) : [];
    openTasks.push(...tasks);
    if (!isBoundaryEvent(type)) {
      const at = { activityId: api.id, activityName: meta?.name ?? null, type: type.replace(/^bpmn:/, ''), ...(hasLocals ? { variables: locals } : {}) };
      if (!tasks.length) waitingAt.push(at);
      for (const task of tasks) waitingAt.push({ ...at, taskId: task.id });
    }
    if (meta?.message) subscriptions.push(subscription('message', meta.message, api.id, context.variables));
    if (meta?.signal) subscriptions.push(subscription('signal', meta.signal, api.id, context.variables));
  }
  // Event sub-process starts wait as subscriptions while their scope runs (see eventSubProcessStarts).
  const execution = over ? null : (parts.engine.execution as never);
  for (const { meta } of eventSubProcessStarts(execution, definition.activities, definition.record.info.processId)) {
    if (subscriptions.some((s) => s.activityId === meta.id)) continue;
    if (meta.message) subscriptions.push(subscription('message', meta.message, meta.id));
    if (meta.signal) subscriptions.push(subscription('signal', meta.signal, meta.id));
  }
  const nextTimerAt = over ? null : parts.timers.nextDueAt();
  const timers: ArmedTimer[] = over ? [] : parts.timers.armed();
  const externalTasks: ExternalTaskWait[] = over ? [] : parts.services.workerWaits();
  return { state, engineState, waitingAt, openTasks, subscriptions, nextTimerAt, timers, externalTasks, failure };
}

/** The first user task that began to wait in this event and whose expressions cannot be evaluated, as its error. */
function taskExpressionProblem(parts: SnapshotParts): TaskExpressionError | null {
  const { definition, identity } = parts;
  const now = parts.clock.now().toISOString();
  const taskContext = { instanceId: identity.id, definitionKey: definition.record.key, variables: parts.variables, clock: parts.clock };
  const fresh = parts.waitedNow?.();
  for (const api of parts.postponed()) {
    const meta = definition.activities.get(api.id);
    if (!meta || !isUserTask(meta.type) || (fresh && !fresh.has(api.id))) continue;
    const locals = localsAt(parts, api.content);
    const context = Object.keys(locals).length ? { ...taskContext, variables: { ...parts.variables, ...locals } } : taskContext;
    try {
      for (const it of iterationWaits(api)) describeOpenTask(it.api, meta, context, now, it.scope);
    } catch (err) {
      if (err instanceof TaskExpressionError) return err;
      throw err;
    }
  }
  return null;
}
