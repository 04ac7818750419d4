// Call activities: the called process (calledElement and Camunda's calledElementBinding), the
// variables passed in (camunda:in) and back out (camunda:out), read at deploy; the boundary events
// a called instance's uncaught error or escalation reaches; and the mappings applied at run time.
// Which instance is started, and when, is the event runner's part (event-runner.ts).
import type { ModdleElement } from 'bpmn-moddle';
import { scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate, type Functions } from '../expression-evaluator';
import type { ElementReader } from './activity-meta';
import { list, str } from './moddle-element';

export const CALL_ACTIVITY = 'bpmn:CallActivity';
const IN = 'camunda:In';
const OUT = 'camunda:Out';

/** One camunda:in or camunda:out. */
export interface VariableMapping {
  source?: string;
  sourceExpression?: string;
  target?: string;
  /** `variables="all"`: every variable. */
  all?: boolean;
}

export interface CallMeta {
  /** calledElement as written (a process id, or an expression). */
  calledElement: string;
  /** camunda:calledElementBinding: the latest version (default), the version deployed with the caller, or a fixed version. */
  binding: 'latest' | 'deployment' | 'version';
  /** camunda:calledElementVersion (binding `version`), as written. */
  version?: string;
  ins: VariableMapping[];
  outs: VariableMapping[];
  /** `<camunda:in businessKey="#{…}"/>`: the called instance's business key. */
  businessKey?: string;
}

/** A boundary event that catches what a called instance throws without catching it. */
export interface CatchMeta {
  attachedTo: string;
  kind: 'error' | 'escalation';
  /** The code it catches (undefined: every code). */
  code?: string;
  /** The id of its error or escalation element. */
  refId?: string;
  interrupting: boolean;
}

export function isCallActivity(type: string | undefined): boolean {
  return type === CALL_ACTIVITY;
}

function mappings(el: ModdleElement, type: string): { maps: VariableMapping[]; businessKey?: string } {
  const maps: VariableMapping[] = [];
  let businessKey: string | undefined;
  for (const v of list(el.extensionElements as ModdleElement | undefined, 'values')) {
    if (v.$type !== type) continue;
    const key = str(v.businessKey);
    if (key) businessKey = key;
    const m: VariableMapping = {};
    const source = str(v.source);
    const sourceExpression = str(v.sourceExpression);
    const target = str(v.target);
    if (source) m.source = source;
    if (sourceExpression) m.sourceExpression = sourceExpression;
    if (target) m.target = target;
    if (str(v.variables) === 'all') m.all = true;
    if (m.all || ((m.source || m.sourceExpression) && (m.target || m.source))) maps.push(m);
  }
  return { maps, ...(businessKey ? { businessKey } : {}) };
}

export const readCallActivity: ElementReader = (el, meta) => {
  if (el.$type === CALL_ACTIVITY) {
    const binding = str(el.calledElementBinding);
    const version = str(el.calledElementVersion);
    const ins = mappings(el, IN);
    meta.call = {
      calledElement: str(el.calledElement) ?? '',
      binding: binding === 'deployment' || binding === 'version' ? binding : 'latest',
      ...(version ? { version } : {}),
      ins: ins.maps,
      outs: mappings(el, OUT).maps,
      ...(ins.businessKey ? { businessKey: ins.businessKey } : {}),
    };
    return;
  }
  if (el.$type !== 'bpmn:BoundaryEvent') {
    const escalation = list(el, 'eventDefinitions').find((d) => d.$type === 'bpmn:EscalationEventDefinition');
    const code = str((escalation?.escalationRef as ModdleElement | undefined)?.escalationCode);
    if (code && /ThrowEvent|EndEvent/.test(el.$type)) meta.escalationCode = code;
    return;
  }
  const attachedTo = (el.attachedToRef as ModdleElement | undefined)?.id;
  if (!attachedTo) return;
  for (const def of list(el, 'eventDefinitions')) {
    const kind = def.$type === 'bpmn:ErrorEventDefinition' ? 'error' : def.$type === 'bpmn:EscalationEventDefinition' ? 'escalation' : null;
    if (!kind) continue;
    const ref = (kind === 'error' ? def.errorRef : def.escalationRef) as ModdleElement | undefined;
    const code = str(kind === 'error' ? ref?.errorCode : ref?.escalationCode);
    meta.catches = {
      attachedTo,
      kind,
      ...(code ? { code } : {}),
      ...(ref?.id ? { refId: String(ref.id) } : {}),
      interrupting: el.cancelActivity !== false,
    };
  }
};

/** Evaluates a mapping's source expression (`${a + 1}`) or reads its source variable. */
function sourceValue(m: VariableMapping, vars: Record<string, unknown>, fns: Functions, extra: Record<string, unknown>): unknown {
  if (m.sourceExpression) {
    const scope = scopeOf({ environment: { variables: { ...vars, ...extra } } });
    const text = m.sourceExpression.replace(/#\{/g, '${');
    return hasTemplate(text) ? resolveTemplate(text, scope, fns) : text;
  }
  return m.source !== undefined ? vars[m.source] : undefined;
}

/**
 * The variables one side passes to the other through its mappings (Camunda: without a mapping
 * nothing is passed). `extra` is what an expression may read besides the variables (loopCounter).
 */
export function mappedVariables(
  maps: VariableMapping[],
  vars: Record<string, unknown>,
  fns: Functions,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of maps) {
    if (m.all) {
      Object.assign(out, vars);
      continue;
    }
    const target = m.target ?? m.source;
    if (!target) continue;
    out[target] = sourceValue(m, vars, fns, extra);
  }
  return out;
}

/** The business key a camunda:in businessKey expression gives the called instance (null: none). */
export function calledBusinessKey(expression: string | undefined, vars: Record<string, unknown>, businessKey: string | null, fns: Functions): string | null {
  if (!expression) return null;
  const execution = { processBusinessKey: businessKey, businessKey, getProcessBusinessKey: () => businessKey };
  const scope = scopeOf({ environment: { variables: { ...vars, execution } } });
  const text = expression.replace(/#\{/g, '${');
  const value = hasTemplate(text) ? resolveTemplate(text, scope, fns) : text;
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** The boundary event of a call activity that catches this error or escalation code, if any. */
export function catchingBoundary(
  activities: Map<string, { id: string; catches?: CatchMeta }>,
  callActivityId: string,
  kind: CatchMeta['kind'],
  code: string | undefined,
): { id: string; catches: CatchMeta } | undefined {
  let catchAll: { id: string; catches: CatchMeta } | undefined;
  for (const a of activities.values()) {
    const c = a.catches;
    if (!c || c.attachedTo !== callActivityId || c.kind !== kind) continue;
    if (c.code === undefined) catchAll ??= { id: a.id, catches: c };
    else if (code !== undefined && c.code === code) return { id: a.id, catches: c };
  }
  return catchAll;
}
