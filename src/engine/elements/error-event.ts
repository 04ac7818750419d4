// Error events: a thrown BPMN error and the boundary events and event sub-processes that catch it.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { ExtendedElement } from '../runner/engine-api';
import { BOUNDARY_EVENT } from './boundary-event';
import { DEFINITIONS } from './definitions';

export const ERROR_EVENT_DEFINITION = 'bpmn:ErrorEventDefinition';
export const ERROR = 'bpmn:Error';

/**
 * Camunda 7 takes an `errorRef` that names no `<error>` as the error code itself; procflow does
 * the same by declaring `<error id=ref errorCode=ref>` in the parsed tree (the stored XML stays
 * as deployed), so that a throw and a catch naming the same undeclared ref match each other.
 */
export function declareImplicitError(parsed: ParseResult, eventDefinition: ModdleElement, ref: string): boolean {
  const root = parsed.rootElement;
  if (eventDefinition.$type !== ERROR_EVENT_DEFINITION || root.$type !== DEFINITIONS) return false;
  let error = parsed.elementsById[ref];
  if (!error) {
    const model = (root as unknown as { $model: { create(type: string, attrs: Record<string, unknown>): ModdleElement } }).$model;
    error = model.create(ERROR, { id: ref, name: ref, errorCode: ref });
    error.$parent = root;
    const roots = (root.rootElements as ModdleElement[] | undefined) ?? [];
    roots.push(error);
    root.rootElements = roots;
    parsed.elementsById[ref] = error;
  }
  if (error.$type !== ERROR) return false;
  eventDefinition.errorRef = error;
  return true;
}

/** The id of the `<error>` element with this errorCode in a loaded definition's context, if any. */
export function errorIdByCode(sourceContext: unknown, code: string): string | undefined {
  const context = sourceContext as { getActivities?(): Array<{ id: string; type: string; behaviour?: { errorCode?: unknown } }> } | null;
  return context?.getActivities?.().find((a) => a.type === ERROR && a.behaviour?.errorCode === code)?.id;
}

interface ThrowMessage {
  content: { id?: string };
}
interface ErrorCatchDefinition {
  type?: string;
  _onThrowApiMessage?: (this: ErrorCatchDefinition, routingKey: string, message: ThrowMessage) => unknown;
}
interface ErrorBoundaryActivity {
  type: string;
  attachedTo?: { id: string } | null;
  eventDefinitions?: ErrorCatchDefinition[];
  context?: { definitionContext?: { getActivityById(id: string): { parent?: { id?: string } } | undefined } };
}

/**
 * bpmn-engine `extensions` entry: a boundary error event catches only an error thrown by its
 * activity or by something inside it, as in Camunda 7. bpmn-elements hands a thrown error
 * (`activity.throw`, delegated) to every error catch event of each scope it passes, so a boundary
 * event of a task waiting on another path caught an error thrown beside it (ErrorEventDefinition
 * #_onThrowApiMessage compares the error only; bpmn-elements 17.3). Each of its error event
 * definitions first looks up where the thrower sits (the throwing element's id: an error end
 * event, a service task, a call activity) and ignores a throw from outside its activity. An error
 * its activity fails with (`activity.error`) takes another path and is not affected.
 */
export function errorBoundaryCatchesWithin(element: ExtendedElement): undefined {
  const boundary = element as unknown as ErrorBoundaryActivity;
  const attachedId = boundary.attachedTo?.id;
  const elements = boundary.context?.definitionContext;
  if (element.type !== BOUNDARY_EVENT || !attachedId || !elements) return undefined;
  const within = (throwerId: string | undefined): boolean => {
    // A thrower the definition does not know (none should reach here): bpmn-elements decides.
    if (!throwerId || !elements.getActivityById(throwerId)) return true;
    const seen = new Set<string>();
    for (let id: string | undefined = throwerId; id && !seen.has(id); id = elements.getActivityById(id)?.parent?.id) {
      if (id === attachedId) return true;
      seen.add(id);
    }
    return false;
  };
  for (const definition of boundary.eventDefinitions ?? []) {
    const onThrow = definition._onThrowApiMessage;
    if (definition.type !== ERROR_EVENT_DEFINITION || typeof onThrow !== 'function') continue;
    definition._onThrowApiMessage = function onThrowWithin(this: ErrorCatchDefinition, routingKey, message) {
      if (!within(message.content.id)) return undefined;
      return onThrow.call(this, routingKey, message);
    };
  }
  return undefined;
}
