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
//   handler no association leads to is left out (bpmn-elements would start it with its scope);
// - a multi-instance activity is compensated once per completed instance, as in Camunda 7: its
//   handler is loaded as a parallel multi-instance activity over the instances its record holds
//   (their loopCounter), so all of them run at once.
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
    loopHandlersOfMultiInstances(parsed, root);
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

/** The collection a handler of a multi-instance activity loops over: the compensated instances (see Compensations). */
export const COMPENSATED_INSTANCES = '${procflowCompensatedInstances}';
const MULTI_INSTANCE = 'bpmn:MultiInstanceLoopCharacteristics';

/**
 * Gives the handler of every multi-instance activity with a compensation boundary event a
 * parallel multi-instance loop over COMPENSATED_INSTANCES (the loopCounter of each completed
 * instance), as its element variable loopCounter: each iteration of the handler sees the
 * loopCounter of the instance it compensates. A handler with a loop of its own keeps it.
 */
function loopHandlersOfMultiInstances(parsed: ParseResult, process: ModdleElement): void {
  const model = (parsed.rootElement as unknown as { $model: { create(type: string, attrs: Record<string, unknown>): ModdleElement } }).$model;
  const walk = (container: ModdleElement) => {
    for (const el of list(container, 'flowElements')) {
      if (el.$type === TRANSACTION) continue;
      if (list(el, 'flowElements').length) walk(el);
      if (el.$type !== BOUNDARY || !compensateDefinition(el)) continue;
      const loop = (el.attachedToRef as ModdleElement | undefined)?.loopCharacteristics as ModdleElement | undefined;
      if (loop?.$type !== MULTI_INSTANCE) continue;
      const association = list(container, 'artifacts').find((a) => a.$type === 'bpmn:Association' && (a.sourceRef as ModdleElement | undefined)?.id === el.id);
      const handler = association?.targetRef as ModdleElement | undefined;
      if (!handler || handler.isForCompensation !== true || handler.loopCharacteristics) continue;
      const handlerLoop = model.create(MULTI_INSTANCE, { isSequential: false, collection: COMPENSATED_INSTANCES, elementVariable: 'loopCounter' });
      handlerLoop.$parent = handler;
      handler.loopCharacteristics = handlerLoop;
    }
  };
  walk(process);
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
  /** A multi-instance activity: the loopCounter of each completed instance. */
  instances?: unknown[];
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
  /** The instances each running handler of a multi-instance activity compensates (its loop's collection). */
  handlerInstances?: Record<string, unknown[]>;
}

interface Parent {
  id?: string;
  executionId?: string;
  path?: Array<{ id?: string; executionId?: string }>;
}
interface EndedActivity {
  id: string;
  content: { executionId?: string; parent?: Parent; isRootScope?: boolean; isMultiInstance?: boolean; output?: unknown };
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
  /** The instances each running handler of a multi-instance activity compensates, by handler id. */
  private handlerInstances = new Map<string, unknown[]>();
  /** Instances of handlers queued behind a running one, in queue order. */
  private queuedInstances: Array<{ handler: string; instances: unknown[] | undefined }> = [];

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
    return {
      records: this.records.map((r) => ({ ...r })),
      pending: this.pending.map((p) => ({ ...p, handlers: [...p.handlers] })),
      ...(this.handlerInstances.size ? { handlerInstances: Object.fromEntries(this.handlerInstances) } : {}),
    };
  }

  restore(state: CompensationState | undefined): void {
    this.records = state?.records.map((r) => ({ ...r })) ?? [];
    this.pending = state?.pending.map((p) => ({ ...p, handlers: [...p.handlers] })) ?? [];
    // A recovered handler loop evaluates its collection again: the same instances.
    this.handlerInstances = new Map(Object.entries(state?.handlerInstances ?? {}));
    // A handler queued behind a running one starts when that one ends.
    this.queued = this.pending.flatMap((p) => p.handlers).filter((h, i, all) => all.indexOf(h) !== i);
  }

  /** Whether a throw at this execution is still waiting for handlers (a recovered throw asks). */
  isWaiting(throwExecutionId: string): boolean {
    return this.pending.some((p) => p.throwExecutionId === throwExecutionId);
  }

  /** The collection of a handler's loop (COMPENSATED_INSTANCES): the instances it compensates now. */
  instancesFor(handlerId: string): unknown[] {
    return this.handlerInstances.get(handlerId) ?? [];
  }

  /** An activity ended: record it if it has a handler; a handler of a waiting throw is done. */
  onEnd(api: EndedActivity): void {
    const c = api.content;
    if (c.isRootScope === false) return;
    this.handlerEnded(api.id);
    const handler = this.handlerOf.get(api.id);
    if (!handler) return;
    const executionId = String(c.executionId ?? '');
    // A sub-process with a handler of its own is compensated as a whole.
    this.records = this.records.filter((r) => !r.scopeExecutions.includes(executionId));
    const scopes = scopesOf(c.parent);
    // A multi-instance activity ends with the output of each completed instance: one handler run each, by loopCounter.
    const instances = c.isMultiInstance && Array.isArray(c.output) ? c.output.map((_, i) => i) : undefined;
    this.records.push({
      activityId: api.id,
      handler,
      executionId,
      scopeIds: scopes.ids,
      scopeExecutions: scopes.executions,
      ...(instances ? { instances } : {}),
    });
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
    const started = chosen.reverse();
    this.pending.push({ throwExecutionId, handlers: started.map((r) => r.handler) });
    this.host.later(() => {
      for (const record of started) this.start(record.handler, record.instances);
    });
    return true;
  }

  private start(handler: string, instances: unknown[] | undefined): void {
    // The handler's loop reads its collection as it starts.
    const running = this.handlerInstances.get(handler);
    if (instances) this.handlerInstances.set(handler, instances);
    if (this.host.runHandler(handler)) return;
    if (running) this.handlerInstances.set(handler, running);
    else this.handlerInstances.delete(handler);
    this.queued.push(handler);
    this.queuedInstances.push({ handler, instances });
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
    this.handlerInstances.delete(activityId);
    const next = this.queued.indexOf(activityId);
    if (next !== -1) {
      this.queued.splice(next, 1);
      const waiting = this.queuedInstances.findIndex((q) => q.handler === activityId);
      const instances = waiting === -1 ? undefined : this.queuedInstances.splice(waiting, 1)[0]?.instances;
      this.host.later(() => this.start(activityId, instances));
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

interface ExpressionContext {
  content?: unknown;
  [key: string]: unknown;
}

interface Expressions {
  resolveExpression(expression: unknown, context: ExpressionContext, fnContext?: unknown): unknown;
}

/** The engine's expressions, where a handler's COMPENSATED_INSTANCES is the instances it compensates. */
export function compensatedInstancesExpressions<T extends Expressions>(expressions: T, compensations: () => Compensations): T {
  return {
    ...expressions,
    resolveExpression(expression: unknown, context: ExpressionContext, fnContext?: unknown): unknown {
      if (expression === COMPENSATED_INSTANCES) return [...compensations().instancesFor(String((context?.content as { id?: unknown } | undefined)?.id))];
      return expressions.resolveExpression(expression, context, fnContext);
    },
  };
}
