// Error events: a thrown BPMN error and the boundary events and event sub-processes that catch it.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
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
