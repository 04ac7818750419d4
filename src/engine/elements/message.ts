// Messages: the message a catch event or a receive task waits for, by its element id and name.
import type { ModdleElement } from 'bpmn-moddle';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { eventDefinition, str } from './moddle-element';

export const MESSAGE_EVENT_DEFINITION = 'bpmn:MessageEventDefinition';
export const RECEIVE_TASK = 'bpmn:ReceiveTask';

export const readMessage: ElementReader = (el, meta) => {
  const messageRef = (eventDefinition(el, MESSAGE_EVENT_DEFINITION)?.messageRef ?? (el.$type === RECEIVE_TASK ? el.messageRef : undefined)) as
    ModdleElement | undefined;
  if (messageRef?.id) meta.message = { id: messageRef.id, name: str(messageRef.name) ?? messageRef.id };
};

export function waitsForMessage(meta: ActivityMeta | undefined, messageId: string): boolean {
  return meta?.message?.id === messageId;
}
