// Compensation as Camunda 7 runs it. bpmn-elements 17 compensates only the boundary events still
// alive in the running scope: the record of a task that completed inside a sub-process is gone
// with the sub-process, a throw ignores activityRef and does not wait for its handlers. procflow
// keeps the record itself — which activities with a compensation handler completed, in which
// scope, in order — as part of the saved engine state, and runs the handlers when a compensation
// throw or end event is reached:
// - a completed activity with a compensation boundary event is recorded with its handler; a
//   sub-process with a handler of its own replaces the records of its inner activities;
// - a throw compensates the records of its scope (inner sub-processes included), or only those of
//   its activityRef (an activity, or a sub-process and what completed inside it), newest first;
//   every handler starts at once and the throw waits until all of them have ended (also with
//   waitForCompletion="false", which Camunda 7 does not support either);
// - handlers nested in sub-processes are moved to their process when the model is loaded, so a
//   handler can run after its sub-process has completed (Camunda runs it in the event scope); a
//   handler no association leads to is left out (bpmn-elements would start it with its scope).
// Inside a transaction, compensation stays bpmn-elements' (a cancel end event compensates there).
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { list } from './moddle-element';

const COMPENSATE = 'bpmn:CompensateEventDefinition';
const BOUNDARY = 'bpmn:BoundaryEvent';
/** A transaction's cancel compensates its activities the way bpmn-elements does it: left as it is. */
const TRANSACTION = 'bpmn:Transaction';

function compensateDefinition(el: ModdleElement): ModdleElement | undefined {
  return list(el, 'eventDefinitions').find((d) => d.$type === COMPENSATE);
}

/** A compensation boundary event's meta: the activity it is attached to and the handler its association names. */
export const readCompensation: ElementReader = (el, meta) => {
  if (el.$type !== BOUNDARY || !compensateDefinition(el)) return;
  const attachedTo = (el.attachedToRef as ModdleElement | undefined)?.id;
  const container = el.$parent;
  if (container?.$type === TRANSACTION) return;
  const association = list(container, 'artifacts').find((a) => a.$type === 'bpmn:Association' && (a.sourceRef as ModdleElement | undefined)?.id === el.id);
  const handler = (association?.targetRef as ModdleElement | undefined)?.id;
  if (typeof attachedTo === 'string' && typeof handler === 'string') meta.compensation = { attachedTo, handler };
};

/**
 * Moves every compensation handler (isForCompensation) nested in a sub-process, with its
 * association, to the process that holds it, and leaves out a handler no association leads to:
 * Camunda never runs it, bpmn-elements would start it with its scope. Run on the parsed tree
 * before it is loaded into the engine; ids, and so tasks, history and the diagram, stay as they are.
 */
export function hoistCompensationHandlers(parsed: ParseResult): void {
  for (const root of list(parsed.rootElement, 'rootElements')) {
    if (root.$type !== 'bpmn:Process') continue;
    const hoisted = new Set<string>();
    const walk = (container: ModdleElement) => {
      for (const el of [...list(container, 'flowElements')]) {
        if (!list(el, 'flowElements').length || el.$type === TRANSACTION) continue;
        walk(el);
        for (const child of [...list(el, 'flowElements')]) {
          if (child.isForCompensation !== true) continue;
          move(el, root, 'flowElements', child);
          hoisted.add(String(child.id));
        }
        for (const artifact of [...list(el, 'artifacts')]) {
          const target = (artifact.targetRef as ModdleElement | undefined)?.id;
          if (artifact.$type === 'bpmn:Association' && hoisted.has(String(target))) move(el, root, 'artifacts', artifact);
        }
      }
    };
    walk(root);
    dropUnreachableHandlers(root);
  }
}

function dropUnreachableHandlers(container: ModdleElement): void {
  const elements = list(container, 'flowElements');
  const idOf = (ref: unknown) => (ref as ModdleElement | undefined)?.id;
  const targeted = new Set(list(container, 'artifacts').map((a) => idOf(a.targetRef)));
  const flowEnds = new Set(elements.flatMap((f) => (f.$type === 'bpmn:SequenceFlow' ? [idOf(f.sourceRef), idOf(f.targetRef)] : [])));
  for (const el of [...elements]) {
    if (el.isForCompensation === true && !targeted.has(el.id) && !flowEnds.has(el.id)) elements.splice(elements.indexOf(el), 1);
    else if (list(el, 'flowElements').length && el.$type !== TRANSACTION) dropUnreachableHandlers(el);
  }
}

function move(from: ModdleElement, to: ModdleElement, key: 'flowElements' | 'artifacts', el: ModdleElement): void {
  const source = from[key] as ModdleElement[];
  source.splice(source.indexOf(el), 1);
  const target = (to[key] as ModdleElement[] | undefined) ?? (to[key] = []);
  target.push(el);
  el.$parent = to;
}

