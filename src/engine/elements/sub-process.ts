// Sub-processes and transactions: they wait only through their children, so what waits is
// found by walking into them; and event sub-processes started by a timer, which the host arms.
import type { EventEmitter } from 'node:events';
import type { PostponedApi } from '../runner/engine-api';
import type { ActivityMeta } from './activity-meta';
import { isConnector } from './sequence-flow';
import { hostTimerDue, type HostTimers } from './timer';

function isSubProcess(api: PostponedApi): boolean {
  return Boolean(api.owner.isSubProcess) || /SubProcess|Transaction/.test(api.type);
}

/** The activities that really wait: sub-processes replaced by their children, each execution once. */
export function waitingActivities(postponed: PostponedApi[]): PostponedApi[] {
  const out: PostponedApi[] = [];
  const seen = new Set<string>();
  const walk = (apis: PostponedApi[]) => {
    for (const api of apis) {
      const executionId = api.content.executionId;
      // A sequence flow can sit among the postponed while a token queues: it is no wait.
      if (isConnector(api.type)) continue;
      if (seen.has(executionId)) continue;
      seen.add(executionId);
      if (isSubProcess(api)) {
        walk(api.getPostponed());
        continue;
      }
      out.push(api);
    }
  };
  walk(postponed);
  return out;
}

/** Marks the execution id of a timer the host keeps for an event sub-process's timer start event. */
const EVENT_SUB_PROCESS_TIMER = ':event-sub-process:';

export function isEventSubProcessTimer(executionId: string | null): boolean {
  return executionId !== null && executionId.includes(EVENT_SUB_PROCESS_TIMER);
}

interface RunnableActivity {
  run(message?: unknown): void;
}
interface RunningProcess {
  id: string;
  getActivityById(id: string): RunnableActivity | undefined;
}
interface EngineExecution {
  definitions: Array<{ getRunningProcesses(): RunningProcess[] }>;
  getPostponed(): PostponedApi[];
}

/**
 * Timer start events of event sub-processes. bpmn-elements 17 runs an event sub-process only when
 * an event thrown inside its process reaches it (ProcessExecution#_onDelegateEvent), so a timer
 * start event of one is never armed, and it has no notion of an interrupting one. The host keeps
 * these timers itself, from the instance's start on (as jobs, like every timer), for the event
 * sub-processes directly in the process. When one is due, the event sub-process is run (its
 * start event's own timer fires at once) and, if it interrupts, everything else of the process
 * is discarded, other event sub-process timers included — as Camunda 7 cancels the scope.
 */
export class EventSubProcessTimers {
  constructor(
    private readonly parts: {
      execution: () => EngineExecution | null;
      timers: HostTimers;
      activities: Map<string, ActivityMeta>;
      processId: string | undefined;
      instanceId: string;
    },
  ) {}

  /** Arms them at `now` (a new instance), or re-arms those the jobs table still holds (`known`, after a recover). */
  arm(now: number, known?: Map<string, number>): void {
    const { activities, processId, instanceId, timers } = this.parts;
    for (const meta of activities.values()) {
      const esp = meta.eventSubProcess;
      if (!esp?.topLevel || !meta.timer || meta.processId !== processId) continue;
      const executionId = `${instanceId}${EVENT_SUB_PROCESS_TIMER}${meta.id}`;
      const dueAt = known ? known.get(executionId) : hostTimerDue(meta.timer, now);
      if (dueAt === undefined) continue;
      timers.armHostTimer(meta.id, executionId, dueAt, () => this.trigger(meta.id, esp));
    }
  }

  private trigger(startId: string, esp: { id: string; interrupting: boolean }): void {
    const execution = this.parts.execution();
    const process = execution?.definitions.flatMap((d) => d.getRunningProcesses()).find((p) => p.id === this.parts.processId);
    const activity = process?.getActivityById(esp.id);
    if (!execution || !activity) return;
    this.parts.timers.fireNow.add(startId);
    // Run it first: discarding the rest first would end the process before it starts.
    activity.run();
    if (!esp.interrupting) return;
    this.parts.timers.drop((t) => isEventSubProcessTimer(t.executionId));
    for (const api of execution.getPostponed()) if (api.id !== esp.id) api.discard();
  }
}

interface ScopeOwner {
  execution?: { source?: { execution?: { getActivityById(id: string): (RunnableActivity & { isRunning?: boolean }) | undefined } } };
}

