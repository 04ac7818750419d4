// Step 4's content: what an event changed, as the rows the store commits in one transaction —
// the instance row with its state, open tasks, subscriptions, timers as jobs, external tasks,
// history, and for failed service tasks either a retry job or an incident.
import crypto from 'node:crypto';
import type { NewJob } from '../store/job-store';
import type { EventOutcome, IncidentRecord, InstanceRecord } from '../store/types';
import type { InstanceRunner, ServiceFailure } from './instance-runner';
import { serviceRetryDelay, type RetryDefaults } from './retry-policy';

export interface OutcomeContext {
  now: string;
  /** Which attempt of a failed service task this event was (Infinity: a person's retry, no more automatic ones). */
  serviceAttempt: number;
  /** A job carried out by this event is deleted with it: the instance's timers are always rewritten. */
  rewriteTimers: boolean;
  /** Who retried an incident, when this event is that retry. */
  retriedBy?: string | null;
  retry: RetryDefaults;
}

export interface OutcomeResult {
  outcome: EventOutcome;
  /** The failure that ended the instance, if any (to log). */
  failure: Error | null;
}

export async function outcomeOf(runner: InstanceRunner, base: InstanceRecord, ctx: OutcomeContext): Promise<OutcomeResult> {
  const snap = await runner.snapshot();
  const { now } = ctx;
  const history = runner.takeHistory();
  const incidents: IncidentRecord[] = [];
  const jobs: NewJob[] = [];
  for (const f of runner.takeServiceFailures()) {
    const retry = retryJob(runner, f, ctx);
    if (retry) jobs.push(retry);
    else incidents.push(newIncident(base, f.activityId, 'service-failed', f.message, now));
  }
  for (const c of runner.takeCallIncidents()) incidents.push(newIncident(base, c.activityId, 'call-activity-failed', c.message, now));
  for (const signal of runner.takeThrownSignals()) jobs.push(signalJob(base.id, signal, now));
  const isNew = base.version === 0;
  let engineState: unknown = snap.engineState;
  if (snap.failure) {
    const where = snap.failure.name === 'RunawayError' ? 'runaway' : 'engine-error';
    // A failure that names its activity (a user task's expression) is the incident there.
    const at = (snap.failure as { activityId?: unknown }).activityId;
    incidents.push(newIncident(base, typeof at === 'string' ? at : lastActivity(history), where, snap.failure.message, now));
    engineState = isNew ? null : undefined;
  }
  if (snap.state !== 'running') {
    const event = `instance-${snap.state === 'completed' ? 'end' : snap.state}`;
    history.push({ at: now, activityId: null, activityName: null, type: 'process', event, by: null });
  }
  if (ctx.retriedBy !== undefined && !snap.failure) {
    history.push({ at: now, activityId: null, activityName: null, type: 'process', event: 'incident-retry', by: ctx.retriedBy });
  }
  // A cached engine knows what its last event committed: unchanged subscriptions and timers are
  // not rewritten (two statements fewer per event).
  const keys = { subscriptions: JSON.stringify(snap.subscriptions), timers: JSON.stringify(snap.timers), externalTasks: JSON.stringify(snap.externalTasks) };
  const unchanged = {
    subscriptions: runner.committed?.subscriptions === keys.subscriptions,
    timers: !ctx.rewriteTimers && runner.committed?.timers === keys.timers,
    externalTasks: runner.committed?.externalTasks === keys.externalTasks,
  };
  runner.pending = keys;
  const outcome: EventOutcome = {
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
    ...(unchanged.subscriptions ? {} : { subscriptions: snap.subscriptions }),
    history,
    incidents,
    ...(unchanged.timers ? {} : { timers: snap.timers.map((t) => timerJob(base.id, t)) }),
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
            ...(x.priority ? { priority: x.priority } : {}),
          })),
        }),
    jobs,
  };
  return { outcome, failure: snap.failure };
}

function timerJob(instanceId: string, t: { activityId: string | null; executionId: string | null; dueAt: string }): NewJob {
  return {
    id: crypto.randomUUID(),
    kind: 'timer',
    processInstanceId: instanceId,
    activityId: t.activityId,
    executionId: t.executionId,
    dueAt: t.dueAt,
    payload: {},
  };
}

/** A signal a throw event sent: delivered to every other waiting instance by the job (due now). */
function signalJob(instanceId: string, signal: { name: string; activityId: string }, now: string): NewJob {
  return {
    id: crypto.randomUUID(),
    kind: 'signal',
    processInstanceId: null,
    activityId: signal.activityId,
    executionId: null,
    dueAt: now,
    payload: { signalName: signal.name, thrownBy: instanceId },
  };
}

/** The next retry of a failed service task, or undefined when its retries are used up. */
function retryJob(runner: InstanceRunner, failure: ServiceFailure, ctx: OutcomeContext): NewJob | undefined {
  const cycle = runner.definition.activities.get(failure.activityId)?.retryCycle;
  const delay = serviceRetryDelay(cycle, ctx.serviceAttempt, ctx.retry);
  if (delay === undefined) return undefined;
  return {
    id: crypto.randomUUID(),
    kind: 'service-retry',
    processInstanceId: runner.identity.id,
    activityId: failure.activityId,
    executionId: failure.executionId,
    dueAt: new Date(Date.parse(ctx.now) + delay).toISOString(),
    payload: { attempt: ctx.serviceAttempt + 1, lastError: failure.message },
  };
}

function newIncident(base: InstanceRecord, activityId: string | null, kind: string, message: string, now: string): IncidentRecord {
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

function lastActivity(history: Array<{ activityId: string | null }>): string | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const id = history[i]?.activityId;
    if (id) return id;
  }
  return null;
}
