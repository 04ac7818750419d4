// The five steps of DESIGN.md for every event — load the row (or a cached engine whose version
// still matches), recover and resume, apply the event and run to the next waits, commit state
// and derived rows in one version-guarded transaction, answer after the commit.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Store } from '../store/store';
import type { JobRecord, NewJob } from '../store/job-store';
import { StoreConflict, type EventOutcome, type IncidentRecord, type InstanceRecord, type InstanceWithState, type TaskRecord } from '../store/types';
import type { Clock } from './clock';
import type { DefinitionRegistry, RuntimeDefinition } from './definition-registry';
import { InstanceRunner, type RunnerOptions, type ServiceFailure } from './instance-runner';
import { parseRepeatingInterval } from './iso-duration';
import { LruCache } from './lru-cache';
import type { ServiceRegistry } from './service-registry';
import { validateForm } from './task-forms';

export interface Actor {
  name: string;
  groups: string[];
}

export interface RuntimeOptions {
  cacheSize: number;
  budgetActivities: number;
  budgetMs: number;
  serviceTimeoutMs?: number;
  /** Retries of a failing service task when the model sets none (camunda:failedJobRetryTimeCycle). */
  serviceRetries?: number;
  /** First retry delay in service-clock ms; doubled for each further retry. */
  retryBackoffMs?: number;
}

export interface RuntimeMetrics {
  onInstanceStarted?(definitionKey: string): void;
  onInstanceEnded?(definitionKey: string, state: string): void;
  onTaskCompleted?(definitionKey: string): void;
  onConflict?(): void;
}

interface Cached {
  runner: InstanceRunner;
  version: number;
}

const MAX_ATTEMPTS = 4;

export function isAdmin(actor: Actor | null): boolean {
  return actor?.groups.includes('admin') ?? false;
}

/** A user may act on a task assigned to it, or an unassigned task of one of its groups. */
export function mayActOnTask(actor: Actor, task: TaskRecord): boolean {
  if (isAdmin(actor)) return true;
  if (task.assignee) return task.assignee === actor.name;
  return task.candidateGroups.some((g) => actor.groups.includes(g));
}

export class ProcessRuntime {
  private readonly cache: LruCache<string, Cached>;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly runnerOptions: RunnerOptions;
  private readonly serviceRetries: number;
  private readonly retryBackoffMs: number;

  constructor(
    private readonly store: Store,
    private readonly registry: DefinitionRegistry,
    private readonly clock: Clock,
    services: ServiceRegistry,
    private readonly logger: Logger,
    options: RuntimeOptions,
    private readonly metrics: RuntimeMetrics = {},
  ) {
    this.cache = new LruCache(options.cacheSize, (_id, cached) => void cached.runner.dispose());
    this.runnerOptions = {
      clock,
      services,
      budgetActivities: options.budgetActivities,
      budgetMs: options.budgetMs,
      serviceTimeoutMs: options.serviceTimeoutMs ?? 30000,
    };
    this.serviceRetries = options.serviceRetries ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 1000;
  }

  // ----- starting -----

