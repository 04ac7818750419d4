// Sub-processes and transactions: they wait only through their children, so what waits is
// found by walking into them; and the event sub-process starts the host supplies (timers it arms,
// messages, signals and conditions from outside, catch-all error starts).
import type { EventEmitter } from 'node:events';
import type { ExtendedElement, PostponedApi } from '../runner/engine-api';
import type { ActivityMeta } from './activity-meta';
import { ERROR_EVENT_DEFINITION } from './error-event';
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
  isRunning?: boolean;
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

/** An event sub-process start (message, signal or condition) whose scope runs now, and how to start it. */
export interface EventSubProcessStart {
  meta: ActivityMeta;
  /** The variables of its sub-process scope (a condition is evaluated on them); none: the process's. */
  variables?: Record<string, unknown>;
  /** The event sub-process runs already. */
  running: boolean;
  run(): void;
  /**
   * Runs it and hands the message or signal to its start event directly; false when the start
   * event did not wait for it (the caller then signals the execution). Signalled through the
   * process's api queue instead, an error the event sub-process throws reaches the boundary events
   * of its scope only after that scope has completed (bpmn-elements delivers the delegated throw
   * once the api message in hand is done), so an error end event in it would go uncaught.
   */
  deliver(payload: Record<string, unknown>): boolean;
}

/**
 * Message, signal and conditional start events of event sub-processes. bpmn-elements starts an
 * event sub-process only for an event thrown inside its own process, never for a message or signal
 * from outside or for a condition, and never one inside a sub-process for either. The host takes
 * them as subscriptions while their scope (the process, or the sub-process they sit in) runs; a
 * delivery runs the event sub-process first (its start event then takes the message) and, if it
 * interrupts, discards everything else of its scope, as Camunda 7 does.
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
    if (!esp || (!meta.message && !meta.signal && !meta.condition) || meta.processId !== processId) continue;
    if (esp.topLevel) {
      const process = execution.definitions.flatMap((d) => d.getRunningProcesses()).find((p) => p.id === processId);
      const activity = process?.getActivityById(esp.id);
      if (!activity) continue;
      const run = () => startEventSubProcess(activity, esp.interrupting, execution.getPostponed(), [esp.id]);
      out.push({
        meta,
        running: Boolean(activity.isRunning),
        run,
        deliver: (payload) => (run(), signalStart(execution.getPostponed(), meta.id, esp.id, payload)),
      });
      continue;
    }
    const scope = scopes.get(esp.scopeId);
    const activity = (scope?.owner as ScopeOwner | undefined)?.execution?.source?.execution?.getActivityById(esp.id);
    if (!scope || !activity) continue;
    const run = () => startEventSubProcess(activity, esp.interrupting, scope.getPostponed(), [esp.id, scope.id]);
    out.push({
      meta,
      variables: scope.owner.environment.variables,
      running: Boolean(activity.isRunning),
      run,
      deliver: (payload) => (run(), signalStart(scope.getPostponed(), meta.id, esp.id, payload)),
    });
  }
  return out;
}

/** Signals the start event `startId` waiting in the running event sub-process `espId` among `apis`. */
function signalStart(apis: PostponedApi[], startId: string, espId: string, payload: Record<string, unknown>): boolean {
  const start = apis
    .find((api) => api.id === espId)
    ?.getPostponed()
    .find((api) => api.id === startId);
  if (!start) return false;
  start.signal(payload);
  return true;
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

interface StartFilter {
  referenceId?: string;
  referenceType?: string;
}
interface ScopedActivity {
  id: string;
  triggeredByEvent?: boolean;
  parent?: { id?: string };
  eventDefinitions?: Array<{ type?: string; reference?: { id?: string } }>;
}
interface EventSubProcessElement extends ScopedActivity {
  context: { getActivities(): ScopedActivity[]; getStartActivities(filter: StartFilter | undefined, scopeId: string): ScopedActivity[] };
  getStartActivities?: (filter?: StartFilter) => ScopedActivity[];
}

function catchesAnyError(start: ScopedActivity): boolean {
  return start.eventDefinitions?.some((ed) => ed.type === ERROR_EVENT_DEFINITION && !ed.reference?.id) ?? false;
}

/**
 * Error start events without an errorRef ("catch any error"). bpmn-elements starts an event
 * sub-process for a thrown error only when one of its start events names that error
 * (ProcessExecution#_onDelegateEvent asks getStartActivities for the error's id), so a catch-all
 * one never starts and the error goes on to the boundary events outside the scope. Camunda 7
 * starts it unless an event sub-process of the same scope names the error
 * (testErrorCodeTakesPrecedence), and the event sub-process in the scope where the error is thrown
 * wins over a boundary event of that scope (testEventSubprocessTakesPrecedence): once it starts,
 * the error is not passed up.
 *
 * A bpmn-engine `extensions` entry. SubProcess sets its own getStartActivities after the Activity
 * constructor (which runs the extensions), so the property is made an accessor that keeps what
 * SubProcess assigns and answers with it, extended by the catch-all starts. Checked against
 * bpmn-elements 17.3 (tasks/SubProcess.js, Context#getStartActivities).
 */
export function catchAllErrorStarts(element: ExtendedElement): undefined {
  const esp = element as unknown as EventSubProcessElement;
  if (!esp.triggeredByEvent) return undefined;
  let own: ((filter?: StartFilter) => ScopedActivity[]) | undefined;
  const answer = (filter?: StartFilter): ScopedActivity[] => {
    const found = own ? own(filter) : esp.context.getStartActivities(filter, esp.id);
    if (found.length || filter?.referenceType !== 'throw') return found;
    const catchAll = esp.context.getStartActivities(undefined, esp.id).filter(catchesAnyError);
    if (!catchAll.length) return found;
    // A sibling event sub-process naming this error takes precedence.
    const named = esp.context
      .getActivities()
      .some((a) => a !== esp && a.triggeredByEvent && a.parent?.id === esp.parent?.id && esp.context.getStartActivities(filter, a.id).length > 0);
    return named ? found : catchAll;
  };
  Object.defineProperty(esp, 'getStartActivities', {
    configurable: true,
    get: () => answer,
    set: (fn: (filter?: StartFilter) => ScopedActivity[]) => (own = fn),
  });
  return undefined;
}