// ----- run time -----

/** One completed activity that can be compensated. */
export interface CompensationRecord {
  activityId: string;
  handler: string;
  executionId: string;
  /** Ids and execution ids of the scopes it completed in, innermost first. */
  scopeIds: string[];
  scopeExecutions: string[];
}

/** A throw waiting for its handlers. */
export interface PendingCompensation {
  throwExecutionId: string;
  /** Handlers still to end, in the order they were started (one entry per record). */
  handlers: string[];
}

export interface CompensationState {
  records: CompensationRecord[];
  pending: PendingCompensation[];
}

interface Parent {
  id?: string;
  executionId?: string;
  path?: Array<{ id?: string; executionId?: string }>;
}
interface EndedActivity {
  id: string;
  content: { executionId?: string; parent?: Parent; isRootScope?: boolean };
}

function scopesOf(parent: Parent | undefined): { ids: string[]; executions: string[] } {
  const chain = parent ? [parent, ...(parent.path ?? [])] : [];
  return { ids: chain.map((p) => String(p.id)), executions: chain.map((p) => String(p.executionId)) };
}

/** What the host gives the compensation: how to start an activity of the process and finish a waiting throw. */
export interface CompensationHost {
  /** Starts the handler activity in the running process; false when it cannot be started now. */
  runHandler(handlerId: string): boolean;
  /** Lets the throw waiting at this execution go on. */
  completeThrow(throwExecutionId: string): void;
  /** Runs fn after the current engine callback returns (the engine must not be re-entered). */
  later(fn: () => void): void;
}

export class Compensations {
  private records: CompensationRecord[] = [];
  private pending: PendingCompensation[] = [];
  /** Handlers waiting to start because the same handler is still running (an activity runs once at a time). */
  private queued: string[] = [];
  private readonly handlerOf = new Map<string, string>();

  constructor(
    activities: Map<string, ActivityMeta>,
    private readonly host: CompensationHost,
  ) {
    for (const meta of activities.values()) if (meta.compensation) this.handlerOf.set(meta.compensation.attachedTo, meta.compensation.handler);
  }

  get used(): boolean {
    return this.handlerOf.size > 0;
  }

  state(): CompensationState | undefined {
    if (!this.records.length && !this.pending.length) return undefined;
    return { records: this.records.map((r) => ({ ...r })), pending: this.pending.map((p) => ({ ...p, handlers: [...p.handlers] })) };
  }

  restore(state: CompensationState | undefined): void {
    this.records = state?.records.map((r) => ({ ...r })) ?? [];
    this.pending = state?.pending.map((p) => ({ ...p, handlers: [...p.handlers] })) ?? [];
    // A handler queued behind a running one starts when that one ends.
    this.queued = this.pending.flatMap((p) => p.handlers).filter((h, i, all) => all.indexOf(h) !== i);
  }

  /** Whether a throw at this execution is still waiting for handlers (a recovered throw asks). */
  isWaiting(throwExecutionId: string): boolean {
    return this.pending.some((p) => p.throwExecutionId === throwExecutionId);
  }

  /** An activity ended: record it if it has a handler; a handler of a waiting throw is done. */
  onEnd(api: EndedActivity): void {
    if (api.content.isRootScope === false) return;
    this.handlerEnded(api.id);
    const handler = this.handlerOf.get(api.id);
    if (!handler) return;
    const executionId = String(api.content.executionId ?? '');
    // A sub-process with a handler of its own is compensated as a whole.
    this.records = this.records.filter((r) => !r.scopeExecutions.includes(executionId));
    const scopes = scopesOf(api.content.parent);
    this.records.push({ activityId: api.id, handler, executionId, scopeIds: scopes.ids, scopeExecutions: scopes.executions });
  }

  /**
   * A compensation throw (or end event) starts: the records it compensates are taken, newest
   * first, and their handlers started. Returns whether the throw waits for them (when there are any).
   */
  throw(throwExecutionId: string, scopeExecutionId: string, activityRef: string | undefined): boolean {
    const chosen = this.records.filter(
      (r) => r.scopeExecutions.includes(scopeExecutionId) && (!activityRef || r.activityId === activityRef || r.scopeIds.includes(activityRef)),
    );
    if (!chosen.length) return false;
    this.records = this.records.filter((r) => !chosen.includes(r));
    const handlers = chosen.reverse().map((r) => r.handler);
    this.pending.push({ throwExecutionId, handlers: [...handlers] });
    this.host.later(() => {
      for (const handler of handlers) this.start(handler);
    });
    return true;
  }

