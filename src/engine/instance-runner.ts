// One bpmn-engine Engine driving one process instance through one event at a time: create or
// recover it, apply the event, run until every token waits or ends (within a budget), and
// describe the result as rows (state, tasks, subscriptions, history) for the store to commit.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from './clock';
import type { RuntimeDefinition } from './definition-registry';
import { sharedEngineLogger } from './engine-logger';
import { createEngineExpressions, expressionFunctions, scopeOf } from './engine-expressions';
import { resolveTemplate } from './expression-evaluator';
import {
  bpmnErrorFor,
  expressionTasks,
  HostTimers,
  inputOutputMapping,
  isUserTask,
  iterationWaits,
  loopGuard,
  loopScopedExpressions,
  LoopCounts,
  LocalVariables,
  localScopedExpressions,
  type LocalVariablesState,
  type ScopeContent,
  passThroughManualTasks,
  quartzCronTimers,
  dueTimersAsJobs,
  everyTakenFlow,
  inclusiveJoins,
  rearmNonInterruptingBoundaries,
  errorBoundaryCatchesWithin,
  collectThrownSignals,
  compensationEvents,
  compensatedInstancesExpressions,
  Compensations,
  type CompensationState,
  catchAllErrorStarts,
  errorIdByCode,
  EventSubProcessTimers,
  EventSubProcessInterruptions,
  eventSubProcessStarts,
  juelScripts,
  linkCatchEveryThrow,
  ServiceTasks,
  startEventsNotTaken,
  skipStartEvents,
  startOnlyProcess,
  noInlineCalls,
  waitingActivities,
  waitsForMessage,
  waitsForSignal,
  type ServiceFailure,
  type ThrownSignal,
} from './elements';
import type { ServiceRegistry } from './service-registry';
import type { PostponedApi } from './runner/engine-api';
import { CallWaits, type CallWait, type Thrown } from './runner/call-waits';
import { recordHistory } from './runner/history-recorder';
import { ListenerCalls } from './runner/listener-calls';
import { RunBudget } from './runner/run-budget';
import { takeSnapshot, type RunnerSnapshot } from './runner/runner-snapshot';
import { RunnerState } from './runner/runner-state';
import { settle } from './runner/settle-loop';
import { cleanVariables, mergeVariables } from './runner/shared-variables';
import type { HistoryRecord } from '../store/types';

export { RunawayError } from './runner/run-budget';
export type { RunnerSnapshot } from './runner/runner-snapshot';
export type { CallWait, Thrown } from './runner/call-waits';
export type { ArmedTimer, ExternalTaskWait, ServiceFailure } from './elements';

export interface RunnerOptions {
  clock: Clock;
  services: ServiceRegistry;
  budgetActivities: number;
  budgetMs: number;
  serviceTimeoutMs: number;
}

export interface InstanceIdentity {
  id: string;
  businessKey: string | null;
}

export class InstanceRunner {
  readonly engine: Engine;
  private readonly listener = new EventEmitter();
  private readonly history: HistoryRecord[] = [];
  private readonly thrownSignals: ThrownSignal[];
  private readonly eventSubProcessTimers: EventSubProcessTimers;
  private readonly interruptions: EventSubProcessInterruptions;
  private readonly state = new RunnerState();
  private readonly budget: RunBudget;
  private readonly timers: HostTimers;
  private readonly services: ServiceTasks;
  private readonly calls: CallWaits;
  private readonly compensations: Compensations;
  private readonly listenerCalls: ListenerCalls;
  /** The local variables of running activities (camunda:inputOutput inputs), saved with the engine state. */
  private readonly locals = new LocalVariables();
  private readonly callIncidents: Array<{ activityId: string; message: string }> = [];
  private actor: string | null = null;
  variables: Record<string, unknown>;
  /** The subscriptions and timers this runner's last event committed (to skip rewriting them). */
  committed?: { subscriptions: string; timers: string; externalTasks: string };
  pending?: { subscriptions: string; timers: string; externalTasks: string };

