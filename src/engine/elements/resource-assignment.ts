// BPMN resource roles on user tasks, as Camunda 7 reads them: `potentialOwner` gives candidates,
// `humanPerformer` the assignee. A formal expression is a comma-separated list of `group(x)`,
// `user(x)` or plain names (a plain name is a group, as in Camunda).
import type { ModdleElement } from 'bpmn-moddle';
import { list, str } from './moddle-element';

export const POTENTIAL_OWNER = 'bpmn:PotentialOwner';
export const HUMAN_PERFORMER = 'bpmn:HumanPerformer';

export interface ResourceAssignment {
  groups: string[];
  users: string[];
  performer: string | null;
}

function formalExpression(role: ModdleElement): string | null {
  const assignment = role.resourceAssignmentExpression as ModdleElement | undefined;
  return str((assignment?.expression as { body?: unknown } | undefined)?.body);
}

/** Splits `group(a), user(b), c` at the commas that are not inside `${…}`. */
function items(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out.filter(Boolean);
}

export function readResourceRoles(el: ModdleElement): ResourceAssignment {
  const result: ResourceAssignment = { groups: [], users: [], performer: null };
  for (const role of list(el, 'resources')) {
    const text = formalExpression(role);
    if (!text) continue;
    if (role.$type === HUMAN_PERFORMER) {
      result.performer = /^user\((.*)\)$/.exec(text)?.[1]?.trim() ?? text;
      continue;
    }
    if (role.$type !== POTENTIAL_OWNER) continue;
    for (const item of items(text)) {
      const m = /^(user|group)\((.*)\)$/.exec(item);
      if (m?.[1] === 'user') result.users.push((m[2] ?? '').trim());
      else result.groups.push((m ? (m[2] ?? '') : item).trim());
    }
  }
  return result;
}
