// The five steps of DESIGN.md for every event — load the row (or a cached engine whose version
// still matches), recover and resume, apply the event and run to the next waits, commit state
// and derived rows in one version-guarded transaction, answer after the commit. Who may cause an
// event, and which instance it goes to, is decided by the application layer before it gets here.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Store } from '../store/store';
import {
  StoreConflict,
  type EventOutcome,
  type CommitResult,
  type ExternalTaskRecord,
  type IncidentRecord,
  type InstanceRecord,
  type InstanceWithState,
  type TaskRecord,
  type AnswerWrite,
  type TransactionWrite,
} from '../store/types';
import type { Clock } from './clock';
import type { DefinitionRegistry, RuntimeDefinition } from './definition-registry';
import { outcomeOf } from './event-outcome';
import { InstanceRunner, type RunnerOptions } from './instance-runner';
import { CallLinks, CallScope, cancelledRow, newInstanceRow } from './runner/call-links';
import { CommitListeners, thrownSignalJobs } from './runner/commit-listeners';
import { EngineCache } from './runner/engine-cache';
import * as externalTaskEvents from './runner/external-task-events';
import { attemptFor, type RetryDefaults } from './retry-policy';
import type { CommittedInstance, EventOptions, EventRunnerOptions, RetryHow, RuntimeMetrics, StartHow, StartInput, UnhandledBpmnError } from './event-types';

export type { CommittedInstance, ConflictPolicy, EventRunnerOptions, RuntimeMetrics, StartHow, StartInput } from './event-types';
import type { ServiceRegistry } from './service-registry';

/** Raised by an event whose target no longer waits for it (the caller decides what that means). */
export class NothingWaits extends Error {}

const MAX_ATTEMPTS = 4;

export class EventRunner {
  private readonly engines: EngineCache;
  private readonly runnerOptions: RunnerOptions;
  private readonly retry: RetryDefaults;
  private readonly unhandledBpmnError: UnhandledBpmnError;
  private readonly listeners = new CommitListeners();
  private readonly links: CallLinks;
  private readonly runEvent: externalTaskEvents.RunEvent = (instanceId, apply, opts) => this.run(instanceId, apply, opts);

  constructor(
    private readonly store: Store,
    private readonly registry: DefinitionRegistry,
    private readonly clock: Clock,
    services: ServiceRegistry,
    private readonly logger: Logger,
    options: EventRunnerOptions,
    private readonly metrics: RuntimeMetrics = {},
  ) {
    this.engines = new EngineCache(options.cacheSize);
    this.runnerOptions = {
      clock,
      services,
      budgetActivities: options.budgetActivities,
      budgetMs: options.budgetMs,
      serviceTimeoutMs: options.serviceTimeoutMs,
    };
    this.retry = { serviceRetries: options.serviceRetries, retryBackoffMs: options.retryBackoffMs };
    this.unhandledBpmnError = options.unhandledBpmnError ?? 'end';
    this.links = new CallLinks({
      store,
      registry,
      clock,
      runnerOptions: this.runnerOptions,
      outcome: (runner, base) => this.outcome(runner, base, { serviceAttempt: 1, rewriteTimers: false }),
      recover: (row) => this.recover(row),
      evict: (id) => this.engines.evict(id),
      unhandledBpmnError: this.unhandledBpmnError,
    });
  }

  // ----- the events -----