  private constructor(
    readonly definition: RuntimeDefinition,
    readonly identity: InstanceIdentity,
    private readonly options: RunnerOptions,
    variables: Record<string, unknown>,
    skippedStarts?: (startEventId: string) => boolean,
  ) {
    this.variables = { ...variables };
    const state = this.state;
    this.budget = new RunBudget(options.budgetActivities, options.budgetMs);
    this.timers = new HostTimers(options.clock, definition.activities, () => state.eventCount++);
    this.services = new ServiceTasks({
      services: options.services,
      timeoutMs: options.serviceTimeoutMs,
      instance: { id: identity.id, businessKey: identity.businessKey, definitionKey: definition.record.key },
      activities: definition.activities,
      variables: (at) => this.variablesAt(at),
      detached: () => state.detached,
      mergeVariables: (processVariables, vars, at) => this.setVariablesAt(at, processVariables, vars),
      answered: () => this.budget.restartClock(),
      callSafely: (fn) => state.callSafely(fn),
      errorIdFor: (code) => errorIdByCode(definition.sourceContext, code),
    });
    const processId = definition.record.info.processId;
    const setVariables = (scope: Record<string, unknown>, vars: Record<string, unknown>) => this.mergeVariables(scope, vars);
    const loopCounts = new LoopCounts();
    this.compensations = new Compensations(definition.activities, {
      runHandler: (handlerId) => this.runCompensationHandler(handlerId),
      completeThrow: (executionId) =>
        this.postponed()
          .find((a) => a.content.executionId === executionId)
          ?.sendApiMessage?.('compensated'),
      // After the engine callback that asked: the engine is not re-entered from inside its broker.
      later: (fn) => {
        state.eventCount++;
        queueMicrotask(() => {
          if (!state.detached) state.callSafely(fn);
        });
      },
    });
    this.engine = new Engine({
      name: identity.id,
      Logger: sharedEngineLogger as never,
      sourceContext: definition.sourceContext as never,
      expressions: compensatedInstancesExpressions(
        loopScopedExpressions(localScopedExpressions(createEngineExpressions(options.clock), this.locals), loopCounts),
        () => this.compensations,
      ),
      scripts: juelScripts({ clock: options.clock, instance: identity, setVariables, callSafely: (fn) => state.callSafely(fn), locals: this.locals }),
      timers: this.timers.engineOption(),
      extensions: {
        procflow: this.services.extension,
        procflowExpressions: expressionTasks({ clock: options.clock, setVariables, callSafely: (fn) => state.callSafely(fn), locals: this.locals }),
        procflowInputOutput: inputOutputMapping({ clock: options.clock, locals: this.locals, setVariables }),
        procflowManualTasks: passThroughManualTasks,
        procflowCatchAllErrorStarts: catchAllErrorStarts,
        procflowCronTimers: quartzCronTimers(options.clock),
        ...(this.compensations.used ? { procflowCompensation: compensationEvents({ compensations: () => this.compensations }) } : {}),
        procflowDueTimers: dueTimersAsJobs,
        procflowBoundaryRearm: rearmNonInterruptingBoundaries,
        procflowErrorBoundaryScope: errorBoundaryCatchesWithin,
        procflowEveryTakenFlow: everyTakenFlow,
        procflowInclusiveJoins: inclusiveJoins,
        procflowLoops: loopGuard(() => {
          if (!state.detached) this.budget.countActivity();
        }, loopCounts),
        ...(processId ? { procflowStartOnly: startOnlyProcess(processId) } : {}),
        procflowNoInlineCalls: noInlineCalls,
        ...(processId && skippedStarts ? { procflowSkipStarts: skipStartEvents(processId, skippedStarts) } : {}),
      },
    } as never);
    this.thrownSignals = collectThrownSignals(this.listener, definition.activities, state, (name, api) => {
      // A thrown signal's name with an expression is sent under its value, as a catch event's is subscribed.
      try {
        const value = resolveTemplate(
          name,
          scopeOf({ environment: { variables: { ...this.variables, ...api.environment.variables, ...this.locals.visible(api.content) } } }),
          expressionFunctions(options.clock),
        );
        return value === undefined || value === null ? name : String(value);
      } catch {
        return name;
      }
    });
    this.interruptions = new EventSubProcessInterruptions(this.listener, definition.activities, state);
    linkCatchEveryThrow(this.listener, state, (fn) => {
      state.eventCount++;
      queueMicrotask(() => {
        if (!state.detached) state.callSafely(fn);
      });
    });
    this.eventSubProcessTimers = new EventSubProcessTimers({
      execution: () => (this.state.ended ? null : (this.engine.execution as never)),
      timers: this.timers,
      activities: definition.activities,
      processId,
      instanceId: identity.id,
    });
    // Before the history recorder and the other listeners of the same events: what a listener sets is seen by what follows.
    this.listenerCalls = new ListenerCalls({
      listener: this.listener,
      state,
      definition,
      identity,
      clock: options.clock,
      variables: (at) => this.variablesAt(at as ScopeContent | undefined),
      setVariables,
    });
    this.engine.on('end', () => (state.ended = true));
    if (this.compensations.used) this.listener.on('activity.end', (api: Parameters<Compensations['onEnd']>[0]) => this.compensations.onEnd(api));
    this.engine.on('error', (err: unknown) => (state.failure ??= err instanceof Error ? err : new Error(String(err))));
    this.calls = new CallWaits(this.listener, state, (activityId) => definition.activities.get(activityId)?.escalationCode);
    recordHistory({
      listener: this.listener,
      state,
      budget: this.budget,
      activities: definition.activities,
      history: this.history,
      now: () => this.now(),
      actor: () => this.actor,
    });
  }