/** An event sub-process start (message or signal) whose scope runs now, and how to start it. */
export interface EventSubProcessStart {
  meta: ActivityMeta;
  run(): void;
}

/**
 * Message and signal start events of event sub-processes. bpmn-elements starts an event
 * sub-process only for an event thrown inside its own process, never for a message or signal from
 * outside, and never one inside a sub-process for either. The host takes them as subscriptions
 * while their scope (the process, or the sub-process they sit in) runs; a delivery runs the event
 * sub-process first (its start event then takes the message) and, if it interrupts, discards
 * everything else of its scope, as Camunda 7 does.
 */
export function eventSubProcessStarts(
  execution: EngineExecution | null,
  activities: Map<string, ActivityMeta>,
  processId: string | undefined,
): EventSubProcessStart[] {
  if (!execution) return [];
  const scopes = new Map<string, PostponedApi>();
  const walk = (apis: PostponedApi[]) => {
    for (const api of apis) {
      if (!isSubProcess(api) || scopes.has(api.id)) continue;
      scopes.set(api.id, api);
      walk(api.getPostponed());
    }
  };
  walk(execution.getPostponed());
  const out: EventSubProcessStart[] = [];
  for (const meta of activities.values()) {
    const esp = meta.eventSubProcess;
    if (!esp || (!meta.message && !meta.signal) || meta.processId !== processId) continue;
    if (esp.topLevel) {
      const process = execution.definitions.flatMap((d) => d.getRunningProcesses()).find((p) => p.id === processId);
      const activity = process?.getActivityById(esp.id);
      if (!activity) continue;
      out.push({ meta, run: () => startEventSubProcess(activity, esp.interrupting, execution.getPostponed(), [esp.id]) });
      continue;
    }
    const scope = scopes.get(esp.scopeId);
    const activity = (scope?.owner as ScopeOwner | undefined)?.execution?.source?.execution?.getActivityById(esp.id);
    if (!scope || !activity) continue;
    out.push({ meta, run: () => startEventSubProcess(activity, esp.interrupting, scope.getPostponed(), [esp.id, scope.id]) });
  }
  return out;
}

function startEventSubProcess(activity: RunnableActivity & { isRunning?: boolean }, interrupting: boolean, siblings: PostponedApi[], keep: string[]): void {
  if (!activity.isRunning) activity.run();
  if (interrupting) for (const api of siblings) if (!keep.includes(api.id)) api.discard();
}

/**
 * Interrupting event sub-processes, whatever starts them (an error, an escalation, a message, a
 * timer): bpmn-elements runs the event sub-process beside the rest of its scope. When the start
 * event of an interrupting one ends, the scope's other activities are discarded once the event has
 * settled (the throw that started it may still be moving its own token on).
 */
export class EventSubProcessInterruptions {
  private readonly pending: Array<{ espId: string; scopeId: string; topLevel: boolean }> = [];

  constructor(listener: EventEmitter, activities: Map<string, ActivityMeta>, state: { resuming: boolean; detached: boolean }) {
    listener.on('activity.end', (api: { id: string }) => {
      if (state.resuming || state.detached) return;
      const esp = activities.get(api.id)?.eventSubProcess;
      if (esp?.interrupting) this.pending.push({ espId: esp.id, scopeId: esp.scopeId, topLevel: esp.topLevel });
    });
  }

  get waiting(): boolean {
    return this.pending.length > 0;
  }

  /** Discards what the pending interruptions end; true when something was discarded. */
  apply(execution: EngineExecution | null): boolean {
    const interruptions = this.pending.splice(0);
    if (!execution) return false;
    let discarded = false;
    for (const { espId, scopeId, topLevel } of interruptions) {
      let siblings: PostponedApi[];
      if (topLevel) siblings = execution.getPostponed();
      else {
        const scope = findScope(execution.getPostponed(), scopeId);
        if (!scope) continue;
        siblings = scope.getPostponed().filter((api) => api.id !== scopeId);
      }
      for (const api of siblings) {
        if (api.id === espId) continue;
        api.discard();
        discarded = true;
      }
    }
    return discarded;
  }
}

function findScope(apis: PostponedApi[], id: string): PostponedApi | undefined {
  for (const api of apis) {
    if (!isSubProcess(api)) continue;
    if (api.id === id) return api;
    const inner = findScope(
      api.getPostponed().filter((a) => a.id !== api.id),
      id,
    );
    if (inner) return inner;
  }
  return undefined;
}