  /** Starts a new instance and runs it to its first waits; committed with `how.writes`. */
  async start(definition: RuntimeDefinition, input: StartInput, by: string | null, how: StartHow = {}): Promise<CommittedInstance> {
    const id = how.id ?? crypto.randomUUID();
    const variables = { ...(input.variables ?? {}) };
    for (const meta of definition.activities.values()) {
      if (meta.initiator && by && meta.processId === definition.record.info.processId) variables[meta.initiator] = by;
    }
    const identity = { id, businessKey: input.businessKey ?? null };
    const startedAt = this.clock.now().toISOString();
    const runner = await InstanceRunner.start(definition, identity, variables, by, this.runnerOptions, {
      fireStartTimers: how.fireStartTimers ?? false,
      awaitMessage: how.message !== undefined || how.signal !== undefined,
      ...(how.signal ? { signalStart: how.signal.activityId } : {}),
    });
    if (how.message && !runner.hasFailed) {
      await runner.deliver('message', how.message.messageId, how.message.variables, by);
      await runner.discardOtherStartEvents();
    }
    if (how.signal && !runner.hasFailed) {
      await runner.deliver('signal', how.signal.signalId, how.signal.variables, by);
      await runner.discardOtherStartEvents();
    }
    this.refuseUnhandledError(runner, null);
    const base = newInstanceRow(id, definition.record, identity.businessKey, by, startedAt);
    // Call activities waiting now start their called instances, in this same transaction.
    const scope = new CallScope(id, by);
    await this.linking(runner, scope, () => this.links.startCalls(runner, base, scope, 0));
    const outcome = await this.outcome(runner, base, { serviceAttempt: 1, rewriteTimers: false });
    scope.main = outcome;
    await this.linking(runner, scope, () => this.links.afterOutcome(runner, outcome, scope));
    if (scope.linked.length) outcome.linked = scope.linked;
    if (how.completeJobId) outcome.completeJobId = how.completeJobId;
    if (how.writes?.length) outcome.writes = how.writes;
    if (how.answerWrites?.length) outcome.answerWrites = how.answerWrites;
    let committed: CommitResult;
    try {
      committed = await this.store.instances.commitEvent(outcome);
    } catch (err) {
      void runner.dispose();
      this.dropLinked(scope);
      throw err;
    }
    this.metrics.onInstanceStarted?.(definition.record.key);
    this.afterCommit(runner, outcome, scope);
    await this.listeners.deliverSignals(thrownSignalJobs(outcome));
    return answer(outcome, committed);
  }