  // ----- creation -----

  static async start(
    definition: RuntimeDefinition,
    identity: InstanceIdentity,
    variables: Record<string, unknown>,
    actor: string | null,
    options: RunnerOptions,
    how: { fireStartTimers?: boolean; awaitMessage?: boolean; signalStart?: string } = {},
  ): Promise<InstanceRunner> {
    // Started by a signal: at that signal start event only; else at no signal start event (see skipStartEvents).
    const signalStarts = new Set((definition.record.info.signalStarts ?? []).map((s) => s.activityId));
    const skipped =
      how.signalStart !== undefined ? (id: string) => id !== how.signalStart : signalStarts.size ? (id: string) => signalStarts.has(id) : undefined;
    const runner = new InstanceRunner(definition, identity, options, variables, skipped);
    const startedAt = options.clock.now().getTime();
    // A schedule fires the timer start event, unless a none start event already starts the instance.
    runner.timers.fireStartTimers = (how.fireStartTimers ?? false) && !definition.record.info.noneStart;
    runner.beginEvent(actor);
    runner.history.push({ at: runner.now(), activityId: null, activityName: null, type: 'process', event: 'instance-start', by: actor });
    await runner.state.guard(async () => {
      await runner.engine.execute({ listener: runner.listener, variables: { ...variables } } as never);
    });
    await runner.settle();
    if (!runner.state.ended && !runner.hasFailed) runner.eventSubProcessTimers.arm(startedAt);
    if (!how.awaitMessage) await runner.discardOtherStartEvents();
    // A conditional event sub-process whose condition holds from the start runs at once, as Camunda 7 evaluates it when its scope begins.
    if (!runner.state.ended && !runner.hasFailed) await runner.startConditionalEventSubProcesses(actor);
    return runner;
  }

  /** An instance starts at one start event: the ones still waiting are discarded (see startEventsNotTaken). */
  async discardOtherStartEvents(): Promise<void> {
    const waiting = startEventsNotTaken(this.postponed(), this.definition.activities, this.definition.record.info.processId);
    if (!waiting.length) return;
    await this.state.guard(() => {
      for (const api of waiting) api.discard();
      return Promise.resolve();
    });
    await this.settle();
  }

