// What one event causes in the instances call activities link: the called instances it starts
// (run to their first waits), the children whose call activity no longer waits (cancelled), and
// the parent whose call activity a child's end answers. Everything is added to the event's
// outcome as `linked` outcomes, so that the store commits it in the event's one transaction.
import crypto from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type { Clock } from '../clock';
import type { DefinitionRegistry, RuntimeDefinition } from '../definition-registry';
import { calledBusinessKey, catchingBoundary, isCallActivity, mappedVariables } from '../elements';
import { expressionFunctions } from '../engine-expressions';
import { InstanceRunner, type CallWait, type RunnerOptions, type Thrown } from '../instance-runner';
import type { Store } from '../../store/store';
import type { DefinitionRecord, EventOutcome, InstanceRecord, InstanceWithState } from '../../store/types';
import type { UnhandledBpmnError } from '../event-types';

/** Call activities calling call activities: deeper than this is taken for a loop (an incident). */
export const MAX_CALL_DEPTH = 16;

export interface CallHost {
  store: Store;
  registry: DefinitionRegistry;
  clock: Clock;
  runnerOptions: RunnerOptions;
  outcome(runner: InstanceRunner, base: InstanceRecord): Promise<EventOutcome>;
  recover(row: InstanceWithState): Promise<InstanceRunner>;
  evict(instanceId: string): void;
  /** What a called instance's BPMN error that no boundary event of its call activity catches does (event-types.ts). */
  unhandledBpmnError: UnhandledBpmnError;
}

/** The linked work of one event. */
export class CallScope {
  readonly linked: EventOutcome[] = [];
  /** Runners of linked instances, dropped after the commit. */
  readonly runners: InstanceRunner[] = [];
  /** Instances this event started, by id. */
  readonly created = new Map<string, EventOutcome>();
  main: EventOutcome | undefined;

  constructor(
    readonly mainId: string,
    readonly by: string | null,
  ) {}

  /** Every instance id this event writes besides the main one. */
  linkedIds(): string[] {
    return this.linked.map((o) => o.instance.id);
  }
}

export class CallLinks {
  private readonly fns;

  constructor(private readonly host: CallHost) {
    this.fns = expressionFunctions(host.clock);
  }

  /** Whether instances of this definition can have children at all (skips the queries otherwise). */
  static calls(definition: RuntimeDefinition): boolean {
    for (const a of definition.activities.values()) if (isCallActivity(a.type)) return true;
    return false;
  }

  /**
   * Starts the called instance of every call activity that began to wait, answering the call at
   * once when the child ends in the same run; repeats while answers make new calls wait.
   */
  async startCalls(runner: InstanceRunner, base: InstanceRecord, scope: CallScope, depth: number, orphans: CallWait[] = []): Promise<void> {
    let pending = [...orphans, ...runner.takeFreshCalls()];
    while (pending.length) {
      for (const wait of pending) await this.startChild(runner, base, wait, scope, depth);
      pending = runner.takeFreshCalls();
    }
  }

  /** Waiting call activities of a recovered runner whose child was never started (an incident retry). */
  async orphanCalls(runner: InstanceRunner, instanceId: string): Promise<CallWait[]> {
    const waits = runner.callWaits();
    if (!waits.length) return [];
    const children = await this.host.store.instances.childrenOf(instanceId);
    const started = new Set(children.map((c) => c.parentExecutionId));
    return waits.filter((w) => w.recovered && !started.has(w.executionId));
  }