  /** A person completes a user task with form values already checked. */
  async completeUserTask(
    task: TaskRecord,
    values: Record<string, unknown>,
    by: string,
    at: string,
    answerWrites: AnswerWrite[] = [],
  ): Promise<CommittedInstance> {
    try {
      const instance = await this.run(
        task.processInstanceId,
        async (runner) => {
          if (!(await runner.completeUserTask(task.executionId, values, by))) {
            throw new AppError('TASK_NOT_OPEN', `task <${task.id}> no longer waits in instance <${task.processInstanceId}>`);
          }
        },
        { conflicts: 'refuse', completedTask: { id: task.id, by, variables: values, at }, answerWrites },
      );
      this.metrics.onTaskCompleted?.(task.definitionKey);
      return instance;
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'task-not-open')
        throw new AppError('TASK_NOT_OPEN', `task <${task.id}> was completed by someone else`);
      throw err;
    }
  }

  /** A worker completes an external service task; a second completion is refused with 409. */
  completeExternalTask(task: ExternalTaskRecord, variables: Record<string, unknown>, by: string, answerWrites: AnswerWrite[] = []): Promise<CommittedInstance> {
    return externalTaskEvents.completeExternalTask(this.runEvent, task, variables, by, this.clock.now().toISOString(), answerWrites);
  }

  /** A worker failed an external task with no retries left: an incident at the task. */
  failExternalTask(task: ExternalTaskRecord, message: string, by: string): Promise<CommittedInstance> {
    return externalTaskEvents.failExternalTask(this.runEvent, task, message, by);
  }

  /** A worker reports a BPMN error for an external task, thrown at the task. */
  throwBpmnErrorFromExternalTask(
    task: ExternalTaskRecord,
    error: { code: string; message: string },
    variables: Record<string, unknown>,
    by: string,
  ): Promise<CommittedInstance> {
    return externalTaskEvents.throwBpmnErrorFromExternalTask(this.runEvent, task, error, variables, by);
  }

  /**
   * Calls `listener` with the ids of the signal jobs an event committed (signals its throw events
   * sent to other instances), after the commit and outside the instance's lock; the event's
   * answer waits for it. Returns the unsubscribe.
   */
  onSignalsThrown(listener: (jobIds: string[]) => Promise<void>): () => void {
    return this.listeners.onSignalsThrown(listener);
  }

  /**
   * Calls `listener` after each commit that changed an instance's waiting external tasks (a
   * worker's long poll wakes up); returns the unsubscribe.
   */
  onExternalTasksChanged(listener: () => void): () => void {
    return this.listeners.onExternalTasksChanged(listener);
  }

  /**
   * Delivers a message or signal to what waits for it in one instance; false when nothing there
   * waits for it (or the instance's variables do not match `correlationKeys`).
   */
  async deliver(
    instanceId: string,
    kind: 'message' | 'signal',
    elementRef: string,
    variables: Record<string, unknown>,
    by: string | null,
    correlationKeys?: Record<string, unknown>,
    answerWrites: AnswerWrite[] = [],
  ): Promise<boolean> {
    try {
      await this.run(
        instanceId,
        async (runner) => {
          if (correlationKeys && !matchesKeys(runner.currentVariables(), correlationKeys)) throw new NothingWaits();
          if (!(await runner.deliver(kind, elementRef, variables, by))) throw new NothingWaits();
        },
        { conflicts: 'retry', answerWrites },
      );
      return true;
    } catch (err) {
      if (err instanceof NothingWaits || (err instanceof AppError && err.code === 'INSTANCE_ENDED')) return false;
      throw err;
    }
  }

  /** A timer job: fires the instance's due timers; the job row goes with the commit. */
  async fireTimers(instanceId: string, jobId: string): Promise<CommittedInstance> {
    return this.run(instanceId, async (runner) => void (await runner.fireDueTimers()), { conflicts: 'retry', completeJobId: jobId });
  }

  /** A service-task retry job: recovering the engine runs the task's service again. */
  async retryService(instanceId: string, jobId: string, attempt: number): Promise<CommittedInstance> {
    this.engines.evict(instanceId);
    return this.run(instanceId, () => Promise.resolve(), { conflicts: 'retry', completeJobId: jobId, serviceAttempt: attempt });
  }

  /**
   * Runs the failed step of an incident again: the instance is recovered from its last saved
   * state, which re-runs a failed service task, or returns a failed instance to where it waited.
   * The incident is resolved in the same commit; a second retry of it gets 409.
   */
  async retryIncident(incident: IncidentRecord, by: string | null, how: RetryHow = {}): Promise<CommittedInstance> {
    // With `attempts`, a failing service task runs that many times in all before the next incident.
    const serviceAttempt = how.attempts === undefined ? Number.POSITIVE_INFINITY : await this.attemptLeaving(incident, how.attempts);
    this.engines.evict(incident.processInstanceId);
    try {
      return await this.run(incident.processInstanceId, () => Promise.resolve(), {
        conflicts: 'refuse',
        allowFailed: true,
        retriedIncident: { id: incident.id, by },
        serviceAttempt,
        ...(how.answerWrites?.length ? { answerWrites: how.answerWrites } : {}),
      });
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'incident-not-open') {
        throw new AppError('INCIDENT_NOT_OPEN', `incident <${incident.id}> was retried already`);
      }
      // The instance ended meanwhile (another retry of it ran on to the end, or it was cancelled):
      // either way its incidents were resolved with that event.
      if (err instanceof AppError && err.code === 'INSTANCE_ENDED')
        throw new AppError('INCIDENT_NOT_OPEN', `incident <${incident.id}> is resolved: ${err.detail}`);
      throw err;
    }
  }

  /** The service attempt an incident's retry counts as, for the failed task to run `attempts` times in all. */
  private async attemptLeaving(incident: IncidentRecord, attempts: number): Promise<number> {
    const row = await this.store.instances.get(incident.processInstanceId);
    const definition = row ? await this.registry.get(row.definitionId) : undefined;
    const cycle = incident.activityId ? definition?.activities.get(incident.activityId)?.retryCycle : undefined;
    return attemptFor(cycle, attempts, this.retry);
  }

  /**
   * An operator's change of a running instance (src/app/instance-variables.ts): `apply` changes
   * the engine — variables set or deleted, a waiting activity triggered — and returns the rows
   * that record the change, committed in the event's one transaction; a lost race gets 409.
   */
  async change(instanceId: string, apply: (runner: InstanceRunner) => Promise<TransactionWrite[]>): Promise<CommittedInstance> {
    const writes: TransactionWrite[] = [];
    return this.run(
      instanceId,
      async (runner) => {
        writes.splice(0, writes.length, ...(await apply(runner)));
      },
      { conflicts: 'refuse', writes },
    );
  }

  /** Cancels an instance: its tasks, subscriptions, timers and open incidents end in one commit. */
  async cancel(instanceId: string, by: string | null): Promise<InstanceRecord> {
    return this.engines.withLock(instanceId, async () => {
      const row = await this.store.instances.get(instanceId);
      if (!row) throw new AppError('INSTANCE_NOT_FOUND', `process instance <${instanceId}> does not exist`);
      if (row.state !== 'running' && row.state !== 'failed') throw new AppError('INSTANCE_ENDED', `process instance <${instanceId}> is ${row.state}`);
      this.engines.evict(instanceId);
      const now = this.clock.now().toISOString();
      const outcome = cancelledRow(row, now, by);
      // The instances its call activities started (and theirs) are cancelled with it.
      const scope = new CallScope(instanceId, by);
      for (const child of await this.store.instances.childrenOf(instanceId)) await this.links.cancelTree(child, now, scope);
      try {
        await this.store.instances.commitEvent({ ...outcome, ...(scope.linked.length ? { linked: scope.linked } : {}) });
        for (const linked of scope.linked) this.metrics.onInstanceEnded?.(linked.instance.definitionKey, 'cancelled');
      } catch (err) {
        if (err instanceof StoreConflict) throw new AppError('INSTANCE_CONFLICT', `process instance <${instanceId}> changed while cancelling; try again`);
        throw err;
      }
      this.metrics.onInstanceEnded?.(row.definitionKey, 'cancelled');
      return outcome.instance;
    });
  }

  // ----- the five steps -----

  private async run(instanceId: string, apply: (runner: InstanceRunner) => Promise<void>, opts: EventOptions): Promise<CommittedInstance> {
    const signals: string[] = [];
    const result = await this.engines.withLock(instanceId, async () => {
      for (let attempt = 1; ; attempt++) {
        // 1. load the row, or take the cached engine if its version still matches
        const cached = this.engines.peek(instanceId);
        const loaded = await this.store.instances.getForEvent(instanceId, !cached);
        if (!loaded) throw new AppError('INSTANCE_NOT_FOUND', `process instance <${instanceId}> does not exist`);
        const { openIncidents, ...row } = loaded;
        const okState = row.state === 'running' || (opts.allowFailed && row.state === 'failed');
        if (!okState) throw new AppError('INSTANCE_ENDED', `process instance <${instanceId}> is ${row.state}`);
        let runner: InstanceRunner;
        if (cached && cached.version === row.version) {
          runner = cached.runner;
        } else {
          // 2. recover a new engine from the saved state and resume it
          if (cached) this.engines.evict(instanceId);
          runner = await this.recover(row);
        }
        this.engines.take(instanceId);
        // 3. apply the event and run until every token waits or ends
        try {
          await apply(runner);
          this.refuseUnhandledError(runner, row.parentInstanceId);
        } catch (err) {
          // Nothing was committed; the engine may have moved on in memory, so drop it.
          void runner.dispose();
          throw err;
        }
        // Call activities that began to wait start their called instances; a child that ended
        // answers its parent; children whose call activity is gone are cancelled — all linked.
        const scope = new CallScope(instanceId, null);
        const orphans = opts.retriedIncident ? await this.links.orphanCalls(runner, instanceId) : [];
        await this.linking(runner, scope, () => this.links.startCalls(runner, row, scope, 0, orphans));
        // 4. one transaction, guarded by the version the event started from. Even when the event
        // itself found nothing to do (a timer fired already while the engine resumed), the resumed
        // state is committed: it may have moved.
        const outcome = await this.outcome(
          runner,
          { ...row, state: 'running' },
          {
            serviceAttempt: opts.serviceAttempt ?? 1,
            rewriteTimers: opts.completeJobId !== undefined,
            ...(opts.retriedIncident ? { retriedBy: opts.retriedIncident.by } : {}),
          },
        );
        outcome.before = { state: row.state, waitingAt: row.waitingAt, openIncidents, endedAt: row.endedAt, nextTimerAt: row.nextTimerAt };
        scope.main = outcome;
        await this.linking(runner, scope, () => this.links.afterOutcome(runner, outcome, scope));
        if (scope.linked.length) outcome.linked = scope.linked;
        if (opts.completedTask) outcome.completedTask = opts.completedTask;
        if (opts.completedExternalTask) outcome.completedExternalTask = opts.completedExternalTask;
        if (opts.retriedIncident) outcome.retriedIncidentId = opts.retriedIncident.id;
        if (opts.completeJobId) outcome.completeJobId = opts.completeJobId;
        if (opts.answerWrites?.length) outcome.answerWrites = opts.answerWrites;
        if (opts.writes?.length) outcome.writes = opts.writes;
        let committed: CommitResult;
        try {
          committed = await this.store.instances.commitEvent(outcome);
        } catch (err) {
          void runner.dispose();
          this.dropLinked(scope);
          if (!(err instanceof StoreConflict)) throw err;
          this.metrics.onConflict?.();
          if (err.reason !== 'version') throw err;
          if (opts.conflicts === 'refuse' || attempt >= MAX_ATTEMPTS) {
            throw new AppError('INSTANCE_CONFLICT', `process instance <${instanceId}> was changed concurrently; try again`);
          }
          continue;
        }
        // 5. the caller gets its answer only now, after the commit
        this.afterCommit(runner, outcome, scope);
        signals.push(...thrownSignalJobs(outcome));
        return answer(outcome, committed);
      }
    });
    // Outside the lock: delivering to other instances must not wait while holding this one.
    await this.listeners.deliverSignals(signals);
    return result;
  }

  /**
   * With PROCFLOW_UNHANDLED_BPMN_ERROR=fail, an event in which the instance throws a BPMN error
   * that nothing catches is refused and commits nothing, as Camunda 7 throws with
   * enableExceptionsAfterUnhandledBpmnError. A called instance's error goes to its call activity
   * instead (call-links.ts), so only an instance without a caller is refused here.
   */
  private refuseUnhandledError(runner: InstanceRunner, parentInstanceId: string | null | undefined): void {
    if (this.unhandledBpmnError !== 'fail' || parentInstanceId) return;
    const error = runner.uncaughtErrors()[0];
    if (!error) return;
    void runner.dispose();
    const code = error.code ? ` (errorCode <${error.code}>)` : '';
    throw new AppError(
      'BPMN_ERROR_UNHANDLED',
      `activity <${error.activityId}> of process instance <${runner.identity.id}> throws the BPMN error <${error.refId ?? error.message}>${code}, but no error handler catches it; nothing was changed`,
    );
  }

  private async recover(row: InstanceRecord | InstanceWithState): Promise<InstanceRunner> {
    const withState = 'engineState' in row ? row : await this.store.instances.getWithState(row.id);
    if (!withState?.engineState) throw new AppError('INSTANCE_ENDED', `process instance <${row.id}> has no state to resume`);
    const definition = await this.registry.get(row.definitionId);
    const knownDue = new Map<string, number>();
    for (const t of await this.store.jobs.timersOf(row.id)) if (t.executionId) knownDue.set(t.executionId, Date.parse(t.dueAt));
    return InstanceRunner.recover(definition, { id: row.id, businessKey: row.businessKey }, withState.engineState, row.variables, this.runnerOptions, knownDue);
  }

  private async outcome(
    runner: InstanceRunner,
    base: InstanceRecord,
    ctx: { serviceAttempt: number; rewriteTimers: boolean; retriedBy?: string | null },
  ): Promise<EventOutcome> {
    const { outcome, failure } = await outcomeOf(runner, base, { ...ctx, now: this.clock.now().toISOString(), retry: this.retry });
    if (failure) this.logger.warn('instance failed', { instance: base.id, definition: base.definitionKey, reason: failure.message });
    return outcome;
  }

  /**
   * The work an event causes in linked instances; when it refuses the event (a called instance's
   * BPMN error that nothing catches, under PROCFLOW_UNHANDLED_BPMN_ERROR=fail) nothing is committed.
   */
  private async linking(runner: InstanceRunner, scope: CallScope, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      void runner.dispose();
      this.dropLinked(scope);
      throw err;
    }
  }

  /** The runners of an event's linked instances are dropped (their cached engines are stale now). */
  private dropLinked(scope: CallScope): void {
    for (const r of scope.runners) void r.dispose();
    for (const id of scope.linkedIds()) this.engines.evict(id);
  }

  private afterCommit(runner: InstanceRunner, outcome: EventOutcome, scope?: CallScope): void {
    const { instance } = outcome;
    if (scope) {
      this.dropLinked(scope);
      for (const linked of scope.linked) {
        if (scope.created.has(linked.instance.id)) this.metrics.onInstanceStarted?.(linked.instance.definitionKey);
        if (linked.instance.state !== 'running') this.metrics.onInstanceEnded?.(linked.instance.definitionKey, linked.instance.state);
      }
    }
    runner.committed = runner.pending;
    this.listeners.committed(outcome);
    if (instance.state === 'running' && !runner.hasFailed) {
      this.engines.keep(instance.id, runner, instance.version);
    } else {
      void runner.dispose();
      this.metrics.onInstanceEnded?.(instance.definitionKey, instance.state);
    }
  }

  /** Drops every cached engine (graceful shutdown). */
  close(): Promise<void> {
    return this.engines.close();
  }
}

function answer(outcome: EventOutcome, committed: CommitResult): CommittedInstance {
  const { engineState: _state, ...instance } = outcome.instance;
  return { ...instance, openIncidents: committed.openIncidents };
}

function matchesKeys(variables: Record<string, unknown>, keys: Record<string, unknown>): boolean {
  return Object.entries(keys).every(([k, v]) => variables[k] === v || String(variables[k]) === String(v));
}
