// An order's status, read from its process instance (processes/order-fulfilment.bpmn): the
// decisions taken so far (form variables) say how it ended or how far it got, and where the
// instance waits says which step is open. Never stored, so it cannot disagree with the instance.
import type { OrderInstanceState } from './order-store';

export const ORDER_STATUSES = [
  'awaiting_validation',
  'rejected',
  'quote_pending',
  'quote_rejected_by_supplier',
  'quote_sent',
  'quote_refused',
  'quote_expired',
  'in_progress',
  'service_done',
  'service_disputed',
  'completed',
  'cancelled',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The process key of the client pool, the one an order starts. */
export const ORDER_PROCESS_KEY = 'orderFulfilment';

/** Activity ids of the diagram the status depends on. */
export const ORDER_ACTIVITIES = {
  evaluateQuote: 'Task_EvaluateQuote',
  confirmService: 'Task_ConfirmService',
  /** The expiry timer fired: the client is being told, then the supplier. */
  notifyQuoteExpired: 'Task_NotifyQuoteExpired',
} as const;

export function deriveOrderStatus(instance: OrderInstanceState | null): OrderStatus {
  if (!instance) return 'awaiting_validation';
  if (instance.state === 'cancelled') return 'cancelled';
  const v = instance.variables;
  // The decisions that end an order, in the order they are taken.
  if (v.approved === false) return 'rejected';
  if (v.quoteApproved === false) return 'quote_rejected_by_supplier';
  const waits = new Set(instance.waitingAt.map((w) => w.activityId));
  // An expired quote also sets accepted = false (so the supplier ends as for a refusal): test it first.
  if (v.quoteExpired === true || waits.has(ORDER_ACTIVITIES.notifyQuoteExpired)) return 'quote_expired';
  if (v.accepted === false) return 'quote_refused';
  if (instance.state === 'completed') return 'completed';
  if (waits.has(ORDER_ACTIVITIES.confirmService)) return 'service_done';
  if (v.accepted === true) return v.satisfied === false ? 'service_disputed' : 'in_progress';
  if (waits.has(ORDER_ACTIVITIES.evaluateQuote)) return 'quote_sent';
  if (v.approved === true) return 'quote_pending';
  return 'awaiting_validation';
}