  private async startChild(parent: InstanceRunner, base: InstanceRecord, wait: CallWait, scope: CallScope, depth: number): Promise<void> {
    const meta = parent.definition.activities.get(wait.activityId);
    const call = meta?.call;
    if (!call) return;
    if (depth >= MAX_CALL_DEPTH) {
      parent.callFailed(wait.activityId, `call activity <${wait.activityId}>: calls are nested more than ${MAX_CALL_DEPTH} deep (a process calling itself?)`);
      return;
    }
    const record = await this.calledDefinition(parent.definition.record, wait, call.binding, call.version);
    if (typeof record === 'string') {
      parent.callFailed(wait.activityId, record);
      return;
    }
    const definition = await this.host.registry.get(record.id);
    // The call activity's camunda:in mappings see its local variables (its inputs) as well.
    const parentVars = parent.variablesAt(wait.api.content);
    const extra = wait.index !== null ? { loopCounter: wait.index } : {};
    let variables: Record<string, unknown>;
    let businessKey: string | null;
    try {
      variables = mappedVariables(call.ins, { ...parentVars, ...extra }, this.fns, extra);
      businessKey = calledBusinessKey(call.businessKey, parentVars, base.businessKey, this.fns);
    } catch (err) {
      parent.callFailed(
        wait.activityId,
        `call activity <${wait.activityId}>: its camunda:in mapping failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    const id = crypto.randomUUID();
    const startedAt = this.host.clock.now().toISOString();
    const child = await InstanceRunner.start(definition, { id, businessKey }, variables, scope.by, this.host.runnerOptions);
    scope.runners.push(child);
    const childBase: InstanceRecord = {
      ...newInstanceRow(id, record, businessKey, scope.by, startedAt),
      parentInstanceId: base.id,
      parentExecutionId: wait.executionId,
      parentActivityId: wait.activityId,
    };
    await this.startCalls(child, childBase, scope, depth + 1);
    const outcome = await this.host.outcome(child, childBase);
    scope.linked.push(outcome);
    scope.created.set(id, outcome);
    await this.cancelGoneChildren(child, outcome, scope);
    await this.answer(parent, wait, child.takeThrown(), () => child.currentVariables(), outcome, Boolean(base.parentInstanceId));
  }

  /** Which version a call activity calls; a string says why there is none. */
  private async calledDefinition(
    caller: DefinitionRecord,
    wait: CallWait,
    binding: 'latest' | 'deployment' | 'version',
    version: string | undefined,
  ): Promise<DefinitionRecord | string> {
    const key = wait.calledElement;
    const where = `call activity <${wait.activityId}>`;
    if (!key) return `${where} names no process to call (calledElement is empty)`;
    const defs = this.host.store.definitions;
    let record: DefinitionRecord | undefined;
    if (binding === 'deployment') {
      record = (await defs.definitionsOfDeployment(caller.deploymentId)).find((d) => d.key === key);
      if (!record) return `${where} calls <${key}> from its own deployment, which has no such process`;
    } else if (binding === 'version') {
      const n = Number(version);
      if (!Number.isInteger(n) || n < 1)
        return `${where} has calledElementBinding="version" but calledElementVersion <${version ?? ''}> is not a version number`;
      record = await defs.getVersion(key, n);
      if (!record) return `${where} calls version ${n} of <${key}>, which is not deployed`;
    } else {
      record = await defs.getLatest(key);
      if (!record) return `${where} calls <${key}>, which is not deployed`;
    }
    if (!record.executable) return `${where} calls <${key}> version ${record.version}, which is not executable`;
    return record;
  }

  /**
   * A child's run is over for now: its escalations reach the caller's boundary events, its
   * uncaught error is thrown at the call activity, its end answers the call. `callerIsCalled`:
   * the caller has a caller of its own (an error nothing in the caller catches goes on to it).
   */
  private async answer(
    parent: InstanceRunner,
    wait: CallWait,
    thrown: Thrown[],
    childVariables: () => Record<string, unknown>,
    childOutcome: EventOutcome,
    callerIsCalled: boolean,
  ): Promise<void> {
    for (const t of thrown.filter((x) => x.kind === 'escalation')) {
      const boundary = catchingBoundary(parent.definition.activities, wait.activityId, 'escalation', t.code ?? undefined);
      if (boundary) await parent.escalateAt(boundary.id, boundary.catches.refId, null);
    }
    const call = parent.definition.activities.get(wait.activityId)?.call;
    const outs = () => (call ? mappedVariables(call.outs, childVariables(), this.fns) : {});
    // The error is thrown at the call activity whether or not the called instance still runs:
    // a boundary event of the call activity catches it first, else an error event sub-process
    // of its scope or a boundary event of an enclosing sub-process (throwAtCall), else the
    // caller's own caller (afterOutcome). A catch ends the call activity, and so the called instance.
    const error = uncaughtError(thrown);
    if (error) {
      const out = outs();
      if (catchingBoundary(parent.definition.activities, wait.activityId, 'error', error.code ?? undefined)) {
        await parent.failCall(wait.executionId, { code: error.code, message: error.message }, out, null);
        return;
      }
      if (await parent.throwAtCall(wait.executionId, { code: error.code, message: error.message }, out, null)) return;
      if (!callerIsCalled && this.host.unhandledBpmnError === 'fail') {
        const code = error.code ? ` (errorCode <${error.code}>)` : '';
        throw new AppError(
          'BPMN_ERROR_UNHANDLED',
          `activity <${error.activityId}> of process instance <${childOutcome.instance.id}> throws the BPMN error <${error.refId ?? error.message}>${code}, but no error handler catches it, nor does call activity <${wait.activityId}> of process instance <${parent.identity.id}> or a scope around it; nothing was changed`,
        );
      }
    }
    if (childOutcome.instance.state !== 'completed') return;
    // Caught by nothing: as in Camunda 7 by default, the execution that threw it ended as a none
    // end event would, so the called instance simply completed and the call activity goes on.
    await parent.completeCall(wait.executionId, outs(), null);
  }

  /**
   * After an instance's outcome is known: children whose call activity no longer waits are
   * cancelled (an interrupting boundary event, the end of the instance), and an instance that
   * ended, escalated or threw an error it does not catch answers its parent's call activity —
   * that parent's outcome is linked too.
   */
  async afterOutcome(runner: InstanceRunner, outcome: EventOutcome, scope: CallScope, depth = 0): Promise<void> {
    await this.cancelGoneChildren(runner, outcome, scope);
    const instance = outcome.instance;
    const thrown = runner.takeThrown();
    // An escalation or an uncaught error reaches the caller while the instance still runs.
    const reaches = thrown.length > 0 && instance.state === 'running';
    if (!instance.parentInstanceId || !instance.parentExecutionId) return;
    if (instance.state !== 'completed' && !reaches) return;
    if (depth >= MAX_CALL_DEPTH) return;
    const row = await this.host.store.instances.getWithState(instance.parentInstanceId);
    if (!row || row.state !== 'running') return;
    // The parent's event is this one: a cached engine of it may be in use by an event of its own.
    this.host.evict(row.id);
    const parent = await this.host.recover(row);
    scope.runners.push(parent);
    const wait = parent.callWaits().find((w) => w.executionId === instance.parentExecutionId);
    if (!wait) return;
    await this.answer(parent, wait, thrown, () => runner.currentVariables(), outcome, Boolean(row.parentInstanceId));
    await this.startCalls(parent, row, scope, depth + 1);
    const parentOutcome = await this.host.outcome(parent, { ...row, state: 'running' });
    scope.linked.push(parentOutcome);
    await this.afterOutcome(parent, parentOutcome, scope, depth + 1);
  }

  /** Cancels the running children of this instance whose call activity (or iteration) no longer waits. */
  private async cancelGoneChildren(runner: InstanceRunner, outcome: EventOutcome, scope: CallScope): Promise<void> {
    const instance = outcome.instance;
    if (instance.state === 'failed') return;
    const waiting = new Set(runner.callWaits().map((w) => w.executionId));
    const now = this.host.clock.now().toISOString();
    for (const created of scope.created.values()) {
      const c = created.instance;
      if (c.parentInstanceId !== instance.id || c.state !== 'running' || waiting.has(c.parentExecutionId ?? '')) continue;
      await this.cancelInScope(created, now, scope);
    }
    if (!CallLinks.calls(runner.definition) || outcome.expectedVersion === null) return;
    for (const child of await this.host.store.instances.childrenOf(instance.id)) {
      if (scope.created.has(child.id) || waiting.has(child.parentExecutionId ?? '')) continue;
      const inScope = child.id === scope.mainId ? scope.main : scope.linked.find((o) => o.instance.id === child.id);
      if (inScope) {
        if (inScope.instance.state === 'running') await this.cancelInScope(inScope, now, scope);
        continue;
      }
      await this.cancelTree(child, now, scope);
    }
  }

  /** Turns an outcome of this event into the cancellation of its instance, and cancels that instance's children. */
  private async cancelInScope(outcome: EventOutcome, now: string, scope: CallScope): Promise<void> {
    Object.assign(outcome, cancelled(outcome, now, scope.by));
    for (const created of scope.created.values()) {
      if (created.instance.parentInstanceId === outcome.instance.id && created.instance.state === 'running') await this.cancelInScope(created, now, scope);
    }
    if (outcome.expectedVersion !== null) {
      for (const child of await this.host.store.instances.childrenOf(outcome.instance.id)) {
        if (!scope.created.has(child.id)) await this.cancelTree(child, now, scope);
      }
    }
  }

  /** Cancels a stored instance and every running instance below it, as linked outcomes of this event. */
  async cancelTree(row: InstanceRecord, now: string, scope: CallScope): Promise<void> {
    // An instance this event writes already (the main one too: an error it threw, caught two
    // callers up, ends it) is cancelled in its outcome, not written twice.
    const inScope = row.id === scope.mainId ? scope.main : scope.linked.find((o) => o.instance.id === row.id);
    if (inScope) {
      if (inScope.instance.state === 'running') await this.cancelInScope(inScope, now, scope);
      return;
    }
    this.host.evict(row.id);
    scope.linked.push(cancelledRow(row, now, scope.by));
    for (const child of await this.host.store.instances.childrenOf(row.id)) await this.cancelTree(child, now, scope);
  }
}

/** The error an instance ended with: thrown by an end event and caught nowhere inside it. */
function uncaughtError(thrown: Thrown[]): Thrown | undefined {
  const errors = thrown.filter((t) => t.kind === 'error');
  return errors[errors.length - 1];
}

/** The outcome of an event, turned into the instance's cancellation (its rows end with it). */
function cancelled(outcome: EventOutcome, now: string, by: string | null): EventOutcome {
  return {
    ...outcome,
    instance: { ...outcome.instance, state: 'cancelled', endedAt: now, updatedAt: now, waitingAt: [], nextTimerAt: null },
    openTasks: [],
    subscriptions: [],
    timers: [],
    externalTasks: [],
    jobs: [],
    history: [...outcome.history, { at: now, activityId: null, activityName: null, type: 'process', event: 'instance-cancel', by }],
    resolveIncidents: true,
  };
}

/** The row of an instance that starts now, before its first commit (version 0, no variables yet). */
export function newInstanceRow(id: string, definition: DefinitionRecord, businessKey: string | null, by: string | null, startedAt: string): InstanceRecord {
  return {
    id,
    definitionId: definition.id,
    definitionKey: definition.key,
    definitionVersion: definition.version,
    businessKey,
    state: 'running',
    startedBy: by,
    startedAt,
    endedAt: null,
    updatedAt: startedAt,
    variables: {},
    waitingAt: [],
    nextTimerAt: null,
    version: 0,
  };
}

/** A stored instance cancelled (its tasks, subscriptions, timers and open incidents end with it). */
export function cancelledRow(row: InstanceRecord, now: string, by: string | null): EventOutcome {
  return {
    instance: { ...row, state: 'cancelled', endedAt: now, updatedAt: now, waitingAt: [], nextTimerAt: null, version: row.version + 1, engineState: undefined },
    expectedVersion: row.version,
    before: { state: row.state, waitingAt: row.waitingAt, endedAt: row.endedAt, nextTimerAt: row.nextTimerAt },
    openTasks: [],
    subscriptions: [],
    history: [{ at: now, activityId: null, activityName: null, type: 'process', event: 'instance-cancel', by }],
    incidents: [],
    timers: [],
    externalTasks: [],
    resolveIncidents: true,
  };
}
