// User tasks: who may do one (candidate groups, lane, assignee), its form, and the open task row
// a waiting one becomes.
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate } from '../expression-evaluator';
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
  meta.assignee = str(el.assignee) ?? roles.performer;
  meta.formFields = formFields(el);
};

export interface OpenTaskContext {
  instanceId: string;
  definitionKey: string;
  variables: Record<string, unknown>;
  clock: Clock;
}

/** The task row of a waiting user task; candidate groups and assignee may be `${…}` templates. */
export function describeOpenTask(api: PostponedApi, meta: ActivityMeta, ctx: OpenTaskContext, now: string): TaskRecord {
  const resolve = (text: string | null): string | null => {
    if (!text) return null;
    if (!hasTemplate(text)) return text;
    const v = resolveTemplate(text, scopeOf({ environment: { variables: ctx.variables } }), expressionFunctions(ctx.clock));
    return v === undefined || v === null || v === '' ? null : String(v);
  };
  const groups = meta.candidateGroups.flatMap((g) => (resolve(g) ?? '').split(',').map((x) => x.trim())).filter(Boolean);
  return {
    id: `${ctx.instanceId.slice(0, 8)}-${api.content.executionId}`,
    processInstanceId: ctx.instanceId,
    definitionKey: ctx.definitionKey,
    activityId: api.id,
    executionId: api.content.executionId,
    name: meta.name,
    candidateGroups: groups,
    assignee: resolve(meta.assignee),
    state: 'open',
    createdAt: now,
    completedAt: null,
    completedBy: null,
    form: { fields: meta.formFields },
    variables: null,
  };
}
