// Start events: the initiator variable and start form, how a process can be started (message,
// signal, timer, none), and the start events not taken once an instance has started.
import type { ModdleElement } from 'bpmn-moddle';
import type { DefinitionInfo } from '../../store/types';
import type { ExtendedElement, PostponedApi } from '../runner/engine-api';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { formFields } from './form-data';
import { list, str } from './moddle-element';
import { PROCESS } from './process';
import { signalStartName } from './signal';

export const START_EVENT = 'bpmn:StartEvent';
const CONDITIONAL_EVENT_DEFINITION = 'bpmn:ConditionalEventDefinition';

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
    const conditional = list(el, 'eventDefinitions').find((ed) => ed.$type === CONDITIONAL_EVENT_DEFINITION);
    const body = str((conditional?.condition as ModdleElement | undefined)?.body);
    if (body) meta.condition = body;
  }
};

/** How the top-level start events of a process start it. */
export function startOptions(
  topLevel: ModdleElement[],
  activities: Map<string, ActivityMeta>,
): Pick<DefinitionInfo, 'messageStarts' | 'signalStarts' | 'timerStarts' | 'noneStart'> {
  const starts = topLevel.filter((el) => el.$type === START_EVENT);
  return {
    messageStarts: starts.flatMap((s) => {
      const m = activities.get(String(s.id))?.message;
      return m ? [{ name: m.name, messageId: m.id, activityId: String(s.id) }] : [];
    }),
    signalStarts: starts.flatMap((s) => {
      const signal = activities.get(String(s.id))?.signal;
      return signal ? [{ name: signalStartName(signal.name), signalId: signal.id, activityId: String(s.id) }] : [];
    }),
    timerStarts: starts.flatMap((s) => {
      const timer = activities.get(String(s.id))?.timer;
      return timer ? [{ activityId: String(s.id), ...timer }] : [];
    }),
    noneStart: starts.some((s) => list(s, 'eventDefinitions').length === 0),
  };
}

/**
 * The top-level signal start events of a process, read from the activities of its version (for
 * a version whose recorded info predates `signalStarts`).
 */
export function signalStartsOf(activities: Map<string, ActivityMeta>, processId: string): NonNullable<DefinitionInfo['signalStarts']> {
  return [...activities.values()].flatMap((a) =>
    isStartEvent(a.type) && a.processId === processId && !a.eventSubProcess && a.signal
      ? [{ name: signalStartName(a.signal.name), signalId: a.signal.id, activityId: a.id }]
      : [],
  );
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

/**
 * bpmn-engine `extensions` entry leaving start events of the process out of an instance's start:
 * bpmn-elements enters every start event of a process at execute. An instance a signal starts
 * takes its signal start event only (a none start event would run a second path beside it); an
 * instance started otherwise never enters a signal start event, which a signal the instance
 * itself throws would take inside it (Camunda starts a new instance there instead).
 */
export function skipStartEvents(
  processId: string,
  skipped: (startEventId: string) => boolean,
): (element: ExtendedElement & { parent?: { id?: string } }) => undefined {
  return (element) => {
    if (element.type === START_EVENT && element.parent?.id === processId && skipped(element.id)) {
      Object.defineProperty(element, 'isStart', { value: false });
    }
    return undefined;
  };
}
