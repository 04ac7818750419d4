// Camunda execution listeners (`camunda:executionListener`: start and end of a process or flow
// node, take of a sequence flow) and task listeners (`camunda:taskListener`: create, assignment
// and complete of a user task) given as an expression or a juel script: read at deploy, evaluated
// by procflow's safe evaluator when the engine reports the element's event. `camunda:class` and
// `camunda:delegateExpression` listeners name Java code, which procflow does not run: a document
// naming one is refused at deploy, as a Java delegate on a service task is.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { Clock } from '../clock';
import { ScaledClock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { compileExpression, hasTemplate, isKnownMethod, resolveTemplate, SET_VARIABLE, type Functions } from '../expression-evaluator';
import { isJuel } from './script-task';
import { list, str } from './moddle-element';

export const EXECUTION_LISTENER = 'camunda:ExecutionListener';
export const TASK_LISTENER = 'camunda:TaskListener';

export type ExecutionEvent = 'start' | 'end' | 'take';
export type TaskEvent = 'create' | 'assignment' | 'complete';

/** One listener as written: its event, and the expression or juel script it evaluates. */
export interface ListenerSpec {
  event: string;
  /** `expression`: camunda:expression; `script`: a camunda:script body (run only when juel). */
  kind: 'expression' | 'script';
  text: string | null;
  /** The camunda:scriptFormat of a script listener. */
  format?: string;
  /** The camunda:resource of a script listener (never read). */
  resource?: string;
}

export interface ElementListeners {
  execution: ListenerSpec[];
  task: ListenerSpec[];
  /**
   * An event after an event-based gateway: the flow from the gateway to it. bpmn-elements starts
   * every such event and discards the ones that lose; Camunda 7 enters only the one that fires, so
   * that one's flow is taken and it starts when it fires.
   */
  afterEventGateway?: { flowId: string; gatewayId: string };
  /** A flow from an event-based gateway: its take listeners run when its event fires. */
  toGatewayEvent?: boolean;
}

/** The events procflow calls listeners on; a listener of another event is never called. */
export const EXECUTION_EVENTS: readonly ExecutionEvent[] = ['start', 'end', 'take'];
export const TASK_EVENTS: readonly TaskEvent[] = ['create', 'assignment', 'complete'];

function readSpec(l: ModdleElement, defaultEvent: string | null): ListenerSpec {
  const script = l.script as ModdleElement | undefined;
  const event = str(l.event) ?? defaultEvent ?? '';
  if (script) {
    const resource = str(script.resource);
    return {
      event,
      kind: 'script',
      text: str(script.value),
      format: str(script.scriptFormat) ?? '',
      ...(resource ? { resource } : {}),
    };
  }
  return { event, kind: 'expression', text: str(l.expression) };
}

function listenersOf(el: ModdleElement): ElementListeners {
  const values = list(el.extensionElements as ModdleElement | undefined, 'values');
  // A sequence flow's listener without an event listens to take, as in Camunda 7.
  const flowDefault = el.$type === 'bpmn:SequenceFlow' ? 'take' : null;
  // A listener with neither an expression nor a script (`class=""`) has nothing to run.
  const runnable = (spec: ListenerSpec) => spec.kind === 'script' || spec.text !== null;
  return {
    execution: values
      .filter((v) => v.$type === EXECUTION_LISTENER)
      .map((v) => readSpec(v, flowDefault))
      .filter(runnable),
    task: values
      .filter((v) => v.$type === TASK_LISTENER)
      .map((v) => readSpec(v, null))
      .filter(runnable),
  };
}

/** Every element of the document (processes, flow nodes, sequence flows) with listeners, by id. */
export function collectListeners(parsed: ParseResult): Map<string, ElementListeners> {
  const out = new Map<string, ElementListeners>();
  const containers = list(parsed.rootElement, 'rootElements').filter((r) => r.$type === 'bpmn:Process');
  const visit = (el: ModdleElement) => {
    const found = listenersOf(el);
    if ((found.execution.length || found.task.length) && el.id) out.set(el.id, found);
  };
  const gatewayFlows: Array<{ flow: ModdleElement; gatewayId: string }> = [];
  while (containers.length) {
    const container = containers.shift() as ModdleElement;
    if (container.$type === 'bpmn:Process') visit(container);
    for (const el of list(container, 'flowElements')) {
      visit(el);
      if (el.$type === 'bpmn:EventBasedGateway') for (const flow of list(el, 'outgoing')) gatewayFlows.push({ flow, gatewayId: String(el.id) });
      if (list(el, 'flowElements').length) containers.push(el);
    }
  }
  const entry = (id: string): ElementListeners => {
    const found = out.get(id);
    if (found) return found;
    const made: ElementListeners = { execution: [], task: [] };
    out.set(id, made);
    return made;
  };
  for (const { flow, gatewayId } of gatewayFlows) {
    const target = (flow.targetRef as ModdleElement | undefined)?.id;
    const flowListeners = flow.id ? out.get(flow.id) : undefined;
    const targetListeners = target ? out.get(target) : undefined;
    if (!flow.id || !target || (!flowListeners?.execution.length && !targetListeners?.execution.length)) continue;
    entry(target).afterEventGateway = { flowId: flow.id, gatewayId };
    entry(flow.id).toGatewayEvent = true;
  }
  return out;
}

/** The functions an expression may call besides methods (now(), number(), string(), getVariable()). */
const KNOWN_FUNCTIONS = new Set([...Object.keys(expressionFunctions(new ScaledClock())), 'getVariable']);
const TEMPLATE_BODY = /[$#]\{((?:[^}'"]|'[^']*'|"[^"]*")*)\}/g;

function calledNames(node: unknown, out: Array<{ k: string; name: string }> = []): Array<{ k: string; name: string }> {
  if (!node || typeof node !== 'object') return out;
  const n = node as { k?: unknown; name?: unknown };
  if ((n.k === 'call' || n.k === 'method') && typeof n.name === 'string') out.push({ k: n.k, name: n.name });
  for (const child of Object.values(node)) calledNames(child, out);
  return out;
}

/** Why an expression cannot ever run: it does not parse, or calls what procflow's expressions do not have. */
function expressionProblem(text: string): string | undefined {
  if (!hasTemplate(text)) return undefined;
  for (const m of text.matchAll(TEMPLATE_BODY)) {
    let node: unknown;
    try {
      node = compileExpression(m[1] ?? '');
    } catch (err) {
      return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
    }
    const calls = calledNames(node);
    const fn = calls.find((c) => c.k === 'call' && !KNOWN_FUNCTIONS.has(c.name));
    if (fn) return `calls the unknown function <${fn.name}>`;
    const method = calls.find((c) => c.k === 'method' && !isKnownMethod(c.name));
    if (method) return `calls the method <${method.name}()>, which procflow's expressions do not have (a Java bean's method is not run)`;
  }
  return undefined;
}

/**
 * What makes the element's listeners impossible to run, one message each: a Java listener
 * (camunda:class, camunda:delegateExpression), an execution listener of an activity without an
 * event, an expression that cannot be read or calls a method procflow does not have.
 */
export function listenerProblems(el: ModdleElement): string[] {
  const problems: string[] = [];
  const values = list(el.extensionElements as ModdleElement | undefined, 'values');
  const name = `<${el.id ?? el.$type}>`;
  for (const l of values) {
    if (l.$type !== EXECUTION_LISTENER && l.$type !== TASK_LISTENER) continue;
    const what = l.$type === EXECUTION_LISTENER ? 'camunda:executionListener' : 'camunda:taskListener';
    for (const attribute of ['class', 'delegateExpression'] as const) {
      const value = str(l[attribute]);
      if (value)
        problems.push(
          `${name} has a ${what} with camunda:${attribute}="${value}"; procflow runs no Java: use camunda:expression="\${…}" or a juel camunda:script instead`,
        );
    }
    if (l.$type === EXECUTION_LISTENER && !str(l.event) && el.$type !== 'bpmn:SequenceFlow') {
      problems.push(`${name} has a ${what} without camunda:event; expected start or end`);
    }
    const expression = str(l.expression);
    const problem = expression ? expressionProblem(expression) : undefined;
    if (problem) problems.push(`${name} has a ${what} whose expression <${expression}> ${problem}`);
  }
  return problems;
}

/** What a listener sees as `execution` and, in a task listener, as `task`. */
export interface ListenerContext {
  execution: Record<string, unknown>;
  task?: Record<string, unknown>;
}

/** A listener that cannot be evaluated: the instance fails with an incident at its element. */
export class ListenerError extends Error {
  constructor(
    readonly activityId: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ListenerError';
  }
}

/**
 * Evaluates one listener over `variables`. `execution` and `task` are the context objects unless a
 * variable has that name; `execution.setVariable` / `task.setVariable` set a process variable
 * through `setVariable`. Throws a ListenerError naming the element when it cannot be evaluated.
 */
export function evaluateListener(
  spec: ListenerSpec,
  where: { elementId: string; kind: 'execution' | 'task' },
  variables: Record<string, unknown>,
  context: ListenerContext,
  clock: Clock,
  setVariable: (name: string, value: unknown) => void,
): void {
  const label = `the ${where.kind} listener (${spec.event}) of <${where.elementId}>`;
  if (spec.kind === 'script' && !isJuel(spec.format)) {
    throw new ListenerError(
      where.elementId,
      `${label} is not run: its script is ${spec.format || 'of no format'}; procflow runs only juel scripts (one expression), no code from models`,
    );
  }
  if (spec.text === null) {
    const why =
      spec.kind === 'script' ? (spec.resource ? `an external script resource <${spec.resource}> is not read` : 'its script is empty') : 'it has no expression';
    throw new ListenerError(where.elementId, `${label} is not run: ${why}`);
  }
  const scope = scopeOf({ environment: { variables } });
  const lookup = (name: string) => {
    const value = scope(name);
    if (value !== undefined) return value;
    if (name === 'execution') return context.execution;
    if (name === 'task') return context.task;
    return undefined;
  };
  const fns: Functions = { ...expressionFunctions(clock), [SET_VARIABLE]: (name, value) => setVariable(String(name), value) };
  try {
    resolveTemplate(spec.text, lookup, fns);
  } catch (err) {
    throw new ListenerError(where.elementId, `${label} cannot be evaluated: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}