  static async recover(
    definition: RuntimeDefinition,
    identity: InstanceIdentity,
    engineState: unknown,
    variables: Record<string, unknown>,
    options: RunnerOptions,
    knownDue: Map<string, number> = new Map(),
  ): Promise<InstanceRunner> {
    const runner = new InstanceRunner(definition, identity, options, variables);
    runner.timers.knownDue = knownDue;
    runner.beginEvent(null);
    // A resume re-emits the waits of open activities: those are not history. What really moves
    // (an overdue timer firing, a service re-run) is.
    runner.state.resuming = true;
    runner.compensations.restore((engineState as { procflowCompensation?: CompensationState } | null)?.procflowCompensation);
    runner.locals.restore((engineState as { procflowLocals?: LocalVariablesState } | null)?.procflowLocals);
    await runner.state.guard(async () => {
      runner.engine.recover(engineState);
      await runner.engine.resume({ listener: runner.listener });
    });
    await runner.settle();
    runner.state.resuming = false;
    // The host's own timers (event sub-process starts) are where the jobs table says.
    if (!runner.state.ended && !runner.hasFailed) runner.eventSubProcessTimers.arm(options.clock.now().getTime(), knownDue);
    runner.timers.knownDue = new Map();
    return runner;
  }

  // ----- events -----

  get hasFailed(): boolean {
    return this.state.failure !== null;
  }

  postponed(): PostponedApi[] {
    const execution = this.engine.execution as unknown as { getPostponed(): PostponedApi[] } | null;
    if (!execution || this.state.ended) return [];
    return waitingActivities(execution.getPostponed());
  }

