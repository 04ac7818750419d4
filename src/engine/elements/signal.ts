// Signals: the signal a catch event waits for, by its element id and name.
import type { ModdleElement } from 'bpmn-moddle';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { eventDefinition, str } from './moddle-element';

export const SIGNAL_EVENT_DEFINITION = 'bpmn:SignalEventDefinition';

export const readSignal: ElementReader = (el, meta) => {
  const signalRef = eventDefinition(el, SIGNAL_EVENT_DEFINITION)?.signalRef as ModdleElement | undefined;
  if (signalRef?.id) meta.signal = { id: signalRef.id, name: str(signalRef.name) ?? signalRef.id };
};

export function waitsForSignal(meta: ActivityMeta | undefined, signalId: string): boolean {
  return meta?.signal?.id === signalId;
}
