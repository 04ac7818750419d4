// Signals: the signal a catch event waits for, by its element id and name, and the signals throw
// events (intermediate throw, end events) send past their own instance.
import type { EventEmitter } from 'node:events';
import type { ModdleElement } from 'bpmn-moddle';
import { hasTemplate, resolveTemplate } from '../expression-evaluator';
import type { ElementApi } from '../runner/engine-api';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { eventDefinition, str } from './moddle-element';

export const SIGNAL_EVENT_DEFINITION = 'bpmn:SignalEventDefinition';

export const readSignal: ElementReader = (el, meta) => {
  const signalRef = eventDefinition(el, SIGNAL_EVENT_DEFINITION)?.signalRef as ModdleElement | undefined;
  if (signalRef?.id) meta.signal = { id: signalRef.id, name: str(signalRef.name) ?? signalRef.id };
};

/**
 * The name a signal start event is subscribed under. As Camunda 7 resolves it when the version is
 * deployed, a name with an expression is resolved with no variables (`alert-${'foo'}` is
 * `alert-foo`); one that cannot be resolved so stays as written.
 */
export function signalStartName(name: string): string {
  if (!hasTemplate(name)) return name;
  try {
    const value = resolveTemplate(name, () => undefined);
    return value === undefined || value === null ? name : String(value);
  } catch {
    return name;
  }
}

export function waitsForSignal(meta: ActivityMeta | undefined, signalId: string): boolean {
  return meta?.signal?.id === signalId;
}

/** A signal a throw event of this instance sent: delivered to every other instance by a job. */
export interface ThrownSignal {
  name: string;
  activityId: string;
}

/**
 * Collects the signals throw events send during an event. bpmn-elements delivers a thrown signal
 * only inside its own definition (DefinitionExecution relays `activity.signal`); Camunda 7 sends
 * it to every instance waiting for that name and starts every definition with a signal start
 * event of that name. The host commits each thrown signal as a `signal` job with the event (see
 * event-outcome.ts), and the job delivers it to the other instances. A name with an expression
 * is sent under its value for the throwing instance's variables (`resolveName`), as in Camunda.
 */
export function collectThrownSignals(
  listener: EventEmitter,
  activities: Map<string, ActivityMeta>,
  state: { resuming: boolean; detached: boolean },
  resolveName: (name: string, api: ElementApi) => string = (name) => name,
): ThrownSignal[] {
  const thrown: ThrownSignal[] = [];
  listener.on('activity.signal', (api: ElementApi) => {
    if (state.detached || state.resuming) return;
    const signal = activities.get(api.id)?.signal;
    if (signal) thrown.push({ name: hasTemplate(signal.name) ? resolveName(signal.name, api) : signal.name, activityId: api.id });
  });
  return thrown;
}
