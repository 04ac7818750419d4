// Start events: the initiator variable and start form, how a process can be started (message,
// timer, none), and the start events not taken once an instance has started.
import type { ModdleElement } from 'bpmn-moddle';
import type { DefinitionInfo } from '../../store/types';
import type { PostponedApi } from '../runner/engine-api';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { formFields } from './form-data';
import { list, str } from './moddle-element';
import { PROCESS } from './process';

export const START_EVENT = 'bpmn:StartEvent';

export function isStartEvent(type: string | undefined): boolean {
  return type === START_EVENT;
}

export const readStartEvent: ElementReader = (el, meta) => {
  if (el.$type !== START_EVENT) return;
  meta.formFields = formFields(el);
  const initiator = str(el.initiator);
  if (initiator) meta.initiator = initiator;
  const parent = el.$parent;
  if (parent?.triggeredByEvent === true) {
    const scope = parent.$parent;
    meta.eventSubProcess = { id: String(parent.id), interrupting: el.isInterrupting !== false, topLevel: scope?.$type === PROCESS, scopeId: String(scope?.id) };
  }
};

/** How the top-level start events of a process start it. */
export function startOptions(
  topLevel: ModdleElement[],
  activities: Map<string, ActivityMeta>,
): Pick<DefinitionInfo, 'messageStarts' | 'timerStarts' | 'noneStart'> {
  const starts = topLevel.filter((el) => el.$type === START_EVENT);
  return {
    messageStarts: starts.flatMap((s) => {
      const m = activities.get(String(s.id))?.message;
      return m ? [{ name: m.name, messageId: m.id, activityId: String(s.id) }] : [];
    }),
    timerStarts: starts.flatMap((s) => {
      const timer = activities.get(String(s.id))?.timer;
      return timer ? [{ activityId: String(s.id), ...timer }] : [];
    }),
    noneStart: starts.some((s) => list(s, 'eventDefinitions').length === 0),
  };
}

/**
 * bpmn-elements enters every start event of a process and discards the others only when a path
 * reaches an end event; until then a timer start stays armed and could fire a second token.
 * These are the start events of the started process still waiting, to discard.
 */
export function startEventsNotTaken(postponed: PostponedApi[], activities: Map<string, ActivityMeta>, processId: string | undefined): PostponedApi[] {
  return postponed.filter((api) => {
    const meta = activities.get(api.id);
    return isStartEvent(meta?.type) && meta?.processId === processId;
  });
}
