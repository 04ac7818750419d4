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
import { LruCache } from './lru-cache';
import { CallLinks, CallScope } from './runner/call-links';
import { attemptFor, type RetryDefaults } from './retry-policy';
import type { CommittedInstance, EventOptions, EventRunnerOptions, RetryHow, RuntimeMetrics, StartHow, StartInput } from './event-types';

export type { CommittedInstance, ConflictPolicy, EventRunnerOptions, RuntimeMetrics, StartHow, StartInput } from './event-types';
import type { ServiceRegistry } from './service-registry';

interface Cached {
  runner: InstanceRunner;
  version: number;
}

/** Raised by an event whose target no longer waits for it (the caller decides what that means). */
export class NothingWaits extends Error {}

const MAX_ATTEMPTS = 4;

export class EventRunner {
  private readonly cache: LruCache<string, Cached>;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly runnerOptions: RunnerOptions;
  private readonly retry: RetryDefaults;
  private readonly externalTaskListeners = new Set<() => void>();
  private readonly signalListeners = new Set<(jobIds: string[]) => Promise<void>>();
  private readonly links: CallLinks;

  constructor(
    private readonly store: Store,
    private readonly registry: DefinitionRegistry,
    private readonly clock: Clock,
    services: ServiceRegistry,
    private readonly logger: Logger,
    options: EventRunnerOptions,
    private readonly metrics: RuntimeMetrics = {},
  ) {
    this.cache = new LruCache(options.cacheSize, (_id, cached) => void cached.runner.dispose());
    this.runnerOptions = {
      clock,
      services,
      budgetActivities: options.budgetActivities,
      budgetMs: options.budgetMs,
      serviceTimeoutMs: options.serviceTimeoutMs,
    };
    this.retry = { serviceRetries: options.serviceRetries, retryBackoffMs: options.retryBackoffMs };
    this.links = new CallLinks({
      store,
      registry,
      clock,
      runnerOptions: this.runnerOptions,
      outcome: (runner, base) => this.outcome(runner, base, { serviceAttempt: 1, rewriteTimers: false }),
      recover: (row) => this.recover(row),
      evict: (id) => this.evict(id),
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
      awaitMessage: how.message !== undefined,
    });
    if (how.message && !runner.hasFailed) {
      await runner.deliver('message', how.message.messageId, how.message.variables, by);
      await runner.discardOtherStartEvents();
    }
    const base: InstanceRecord = {
      id,
      definitionId: definition.record.id,
      definitionKey: definition.record.key,
      definitionVersion: definition.record.version,
      businessKey: identity.businessKey,
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
    // Call activities waiting now start their called instances, in this same transaction.
    const scope = new CallScope(id, by);
    await this.links.startCalls(runner, base, scope, 0);
    const outcome = await this.outcome(runner, base, { serviceAttempt: 1, rewriteTimers: false });
    scope.main = outcome;
    await this.links.afterOutcome(runner, outcome, scope);
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
    await this.deliverThrownSignals(thrownSignalJobs(outcome));
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
  async completeExternalTask(
    task: ExternalTaskRecord,
    variables: Record<string, unknown>,
    by: string,
    answerWrites: AnswerWrite[] = [],
  ): Promise<CommittedInstance> {
    const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> was completed already`);
    try {
      return await this.run(
        task.processInstanceId,
        async (runner) => {
          if (!(await runner.completeExternalTask(task.executionId, variables, by))) throw done();
        },
        { conflicts: 'refuse', completedExternalTask: { id: task.id, by, at: this.clock.now().toISOString() }, answerWrites },
      );
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'external-task-done') throw done();
      if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
      throw err;
    }
  }

  /**
   * A worker failed an external task with no retries left: the instance stays at the task with
   * an incident carrying the worker's message (retrying the incident makes it fetchable again).
   */
  async failExternalTask(task: ExternalTaskRecord, message: string, by: string): Promise<CommittedInstance> {
    const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> no longer waits for a worker`);
    try {
      return await this.run(
        task.processInstanceId,
        (runner) => {
          if (!runner.failExternalTask(task.executionId, message, by)) throw done();
          return Promise.resolve();
        },
        // No automatic retry: the worker said there are none left.
        { conflicts: 'refuse', serviceAttempt: Number.POSITIVE_INFINITY },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
      throw err;
    }
  }

  /**
   * A worker reports a BPMN error for an external task: thrown at the task with the worker's
   * variables, for a boundary error event with the same code to catch.
   */
  async throwBpmnErrorFromExternalTask(
    task: ExternalTaskRecord,
    error: { code: string; message: string },
    variables: Record<string, unknown>,
    by: string,
  ): Promise<CommittedInstance> {
    const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> no longer waits for a worker`);
    try {
      return await this.run(
        task.processInstanceId,
        async (runner) => {
          if (!(await runner.throwExternalTaskError(task.executionId, error, variables, by))) throw done();
        },
        { conflicts: 'refuse' },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
      throw err;
    }
  }

  /**
   * Calls `listener` after each commit that changed an instance's waiting external tasks (a
   * worker's long poll wakes up); returns the unsubscribe.
   */
  /**
   * Calls `listener` with the ids of the signal jobs an event committed (signals its throw events
   * sent to other instances), after the commit and outside the instance's lock; the event's
   * answer waits for it. Returns the unsubscribe.
   */
  onSignalsThrown(listener: (jobIds: string[]) => Promise<void>): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  private async deliverThrownSignals(jobIds: string[]): Promise<void> {
    if (jobIds.length) for (const listener of this.signalListeners) await listener(jobIds);
  }

  onExternalTasksChanged(listener: () => void): () => void {
    this.externalTaskListeners.add(listener);
    return () => this.externalTaskListeners.delete(listener);
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
    this.evict(instanceId);
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
    this.evict(incident.processInstanceId);
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
    return this.withLock(instanceId, async () => {
      const row = await this.store.instances.get(instanceId);
      if (!row) throw new AppError('INSTANCE_NOT_FOUND', `process instance <${instanceId}> does not exist`);
      if (row.state !== 'running' && row.state !== 'failed') throw new AppError('INSTANCE_ENDED', `process instance <${instanceId}> is ${row.state}`);
      this.evict(instanceId);
      const now = this.clock.now().toISOString();
      const instance: InstanceWithState = {
        ...row,
        state: 'cancelled',
        endedAt: now,
        updatedAt: now,
        waitingAt: [],
        nextTimerAt: null,
        version: row.version + 1,
        engineState: undefined,
      };
      // The instances its call activities started (and theirs) are cancelled with it.
      const scope = new CallScope(instanceId, by);
      for (const child of await this.store.instances.childrenOf(instanceId)) await this.links.cancelTree(child, now, scope);
      try {
        await this.store.instances.commitEvent({
          instance,
          expectedVersion: row.version,
          openTasks: [],
          subscriptions: [],
          history: [{ at: now, activityId: null, activityName: null, type: 'process', event: 'instance-cancel', by }],
          incidents: [],
          timers: [],
          externalTasks: [],
          resolveIncidents: true,
          ...(scope.linked.length ? { linked: scope.linked } : {}),
        });
        for (const linked of scope.linked) this.metrics.onInstanceEnded?.(linked.instance.definitionKey, 'cancelled');
      } catch (err) {
        if (err instanceof StoreConflict) throw new AppError('INSTANCE_CONFLICT', `process instance <${instanceId}> changed while cancelling; try again`);
        throw err;
      }
      this.metrics.onInstanceEnded?.(row.definitionKey, 'cancelled');
      return instance;
    });
  }

  // ----- the five steps -----

  private async run(instanceId: string, apply: (runner: InstanceRunner) => Promise<void>, opts: EventOptions): Promise<CommittedInstance> {
    const signals: string[] = [];
    const result = await this.withLock(instanceId, async () => {
      for (let attempt = 1; ; attempt++) {
        // 1. load the row, or take the cached engine if its version still matches
        const cached = this.cache.get(instanceId);
        const row = cached ? await this.store.instances.get(instanceId) : await this.store.instances.getWithState(instanceId);
        if (!row) throw new AppError('INSTANCE_NOT_FOUND', `process instance <${instanceId}> does not exist`);
        const okState = row.state === 'running' || (opts.allowFailed && row.state === 'failed');
        if (!okState) throw new AppError('INSTANCE_ENDED', `process instance <${instanceId}> is ${row.state}`);
        let runner: InstanceRunner;
        if (cached && cached.version === row.version) {
          runner = cached.runner;
        } else {
          // 2. recover a new engine from the saved state and resume it
          if (cached) this.evict(instanceId);
          runner = await this.recover(row);
        }
        this.cache.delete(instanceId);
        // 3. apply the event and run until every token waits or ends
        try {
          await apply(runner);
        } catch (err) {
          // Nothing was committed; the engine may have moved on in memory, so drop it.
          void runner.dispose();
          throw err;
        }
        // Call activities that began to wait start their called instances; a child that ended
        // answers its parent; children whose call activity is gone are cancelled — all linked.
        const scope = new CallScope(instanceId, null);
        const orphans = opts.retriedIncident ? await this.links.orphanCalls(runner, instanceId) : [];
        await this.links.startCalls(runner, row, scope, 0, orphans);
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
        scope.main = outcome;
        await this.links.afterOutcome(runner, outcome, scope);
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
    await this.deliverThrownSignals(signals);
    return result;
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

  /** The runners of an event's linked instances are dropped (their cached engines are stale now). */
  private dropLinked(scope: CallScope): void {
    for (const r of scope.runners) void r.dispose();
    for (const id of scope.linkedIds()) this.evict(id);
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
    if (outcome.externalTasks?.length) for (const listener of this.externalTaskListeners) listener();
    if (instance.state === 'running' && !runner.hasFailed) {
      this.cache.set(instance.id, { runner, version: instance.version });
    } else {
      void runner.dispose();
      this.metrics.onInstanceEnded?.(instance.definitionKey, instance.state);
    }
  }

  private evict(instanceId: string): void {
    const cached = this.cache.delete(instanceId);
    if (cached) void cached.runner.dispose();
  }

  /** Serializes events of one instance inside this node; other nodes are held off by the version check. */
  private async withLock<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(instanceId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(fn);
    this.locks.set(instanceId, current);
    try {
      return await current;
    } finally {
      if (this.locks.get(instanceId) === current) this.locks.delete(instanceId);
    }
  }

  /** Drops every cached engine (graceful shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.locks.values()]);
    const runners = this.cache.values();
    this.cache.clear();
    await Promise.allSettled(runners.map((c) => c.runner.dispose()));
  }
}

function thrownSignalJobs(outcome: EventOutcome): string[] {
  return (outcome.jobs ?? []).filter((j) => j.kind === 'signal').map((j) => j.id);
}

function answer(outcome: EventOutcome, committed: CommitResult): CommittedInstance {
  const { engineState: _state, ...instance } = outcome.instance;
  return { ...instance, openIncidents: committed.openIncidents };
}

function matchesKeys(variables: Record<string, unknown>, keys: Record<string, unknown>): boolean {
  return Object.entries(keys).every(([k, v]) => variables[k] === v || String(variables[k]) === String(v));
}
