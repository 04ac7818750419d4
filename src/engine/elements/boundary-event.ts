// Boundary events: armed while their activity runs, so they are not where an instance waits; a
// non-interrupting message or signal boundary stays armed until its activity ends.
import type { ExtendedElement } from '../runner/engine-api';
import { MESSAGE_EVENT_DEFINITION } from './message';
import { SIGNAL_EVENT_DEFINITION } from './signal';

export const BOUNDARY_EVENT = 'bpmn:BoundaryEvent';

export function isBoundaryEvent(type: string): boolean {
  return type === BOUNDARY_EVENT;
}

interface RunMessage {
  content: { inbound?: unknown[] };
}
interface BoundaryActivity extends ExtendedElement {
  attachedTo: { isRunning: boolean } | null;
  eventDefinitions?: Array<{ type?: string }>;
  broker: {
    subscribeTmp(exchange: string, pattern: string, fn: () => void, options: { noAck: boolean; consumerTag: string }): void;
    cancel(consumerTag: string): void;
    getQueue(name: string): { queueMessage(fields: { routingKey: string }, content: unknown): void };
  };
}

const REARMED = new Set([MESSAGE_EVENT_DEFINITION, SIGNAL_EVENT_DEFINITION]);

/**
 * bpmn-engine `extensions` entry: a non-interrupting message or signal boundary event catches
 * every message or signal while its activity runs, as in Camunda 7, where the subscription lasts
 * until the activity ends. bpmn-elements runs such a boundary event once: it completes, takes its
 * outbound flows and is not run again until its activity starts again (BoundaryEventBehaviour,
 * bpmn-elements 17.3; only a repeating timer queues a restart). When it completes and its activity
 * still runs, it is queued to run again with the same activity content, as a repeating timer is.
 */
export function rearmNonInterruptingBoundaries(element: ExtendedElement): { activate(m: RunMessage): void; deactivate(): void } | undefined {
  const boundary = element as BoundaryActivity;
  if (element.type !== BOUNDARY_EVENT || element.behaviour.cancelActivity !== false) return undefined;
  if (!boundary.eventDefinitions?.some((d) => d.type !== undefined && REARMED.has(d.type))) return undefined;
  const consumerTag = `_procflow-rearm-${element.id}`;
  let attached: unknown;
  let completed = false;
  return {
    activate(message) {
      attached = message.content.inbound?.[0];
      completed = false;
      boundary.broker.cancel(consumerTag);
      boundary.broker.subscribeTmp('event', 'activity.end', () => (completed = true), { noAck: true, consumerTag });
    },
    deactivate() {
      boundary.broker.cancel(consumerTag);
      if (!completed || attached === undefined || !boundary.attachedTo?.isRunning) return;
      completed = false;
      boundary.broker.getQueue('inbound-q').queueMessage({ routingKey: 'activity.restart' }, structuredClone(attached));
    },
  };
}