  /** Completes the user task waiting with this execution id; false when nothing waits there. */
  async completeUserTask(executionId: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    // An iteration of a multi-instance task waits by its own execution id (see iterationWaits).
    const api = this.postponed()
      .flatMap((a) => (isUserTask(a.type) ? [...iterationWaits(a).map((it) => it.api), a] : [a]))
      .find((a) => a.content.executionId === executionId);
    if (!api) return false;
    this.beginEvent(actor);
    this.setVariablesAt(api.content, api.owner.environment.variables, variables);
    // The complete listeners run before the task ends; one that fails fails the instance at the task.
    if (!this.listenerCalls.taskEvent(api, 'complete')) return true;
    await this.state.guard(() => {
      api.signal({ ...variables });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /**
   * The assignee of the user task waiting with this execution id changes (claim, unclaim, assign
   * over the API): its assignment listeners run. False when nothing waits there.
   */
  assignUserTask(executionId: string, assignee: string | null, actor: string | null): boolean {
    const api = this.postponed()
      .flatMap((a) => (isUserTask(a.type) ? [...iterationWaits(a).map((it) => it.api), a] : [a]))
      .find((a) => a.content.executionId === executionId);
    if (!api) return false;
    this.beginEvent(actor);
    this.listenerCalls.taskEvent(api, 'assignment', { assignee });
    return true;
  }

  /** Completes an external service task waiting for a worker. */
  completeExternalTask(executionId: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    return this.answerWorkerWait(executionId, variables, actor, (callback) => callback(null, variables));
  }

  /**
   * A worker failed the external task waiting at this execution with no retries left: it stays
   * there with an incident (a retry of the incident makes it wait for a worker again).
   */
  failExternalTask(executionId: string, message: string, actor: string | null): boolean {
    this.beginEvent(actor);
    return this.services.failWorkerWait(executionId, message);
  }

  /**
   * A worker reports a BPMN error for the external task waiting at this execution: its variables
   * are set and the error is thrown there, for a boundary error event with that code to catch.
   */
  throwExternalTaskError(
    executionId: string,
    error: { code: string; message: string },
    variables: Record<string, unknown>,
    actor: string | null,
  ): Promise<boolean> {
    return this.answerWorkerWait(executionId, variables, actor, (callback) => callback(bpmnErrorFor(error.code, error.message)));
  }

  /** A worker's answer to the task waiting at this execution: its variables set, then `answer` called back. */
  private async answerWorkerWait(
    executionId: string,
    variables: Record<string, unknown>,
    actor: string | null,
    answer: (callback: (err: unknown, output?: unknown) => void) => void,
  ): Promise<boolean> {
    const callback = this.services.takeWorkerCallback(executionId);
    if (!callback) return false;
    this.beginEvent(actor);
    const api = this.postponed().find((a) => a.content.executionId === executionId);
    if (api) this.setVariablesAt(api.content, api.owner.environment.variables, variables);
    await this.state.guard(() => {
      answer(callback);
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /** Delivers a message or signal (by its element id) to whatever waits for it here. */
  async deliver(kind: 'message' | 'signal', elementRef: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    const waitsFor = kind === 'message' ? waitsForMessage : waitsForSignal;
    const waiting = this.postponed().filter((api) => waitsFor(this.definition.activities.get(api.id), elementRef));
    const starts = eventSubProcessStarts(
      this.state.ended ? null : (this.engine.execution as never),
      this.definition.activities,
      this.definition.record.info.processId,
    ).filter((s) => waitsFor(s.meta, elementRef) && !waiting.some((api) => api.id === s.meta.id));
    if (!waiting.length && !starts.length) return false;
    this.beginEvent(actor);
    for (const api of waiting) this.setVariablesAt(api.content, api.owner.environment.variables, variables);
    if (starts.length) this.mergeVariables({}, variables);
    await this.state.guard(() => {
      let signalled = true;
      for (const start of starts) signalled = start.deliver({ ...variables }) && signalled;
      if (waiting.length || !signalled) {
        const execution = this.engine.execution as unknown as { signal(m: unknown): void };
        execution.signal({ id: elementRef, ...variables });
      }
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /**
   * Conditional start events of event sub-processes whose scope runs: each whose condition holds
   * now starts its event sub-process (interrupting its scope if it interrupts), as Camunda 7 does
   * when a variable is set. Answers how many started.
   */
  async startConditionalEventSubProcesses(actor: string | null): Promise<number> {
    const execution = this.state.ended ? null : (this.engine.execution as never);
    const fns = expressionFunctions(this.options.clock);
    const holds = (condition: string, variables: Record<string, unknown>): boolean => {
      try {
        return Boolean(resolveTemplate(condition, scopeOf({ environment: { variables } }), fns));
      } catch {
        // A condition that cannot be evaluated yet (a variable it reads is missing) does not hold.
        return false;
      }
    };
    const starts = eventSubProcessStarts(execution, this.definition.activities, this.definition.record.info.processId).filter(
      (s) => s.meta.condition !== undefined && !s.running && holds(s.meta.condition, { ...this.variables, ...s.variables }),
    );
    if (!starts.length) return 0;
    this.beginEvent(actor);
    await this.state.guard(() => {
      for (const start of starts) start.run();
      return Promise.resolve();
    });
    await this.settle();
    return starts.length;
  }

  /** Fires every captured engine timer that is due by the service clock. */
  async fireDueTimers(): Promise<number> {
    const due = this.timers.due(this.options.clock.now().getTime()).sort((a, b) => a.dueAt - b.dueAt);
    if (!due.length) return 0;
    this.beginEvent(null);
    await this.state.guard(() => {
      for (const t of due) {
        this.timers.take(t);
        t.fire();
      }
      return Promise.resolve();
    });
    await this.settle();
    return due.length;
  }

  // ----- call activities -----

  /** Call activities that began to wait in this event (each needs its called instance). */
  takeFreshCalls(): CallWait[] {
    return this.calls.takeFresh();
  }

  /** Every call activity (or iteration) waiting now, by execution id. */
  callWaits(): CallWait[] {
    return this.hasFailed || this.state.ended ? [] : this.calls.all();
  }

  /** BPMN errors this instance threw in this event and nothing inside it caught (an error end event, a throw event). */
  uncaughtErrors(): Thrown[] {
    return this.calls.uncaughtErrors();
  }

  /** Errors and escalations this instance threw and did not catch, since the last take. */
  takeThrown(): Thrown[] {
    return this.calls.takeThrown();
  }

  /** A called instance answers its call activity's wait: the event begins and the out-variables are set at the call activity. */
  private answerCall(executionId: string, variables: Record<string, unknown>, actor: string | null): CallWait | undefined {
    const wait = this.calls.get(executionId);
    if (!wait) return undefined;
    this.beginEvent(actor);
    this.setVariablesAt(wait.api.content, wait.api.environment.variables, variables);
    return wait;
  }

  /** The called instance ended: its out-variables are set and the call activity goes on. */
  async completeCall(executionId: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    const wait = this.answerCall(executionId, variables, actor);
    if (!wait) return false;
    this.calls.done(executionId);
    await this.state.guard(() => {
      wait.api.signal({ ...variables });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /**
   * The called instance threw a BPMN error it does not catch: thrown at the call activity, for its
   * boundary events; its camunda:out variables are set first (as Camunda 7 passes them up).
   */
  async failCall(
    executionId: string,
    error: { code: string | null; message: string },
    variables: Record<string, unknown>,
    actor: string | null,
  ): Promise<boolean> {
    const wait = this.answerCall(executionId, variables, actor);
    if (!wait) return false;
    this.calls.done(executionId);
    await this.state.guard(() => {
      wait.api.sendApiMessage('error', { message: error.message, name: 'BpmnError', ...(error.code ? { code: error.code } : {}) });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /**
   * The called instance threw a BPMN error that nothing in it and no boundary event of the call
   * activity catches: it is thrown from the call activity as an error end event throws it, for an
   * error event sub-process of its scope or a boundary event of an enclosing sub-process (or
   * further out) to catch, matched by errorCode — an interrupting catch ends the call activity.
   * The call activity's camunda:out variables are set first, as Camunda 7 passes them up while it
   * looks for a handler. Answers whether something here caught it; if nothing did, the call
   * activity goes on waiting and the error stays among this instance's uncaught ones (for its own
   * caller): Camunda 7 then ends only the called instance's execution that threw it.
   */
  async throwAtCall(
    executionId: string,
    error: { code: string | null; message: string },
    variables: Record<string, unknown>,
    actor: string | null,
  ): Promise<boolean> {
    const wait = this.answerCall(executionId, variables, actor);
    if (!wait) return false;
    const code = error.code ?? undefined;
    // An error without a code is caught only by a catch-all: its id names no <error> of this process.
    const id = (code !== undefined ? (errorIdByCode(this.definition.sourceContext, code) ?? code) : undefined) ?? `${wait.activityId}:uncaught-error`;
    const thrown = { id, type: 'bpmn:Error', messageType: 'throw', name: error.message, ...(code !== undefined ? { code } : {}) };
    const uncaught = () => this.calls.uncaughtErrors().filter((t) => t.activityId === wait.activityId && t.refId === id).length;
    const before = uncaught();
    await this.state.guard(() => {
      wait.api.broker.publish('event', 'activity.throw', { ...wait.api.content, message: thrown, state: 'throw' }, { type: 'throw', delegate: true });
      return Promise.resolve();
    });
    await this.settle();
    const caught = uncaught() <= before;
    if (caught) this.calls.done(executionId);
    return caught;
  }

  /** An escalation the called instance threw reaches this boundary event of the call activity. */
  async escalateAt(boundaryId: string, refId: string | undefined, actor: string | null): Promise<boolean> {
    const api = this.postponed().find((a) => a.id === boundaryId);
    if (!api?.sendApiMessage) return false;
    this.beginEvent(actor);
    await this.state.guard(() => {
      api.sendApiMessage?.('escalate', { message: { id: refId ?? 'anonymous', messageType: 'escalation' } });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /** A call activity that could not start its instance: an incident on it, committed with the event. */
  callFailed(activityId: string, message: string): void {
    this.callIncidents.push({ activityId, message });
  }

  takeCallIncidents(): Array<{ activityId: string; message: string }> {
    return this.callIncidents.splice(0);
  }

  // ----- results -----

  takeHistory(): HistoryRecord[] {
    return this.history.splice(0);
  }

  /** The signals throw events sent during this event, for other instances (see collectThrownSignals). */
  takeThrownSignals(): ThrownSignal[] {
    return this.thrownSignals.splice(0);
  }

  takeServiceFailures(): ServiceFailure[] {
    return this.services.takeFailures();
  }

  snapshot(): Promise<RunnerSnapshot> {
    return takeSnapshot({
      engine: this.engine,
      state: this.state,
      definition: this.definition,
      identity: this.identity,
      variables: this.variables,
      clock: this.options.clock,
      timers: this.timers,
      services: this.services,
      postponed: () => this.postponed(),
      waitedNow: () => new Set(this.history.flatMap((h) => (h.event === 'wait' && h.activityId ? [h.activityId] : []))),
      compensation: () => this.compensations.state(),
      locals: this.locals,
    });
  }

  /** Stops the engine before it is dropped (a dropped running engine keeps its broker alive). */
  async dispose(): Promise<void> {
    const state = this.state;
    if (state.detached) return;
    state.detached = true;
    this.listener.removeAllListeners();
    this.timers.clear();
    try {
      if (this.engine.execution && !state.ended && !state.failure) await this.engine.stop();
    } catch {
      // A broken engine (runaway) may refuse to stop; it is dropped either way.
    }
  }

  currentVariables(): Record<string, unknown> {
    return cleanVariables(this.variables);
  }

  /** The variables visible where this runs: the process variables and the local ones of the activities around it. */
  variablesAt(at: ScopeContent | undefined): Record<string, unknown> {
    const locals = this.locals.visible(at);
    return Object.keys(locals).length ? { ...this.variables, ...locals } : this.variables;
  }

  // ----- internals -----

  /** Starts a compensation handler, a direct child of the running process (see hoistCompensationHandlers). */
  private runCompensationHandler(handlerId: string): boolean {
    type Runnable = { isRunning?: boolean; run(): void };
    type Running = { definitions: Array<{ getRunningProcesses(): Array<{ id: string; getActivityById(id: string): Runnable | undefined }> }> };
    const execution = this.state.ended ? null : (this.engine.execution as unknown as Running | null);
    const processId = this.definition.activities.get(handlerId)?.processId;
    const process = execution?.definitions.flatMap((d) => d.getRunningProcesses()).find((p) => p.id === processId);
    const activity = process?.getActivityById(handlerId);
    if (!activity || activity.isRunning) return false;
    activity.run();
    return true;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private beginEvent(actor: string | null): void {
    this.actor = actor;
    this.budget.begin();
  }

  private mergeVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void {
    mergeVariables(this.engine, this.variables, processVariables, variables);
  }

  /** Sets variables as Camunda's setVariable does where this runs: a local one of a scope around it there, the others in the process scope. */
  private setVariablesAt(at: ScopeContent | undefined, processVariables: Record<string, unknown>, variables: Record<string, unknown>): void {
    this.mergeVariables(processVariables, this.locals.assign(at, variables));
  }

  private async settle(): Promise<void> {
    const parts = { state: this.state, inflight: this.services.inflight, timers: this.timers, budget: this.budget };
    await settle(parts);
    // An interrupting event sub-process started: the rest of its scope ends, then the event runs on.
    while (this.interruptions.waiting && !this.state.ended && !this.state.failure) {
      const execution = this.engine.execution as never;
      this.state.callSafely(() => void this.interruptions.apply(execution));
      await settle(parts);
    }
  }
}