  async start(key: string, input: { variables?: Record<string, unknown>; businessKey?: string | null }, actor: Actor | null): Promise<InstanceRecord> {
    const record = await this.store.definitions.getLatest(key);
    if (!record) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the key <${key}>`);
    if (!record.executable || !record.startable) {
      throw new AppError(
        'DEFINITION_NOT_EXECUTABLE',
        `process definition <${key}> version ${record.version} cannot be started: ${record.executable ? 'it has no none start event' : 'it is not executable'}`,
      );
    }
    const definition = await this.registry.get(record.id);
    return this.startInstance(definition, input, actor, null);
  }

  private async startInstance(
    definition: RuntimeDefinition,
    input: { variables?: Record<string, unknown>; businessKey?: string | null },
    actor: Actor | null,
    message: { messageId: string; variables: Record<string, unknown> } | null,
    how: { fireStartTimers?: boolean; completeJobId?: string } = {},
  ): Promise<InstanceRecord> {
    const id = crypto.randomUUID();
    const variables = { ...(input.variables ?? {}) };
    for (const meta of definition.activities.values()) {
      if (meta.initiator && actor && meta.processId === definition.record.info.processId) variables[meta.initiator] = actor.name;
    }
    const identity = { id, businessKey: input.businessKey ?? null };
    const startedAt = this.clock.now().toISOString();
    const runner = await InstanceRunner.start(definition, identity, variables, actor?.name ?? null, this.runnerOptions, {
      fireStartTimers: how.fireStartTimers ?? false,
      awaitMessage: message !== null,
    });
    if (message && !runner.hasFailed) {
      await runner.deliver('message', message.messageId, message.variables, actor?.name ?? null);
      await runner.discardOtherStartEvents();
    }
    const now = this.clock.now().toISOString();
    const base: InstanceRecord = {
      id,
      definitionId: definition.record.id,
      definitionKey: definition.record.key,
      definitionVersion: definition.record.version,
      businessKey: identity.businessKey,
      state: 'running',
      startedBy: actor?.name ?? null,
      startedAt,
      endedAt: null,
      updatedAt: now,
      variables: {},
      waitingAt: [],
      nextTimerAt: null,
      version: 0,
    };
    const outcome = await this.outcomeOf(runner, base, undefined, undefined, {});
    if (how.completeJobId) outcome.completeJobId = how.completeJobId;
    await this.store.instances.commitEvent(outcome);
    this.metrics.onInstanceStarted?.(definition.record.key);
    this.afterCommit(runner, outcome);
    return outcome.instance;
  }

  // ----- events on a running instance -----

  async completeTask(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<{ task: TaskRecord; instance: InstanceRecord }> {
    const task = await this.store.tasks.get(taskId);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task <${taskId}> does not exist`);
    if (!mayActOnTask(actor, task)) {
      throw new AppError(
        'NOT_A_CANDIDATE',
        `user <${actor.name}> may not act on task <${taskId}> (candidate groups: ${task.candidateGroups.join(', ') || 'none'}; assignee: ${task.assignee ?? 'none'})`,
      );
    }
    if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${taskId}> is ${task.state}, cannot complete it again`);
    const values = validateForm(task.form.fields, variables, `task <${task.activityId}>`);
    const at = this.clock.now().toISOString();
    let instance: InstanceRecord;
    try {
      instance = await this.runEvent(
        task.processInstanceId,
        async (runner) => {
          const ok = await runner.completeUserTask(task.executionId, values, actor.name);
          if (!ok) throw new AppError('TASK_NOT_OPEN', `task <${taskId}> no longer waits in instance <${task.processInstanceId}>`);
        },
        { human: true, completedTask: { id: task.id, by: actor.name, variables: values, at } },
      );
    } catch (err) {
      // A concurrent completion may have ended the instance meanwhile: report the task.
      if (err instanceof AppError && err.code === 'INSTANCE_ENDED') {
        const now = await this.store.tasks.get(taskId);
        if (now && now.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${taskId}> is ${now.state}, cannot complete it again`);
      }
      throw err;
    }
    this.metrics.onTaskCompleted?.(task.definitionKey);
    return { task: { ...task, state: 'completed', completedAt: at, completedBy: actor.name, variables: values }, instance };
  }

  /** Completes an external service task (a topic with no built-in handler). */
  async completeExternalTask(instanceId: string, executionId: string, variables: Record<string, unknown>, actor: Actor): Promise<InstanceRecord> {
    return this.runEvent(
      instanceId,
      async (runner) => {
        const ok = await runner.completeExternalTask(executionId, variables, actor.name);
        if (!ok) throw new AppError('NOT_FOUND', `instance <${instanceId}> has no external task waiting with execution <${executionId}>`);
      },
      { human: true },
    );
  }

  async correlateMessage(
    input: {
      messageName: string;
      processInstanceId?: string;
      businessKey?: string;
      correlationKeys?: Record<string, unknown>;
      variables?: Record<string, unknown>;
    },
    actor: Actor | null,
  ): Promise<string[]> {
    const variables = input.variables ?? {};
    const subs = await this.store.subscriptions.find('message', input.messageName, {
      ...(input.processInstanceId ? { processInstanceId: input.processInstanceId } : {}),
      ...(input.businessKey ? { businessKey: input.businessKey } : {}),
    });
    const correlated: string[] = [];
    const byInstance = new Map<string, string>();
    for (const s of subs) if (!byInstance.has(s.processInstanceId)) byInstance.set(s.processInstanceId, s.elementRef);
    for (const [instanceId, elementRef] of byInstance) {
      try {
        await this.runEvent(
          instanceId,
          async (runner) => {
            if (input.correlationKeys && !matchesKeys(runner.currentVariables(), input.correlationKeys)) throw new NotCorrelated();
            const ok = await runner.deliver('message', elementRef, variables, actor?.name ?? null);
            if (!ok) throw new NotCorrelated();
          },
          { human: false },
        );
        correlated.push(instanceId);
      } catch (err) {
        if (!(err instanceof NotCorrelated) && !(err instanceof AppError && err.code === 'INSTANCE_ENDED')) throw err;
      }
    }
    if (correlated.length) return correlated;
    if (!input.processInstanceId) {
      const started = await this.startByMessage(input.messageName, input.businessKey ?? null, variables, actor);
      if (started) return [started.id];
    }
    throw new AppError('MESSAGE_NOT_CORRELATED', `nothing waits for message <${input.messageName}>${describeTarget(input)}`);
  }

  private async startByMessage(
    messageName: string,
    businessKey: string | null,
    variables: Record<string, unknown>,
    actor: Actor | null,
  ): Promise<InstanceRecord | null> {
    const latest = await this.store.definitions.list(false);
    const record = latest.find((d) => d.executable && d.info.messageStarts?.some((m) => m.name === messageName));
    if (!record) return null;
    const start = record.info.messageStarts.find((m) => m.name === messageName);
    const definition = await this.registry.get(record.id);
    return this.startInstance(definition, { variables, businessKey }, actor, { messageId: start?.messageId ?? messageName, variables });
  }

  async broadcastSignal(signalName: string, variables: Record<string, unknown>, actor: Actor | null): Promise<number> {
    const subs = await this.store.subscriptions.find('signal', signalName);
    const targets = new Map<string, string>();
    for (const s of subs) if (!targets.has(s.processInstanceId)) targets.set(s.processInstanceId, s.elementRef);
    let delivered = 0;
    for (const [instanceId, elementRef] of targets) {
      try {
        await this.runEvent(
          instanceId,
          async (runner) => {
            if (!(await runner.deliver('signal', elementRef, variables, actor?.name ?? null))) throw new NotCorrelated();
          },
          { human: false },
        );
        delivered++;
      } catch (err) {
        if (!(err instanceof NotCorrelated) && !(err instanceof AppError && err.code === 'INSTANCE_ENDED')) throw err;
      }
    }
    return delivered;
  }

  // ----- jobs (run by the job executor of whichever node took the lease) -----

  /**
   * Carries out one job. The job row is deleted in the same transaction as the event it caused,
   * so a job is done exactly once; a job with nothing left to do is simply deleted.
   */
  async runJob(job: JobRecord): Promise<void> {
    try {
      if (job.kind === 'start') {
        await this.startFromSchedule(job);
        return;
      }
      const instanceId = job.processInstanceId;
      if (!instanceId) throw new AppError('NOT_FOUND', `job <${job.id}> names no process instance`);
      if (job.kind === 'timer') {
        await this.runEvent(instanceId, async (runner) => void (await runner.fireDueTimers()), { human: false, completeJobId: job.id });
      } else {
        // A service-task retry: recovering the engine runs the task's service again.
        this.evict(instanceId);
        await this.runEvent(instanceId, () => Promise.resolve(), { human: false, completeJobId: job.id, serviceAttempt: Number(job.payload.attempt ?? 2) });
      }
    } catch (err) {
      if (
        err instanceof AppError &&
        ['INSTANCE_ENDED', 'INSTANCE_NOT_FOUND', 'DEFINITION_NOT_FOUND', 'DEFINITION_NOT_EXECUTABLE', 'NOT_FOUND'].includes(err.code)
      ) {
        this.logger.info('job has nothing left to do', { job: job.id, kind: job.kind, reason: err.detail });
        await this.store.jobs.delete(job.id);
        return;
      }
      throw err;
    }
  }

  private async startFromSchedule(job: JobRecord): Promise<void> {
    const key = String(job.payload.processKey ?? '');
    const record = await this.store.definitions.getLatest(key);
    if (!record) throw new AppError('DEFINITION_NOT_FOUND', `schedule <${String(job.payload.scheduleName)}> names process <${key}>, which is not deployed`);
    if (!record.executable) throw new AppError('DEFINITION_NOT_EXECUTABLE', `process definition <${key}> is not executable`);
    const definition = await this.registry.get(record.id);
    const variables = { ...((job.payload.variables as Record<string, unknown> | undefined) ?? {}), scheduledAt: job.payload.firedAt };
    await this.startInstance(definition, { variables }, null, null, { fireStartTimers: true, completeJobId: job.id });
  }

  async cancel(instanceId: string, actor: Actor | null): Promise<InstanceRecord> {
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
      try {
        await this.store.instances.commitEvent({
          instance,
          expectedVersion: row.version,
          openTasks: [],
          subscriptions: [],
          history: [{ at: now, activityId: null, activityName: null, type: 'process', event: 'instance-cancel', by: actor?.name ?? null }],
          incidents: [],
          timers: [],
          externalTasks: [],
        });
      } catch (err) {
        if (err instanceof StoreConflict) throw new AppError('INSTANCE_CONFLICT', `process instance <${instanceId}> changed while cancelling; try again`);
        throw err;
      }
      await this.store.incidents.resolveForInstance(instanceId, now);
      this.metrics.onInstanceEnded?.(row.definitionKey, 'cancelled');
      return instance;
    });
  }

  /**
   * Runs the failed step of an incident again: the instance is recovered from its last saved
   * state, which re-runs a failed service task, or returns a failed instance to where it waited.
   */
  async retryIncident(incidentId: string, actor: Actor | null): Promise<InstanceRecord> {
    const incident = await this.store.incidents.get(incidentId);
    if (!incident) throw new AppError('INCIDENT_NOT_FOUND', `incident <${incidentId}> does not exist`);
    if (incident.state !== 'open') throw new AppError('INCIDENT_NOT_OPEN', `incident <${incidentId}> is ${incident.state}`);
    this.evict(incident.processInstanceId);
    const instance = await this.runEvent(incident.processInstanceId, () => Promise.resolve(), {
      human: true,
      allowFailed: true,
      by: actor?.name ?? null,
      serviceAttempt: Number.POSITIVE_INFINITY,
    });
    // A step that fails again opened a new incident in the same event; this one is done.
    await this.store.incidents.resolve(incidentId, this.clock.now().toISOString());
    return instance;
  }

  // ----- the five steps -----

  private async runEvent(
    instanceId: string,
    apply: (runner: InstanceRunner) => Promise<void>,
    opts: {
      human: boolean;
      completedTask?: EventOutcome['completedTask'];
      allowFailed?: boolean;
      by?: string | null;
      completeJobId?: string;
      serviceAttempt?: number;
    },
  ): Promise<InstanceRecord> {
    return this.withLock(instanceId, async () => {
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
          const withState = 'engineState' in row ? row : await this.store.instances.getWithState(instanceId);
          if (!withState?.engineState) throw new AppError('INSTANCE_ENDED', `process instance <${instanceId}> has no state to resume`);
          const definition = await this.registry.get(row.definitionId);
          const knownDue = new Map<string, number>();
          for (const t of await this.store.jobs.timersOf(instanceId)) if (t.executionId) knownDue.set(t.executionId, Date.parse(t.dueAt));
          runner = await InstanceRunner.recover(
            definition,
            { id: row.id, businessKey: row.businessKey },
            withState.engineState,
            row.variables,
            this.runnerOptions,
            knownDue,
          );
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
        // 4. one transaction, guarded by the version the event started from. Even when the event
        // itself found nothing to do (a timer fired already while the engine resumed), the resumed
        // state is committed: it may have moved.
        const base: InstanceRecord = { ...row, state: 'running' };
        const outcome = await this.outcomeOf(runner, base, opts.completedTask, opts.by, {
          serviceAttempt: opts.serviceAttempt ?? 1,
          rewriteTimers: opts.completeJobId !== undefined,
        });
        if (opts.completeJobId) outcome.completeJobId = opts.completeJobId;
        try {
          await this.store.instances.commitEvent(outcome);
        } catch (err) {
          void runner.dispose();
          if (!(err instanceof StoreConflict)) throw err;
          this.metrics.onConflict?.();
          if (err.reason === 'task-not-open') throw new AppError('TASK_NOT_OPEN', `task <${opts.completedTask?.id ?? ''}> was completed by someone else`);
          if (opts.completedTask || attempt >= MAX_ATTEMPTS) {
            throw new AppError('INSTANCE_CONFLICT', `process instance <${instanceId}> was changed concurrently; try again`);
          }
          continue;
        }
        // 5. the caller gets its answer only now, after the commit
        this.afterCommit(runner, outcome);
        return outcome.instance;
      }
    });
  }

  private async outcomeOf(
    runner: InstanceRunner,
    base: InstanceRecord,
    completedTask: EventOutcome['completedTask'],
    by: string | null | undefined,
    ctx: { serviceAttempt?: number; rewriteTimers?: boolean },
  ): Promise<EventOutcome> {
    const snap = await runner.snapshot();
    const now = this.clock.now().toISOString();
    const history = runner.takeHistory();
    const incidents: IncidentRecord[] = [];
    const jobs: NewJob[] = [];
    for (const f of runner.takeServiceFailures()) {
      const retry = this.retryFor(runner, f, ctx.serviceAttempt ?? 1, now);
      if (retry) jobs.push(retry);
      else incidents.push(this.incident(base, f.activityId, 'service-failed', f.message, now));
    }
    const isNew = base.version === 0;
    let engineState: unknown = snap.engineState;
    if (snap.failure) {
      const where = snap.failure.name === 'RunawayError' ? 'runaway' : 'engine-error';
      incidents.push(this.incident(base, lastActivity(history), where, snap.failure.message, now));
      this.logger.warn('instance failed', { instance: base.id, definition: base.definitionKey, reason: snap.failure.message });
      engineState = isNew ? null : undefined;
    }
    if (snap.state !== 'running')
      history.push({
        at: now,
        activityId: null,
        activityName: null,
        type: 'process',
        event: `instance-${snap.state === 'completed' ? 'end' : snap.state}`,
        by: null,
      });
    if (by !== undefined && !snap.failure) history.push({ at: now, activityId: null, activityName: null, type: 'process', event: 'incident-retry', by });
    // A cached engine knows what its last event committed: unchanged subscriptions and timers are
    // not rewritten (two statements fewer per event).
    const keys = { subscriptions: JSON.stringify(snap.subscriptions), timers: JSON.stringify(snap.timers), externalTasks: JSON.stringify(snap.externalTasks) };
    const unchanged = {
      subscriptions: runner.committed?.subscriptions === keys.subscriptions,
      // A job carried out by this event is deleted with it: its timers are always rewritten.
      timers: !ctx.rewriteTimers && runner.committed?.timers === keys.timers,
      externalTasks: runner.committed?.externalTasks === keys.externalTasks,
    };
    runner.pending = keys;
    const timerJobs = this.timerJobsOf(base, snap.timers);
    return {
      instance: {
        ...base,
        state: snap.state,
        endedAt: snap.state === 'running' ? null : now,
        updatedAt: now,
        variables: runner.currentVariables(),
        waitingAt: snap.waitingAt,
        nextTimerAt: snap.nextTimerAt,
        version: base.version + 1,
        engineState,
      },
      expectedVersion: isNew ? null : base.version,
      openTasks: snap.openTasks,
      ...(completedTask ? { completedTask } : {}),
      ...(unchanged.subscriptions ? {} : { subscriptions: snap.subscriptions }),
      history,
      incidents,
      ...(unchanged.timers ? {} : { timers: timerJobs }),
      ...(unchanged.externalTasks
        ? {}
        : {
            externalTasks: snap.externalTasks.map((x) => ({
              id: `${base.id}:${x.executionId}`,
              processInstanceId: base.id,
              definitionKey: base.definitionKey,
              activityId: x.activityId,
              executionId: x.executionId,
              topic: x.topic,
              createdAt: now,
            })),
          }),
      jobs,
    };
  }

  private timerJobsOf(base: InstanceRecord, timers: Array<{ activityId: string | null; executionId: string | null; dueAt: string }>): NewJob[] {
    return timers.map((t) => ({
      id: crypto.randomUUID(),
      kind: 'timer' as const,
      processInstanceId: base.id,
      activityId: t.activityId,
      executionId: t.executionId,
      dueAt: t.dueAt,
      payload: {},
    }));
  }

  /** The next retry of a failed service task, or undefined when its retries are used up. */
  private retryFor(runner: InstanceRunner, failure: ServiceFailure, attempt: number, now: string): NewJob | undefined {
    const cycle = runner.definition.activities.get(failure.activityId)?.retryCycle;
    const parsed = cycle ? parseRepeatingInterval(cycle) : undefined;
    const retries = parsed ? (parsed.repetitions ?? this.serviceRetries) : this.serviceRetries;
    if (!Number.isFinite(attempt) || attempt > retries) return undefined;
    const delay = parsed ? parsed.intervalMs : this.retryBackoffMs * 2 ** (attempt - 1);
    return {
      id: crypto.randomUUID(),
      kind: 'service-retry',
      processInstanceId: runner.identity.id,
      activityId: failure.activityId,
      executionId: failure.executionId,
      dueAt: new Date(Date.parse(now) + delay).toISOString(),
      payload: { attempt: attempt + 1, lastError: failure.message },
    };
  }

  private incident(base: InstanceRecord, activityId: string | null, kind: string, message: string, now: string): IncidentRecord {
    return {
      id: crypto.randomUUID(),
      processInstanceId: base.id,
      definitionKey: base.definitionKey,
      activityId,
      kind,
      message,
      retries: 0,
      state: 'open',
      createdAt: now,
      resolvedAt: null,
    };
  }

  private afterCommit(runner: InstanceRunner, outcome: EventOutcome): void {
    const { instance } = outcome;
    runner.committed = runner.pending;
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

class NotCorrelated extends Error {}

function matchesKeys(variables: Record<string, unknown>, keys: Record<string, unknown>): boolean {
  return Object.entries(keys).every(([k, v]) => variables[k] === v || String(variables[k]) === String(v));
}

function describeTarget(input: { processInstanceId?: string; businessKey?: string; correlationKeys?: Record<string, unknown> }): string {
  if (input.processInstanceId) return ` in instance <${input.processInstanceId}>`;
  if (input.businessKey) return ` with business key <${input.businessKey}>`;
  if (input.correlationKeys) return ` with correlation keys ${JSON.stringify(input.correlationKeys)}`;
  return '';
}

function lastActivity(history: Array<{ activityId: string | null }>): string | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const id = history[i]?.activityId;
    if (id) return id;
  }
  return null;
}