  private start(handler: string): void {
    if (!this.host.runHandler(handler)) this.queued.push(handler);
  }

  private handlerEnded(activityId: string): void {
    const waiting = this.pending.find((p) => p.handlers.includes(activityId));
    if (waiting) {
      waiting.handlers.splice(waiting.handlers.indexOf(activityId), 1);
      if (!waiting.handlers.length) {
        this.pending = this.pending.filter((p) => p !== waiting);
        this.host.later(() => this.host.completeThrow(waiting.throwExecutionId));
      }
    }
    const next = this.queued.indexOf(activityId);
    if (next !== -1) {
      this.queued.splice(next, 1);
      this.host.later(() => this.start(activityId));
    }
  }
}

// ----- the event definition behaviour -----

interface Broker {
  publish(exchange: string, routingKey: string, content: unknown, properties?: Record<string, unknown>): void;
  subscribeTmp(exchange: string, pattern: string, fn: (routingKey: string, message: ApiMessage) => void, options: Record<string, unknown>): void;
  cancel(consumerTag: string): void;
}
interface ApiMessage {
  properties: { type?: string };
}
interface ExecuteMessage {
  fields: { redelivered?: boolean };
  content: Record<string, unknown> & { executionId: string; parent?: Parent };
}
interface CompensateActivity {
  id: string;
  type: string;
  parent?: { type?: string };
  isThrowing?: boolean;
  broker: Broker;
  parentElement?: { executionId?: string };
  eventDefinitions?: Array<{ type: string; execute(message: ExecuteMessage): void }>;
  behaviour: { eventDefinitions?: Array<{ type: string; behaviour?: { activityRef?: { id?: string } } }> };
}

/** The compensation record of the running instance, as the behaviours see it. */
export interface CompensationRuntime {
  compensations(): Compensations;
}

/**
 * A compensation catch (boundary) event: it never fires by itself and ends with its activity, as
 * any boundary event; the record of the completed activity is kept by Compensations.
 */
function catchBehaviour(activity: CompensateActivity) {
  return {
    type: COMPENSATE,
    execute(message: ExecuteMessage) {
      const tag = `_procflow-compensate-${message.content.executionId}`;
      activity.broker.cancel(tag);
      activity.broker.subscribeTmp(
        'api',
        `activity.*.${String(message.content.parent?.executionId)}`,
        (_key, msg) => {
          if (msg.properties.type === 'discard' || msg.properties.type === 'stop') activity.broker.cancel(tag);
        },
        { noAck: true, consumerTag: tag },
      );
    },
  };
}

/** A compensation throw or end event: compensates, waits for the handlers, then goes on. */
function throwBehaviour(activity: CompensateActivity, index: number, runtime: CompensationRuntime) {
  const definition = activity.behaviour.eventDefinitions?.[index]?.behaviour;
  const activityRef = definition?.activityRef?.id;
  return {
    type: COMPENSATE,
    execute(message: ExecuteMessage) {
      const content = message.content;
      const parent = content.parent;
      const throwExecutionId = String(parent?.executionId);
      // The scope the throw sits in (its process or sub-process) is running: its current execution.
      const scopeExecutionId = String(activity.parentElement?.executionId);
      const broker = activity.broker;
      const tag = `_procflow-compensated-${content.executionId}`;
      const complete = () => {
        broker.cancel(tag);
        broker.publish('execution', 'execute.completed', structuredClone(content));
      };
      const compensations = runtime.compensations();
      const waits = message.fields.redelivered
        ? compensations.isWaiting(throwExecutionId)
        : compensations.throw(throwExecutionId, scopeExecutionId, activityRef);
      if (!waits) return complete();
      broker.cancel(tag);
      broker.subscribeTmp(
        'api',
        `activity.*.${throwExecutionId}`,
        (_key, msg) => {
          if (msg.properties.type === 'compensated') complete();
          else if (msg.properties.type === 'discard' || msg.properties.type === 'stop') broker.cancel(tag);
        },
        { noAck: true, consumerTag: tag },
      );
    },
  };
}

/** bpmn-engine `extensions` entry: compensation event definitions get procflow's behaviour. */
export function compensationEvents(runtime: CompensationRuntime) {
  return (element: { type: string }): undefined => {
    const activity = element as CompensateActivity;
    const definitions = activity.eventDefinitions;
    if (!definitions || activity.parent?.type === TRANSACTION) return undefined;
    definitions.forEach((ed, index) => {
      if (ed.type !== COMPENSATE) return;
      definitions[index] = activity.isThrowing ? throwBehaviour(activity, index, runtime) : catchBehaviour(activity);
    });
    return undefined;
  };
}
