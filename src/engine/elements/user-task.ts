// User tasks: who may do one (candidate groups and users, lane, assignee), its form, its due and
// follow-up dates and priority, and the open task row a waiting one becomes.
import { ScaledClock, type Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { compileExpression, hasTemplate, isKnownMethod, resolveTemplate } from '../expression-evaluator';
import { parseDuration } from '../iso-duration';
import type { PostponedApi } from '../runner/engine-api';
import type { TaskRecord } from '../../store/types';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { formFields } from './form-data';
import { splitList, str } from './moddle-element';
import { readResourceRoles } from './resource-assignment';

export const USER_TASK = 'bpmn:UserTask';

export function isUserTask(type: string | undefined): boolean {
  return type === USER_TASK;
}

export const readUserTask: ElementReader = (el, meta, place) => {
  if (el.$type !== USER_TASK) return;
  const roles = readResourceRoles(el);
  const groups = [...new Set([...splitList(el.candidateGroups), ...roles.groups])];
  const lane = place.lanes.get(meta.id);
  meta.candidateGroups = groups.length ? groups : lane ? [lane] : [];
  meta.candidateUsers = [...new Set([...splitList(el.candidateUsers), ...roles.users])];
  meta.assignee = str(el.assignee) ?? roles.performer;
  meta.formFields = formFields(el);
  meta.dueDate = str(el.dueDate);
  meta.followUpDate = str(el.followUpDate);
  meta.priority = str(el.priority);
  checkTemplates(meta);
};

const TEMPLATE_BODY = /[$#]\{((?:[^}'"]|'[^']*'|"[^"]*")*)\}/g;
/** The functions an expression may call (now(), number(), string(), getVariable()). */
const KNOWN_FUNCTIONS = new Set([...Object.keys(expressionFunctions(new ScaledClock())), 'getVariable']);

function calledFunctions(node: unknown, out: Array<{ k: string; name: string }> = []): Array<{ k: string; name: string }> {
  if (!node || typeof node !== 'object') return out;
  const n = node as { k?: unknown; name?: unknown };
  if ((n.k === 'call' || n.k === 'method') && typeof n.name === 'string') out.push({ k: n.k, name: n.name });
  for (const child of Object.values(node)) calledFunctions(child, out);
  return out;
}

/**
 * Every `${…}` in a user task's assignment, dates and priority must parse and call only known
 * functions (`camunda:assignee="${}"` would fail each time the task opens): the deployment is
 * refused naming the task, as Camunda does.
 */
function checkTemplates(meta: ActivityMeta): void {
  const texts = [meta.assignee, ...meta.candidateGroups, ...(meta.candidateUsers ?? []), meta.dueDate, meta.followUpDate, meta.priority];
  for (const text of texts) {
    if (!text || !hasTemplate(text)) continue;
    for (const m of text.matchAll(TEMPLATE_BODY)) {
      let node: unknown;
      try {
        node = compileExpression(m[1] ?? '');
      } catch (err) {
        throw new Error(`user task <${meta.id}>: the expression <${text}> cannot be read: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      const calls = calledFunctions(node);
      const unknown = calls.find((c) => c.k === 'call' && !KNOWN_FUNCTIONS.has(c.name));
      if (unknown) throw new Error(`user task <${meta.id}>: the expression <${text}> calls the unknown function <${unknown.name}>`);
      const method = calls.find((c) => c.k === 'method' && !isKnownMethod(c.name));
      if (method)
        throw new Error(`user task <${meta.id}>: the expression <${text}> calls the method <${method.name}()>, which procflow's expressions do not have`);
    }
  }
}

/**
 * An expression of a user task (assignee, candidates, dates, priority) that cannot be evaluated
 * when the task begins: the instance fails with an incident at the task.
 */
export class TaskExpressionError extends Error {
  constructor(
    readonly activityId: string,
    readonly expression: string,
    cause: unknown,
  ) {
    super(`user task <${activityId}>: the expression <${expression}> cannot be evaluated: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'TaskExpressionError';
  }
}

/** Camunda's priority of a task whose model names none. */
export const DEFAULT_TASK_PRIORITY = 50;

export interface OpenTaskContext {
  instanceId: string;
  definitionKey: string;
  variables: Record<string, unknown>;
  clock: Clock;
}

/**
 * A due or follow-up date: an ISO 8601 date-time, or an ISO 8601 duration counted from the service
 * clock's now (P2D: two days from when the task begins waiting); anything else gives no date.
 */
export function taskDate(value: unknown, now: string): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || !value.trim()) return null;
  const text = value.trim();
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(Date.parse(now) + ms).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  // Years 1970 to 9999: what every database column and JSON answer can hold.
  return at >= 0 && at < Date.UTC(10000, 0, 1) ? new Date(at).toISOString() : null;
}

/** An integer priority (a number or a numeric text); anything else gives Camunda's default. */
export function taskPriority(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  // A database integer column holds 32 bits.
  return Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1 ? n : DEFAULT_TASK_PRIORITY;
}

/** A task name may be a `${…}` template (Camunda's `Task ${loopCounter}`); one that cannot be read stays as written. */
function taskName(name: ActivityMeta['name'], resolve: (text: string) => string | null): ActivityMeta['name'] {
  if (!name || !hasTemplate(name)) return name;
  try {
    return resolve(name) ?? name;
  } catch {
    return name;
  }
}

/**
 * The task row of a waiting user task; candidate groups and users, assignee, due and follow-up
 * dates and priority may be `${…}` templates over the instance's variables (and, for an
 * iteration of a multi-instance task, over `iteration`: see iterationWaits).
 */
export function describeOpenTask(
  api: PostponedApi,
  meta: ActivityMeta,
  ctx: OpenTaskContext,
  now: string,
  iteration: Record<string, unknown> = {},
  /** An expression that fails gives no value instead of a TaskExpressionError (for a task already open, whose row stays as it is). */
  lenient = false,
): TaskRecord {
  // An iteration of a multi-instance task also sees its loopCounter and element variable.
  const variables = Object.keys(iteration).length ? { ...ctx.variables, ...iteration } : ctx.variables;
  const value = (text: string | null | undefined): unknown => {
    if (!text) return null;
    if (!hasTemplate(text)) return text;
    try {
      return resolveTemplate(text, scopeOf({ environment: { variables } }), expressionFunctions(ctx.clock));
    } catch (err) {
      if (lenient) return null;
      throw new TaskExpressionError(meta.id, text, err);
    }
  };
  const resolve = (text: string | null | undefined): string | null => {
    const v = value(text);
    return v === undefined || v === null || v === '' ? null : String(v);
  };
  const names = (items: string[]) => [...new Set(items.flatMap((g) => (resolve(g) ?? '').split(',').map((x) => x.trim())).filter(Boolean))];
  const groups = names(meta.candidateGroups);
  return {
    id: `${ctx.instanceId.slice(0, 8)}-${api.content.executionId}`,
    processInstanceId: ctx.instanceId,
    definitionKey: ctx.definitionKey,
    activityId: api.id,
    executionId: api.content.executionId,
    name: taskName(meta.name, resolve),
    candidateGroups: groups,
    assignee: resolve(meta.assignee),
    state: 'open',
    createdAt: now,
    completedAt: null,
    completedBy: null,
    form: { fields: meta.formFields },
    variables: null,
    candidateUsers: names(meta.candidateUsers ?? []),
    dueAt: taskDate(value(meta.dueDate), now),
    followUpAt: taskDate(value(meta.followUpDate), now),
    priority: meta.priority ? taskPriority(value(meta.priority)) : DEFAULT_TASK_PRIORITY,
  };
}
