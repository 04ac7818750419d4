// The service-task topics of processes/order-fulfilment.bpmn. The instance's business key is the
// order id. Every handler may run again after a recover and must not repeat its side effect:
// the quote is one per order, a notification one per run of its task (instance + activity + execution).
import type { ServiceCall, ServiceRegistry } from '../../engine/service-registry';
import type { OrderRecord, OrderStore } from './order-store';
import { composeNotification, type NotificationKind, type OrderNotifier } from './order-notifications';
import type { OrderQuotes } from './order-quotes';

export const ORDER_TOPICS = {
  generateQuote: 'order.generate-quote',
  notify: (kind: NotificationKind) => `order.notify.${kind}`,
};

async function orderOf(orders: OrderStore, call: ServiceCall): Promise<OrderRecord> {
  const view = call.businessKey ? await orders.find({ id: call.businessKey }) : undefined;
  if (!view) {
    throw new Error(`instance <${call.processInstanceId}> has no order (business key <${call.businessKey ?? ''}>): orders are placed with POST /api/orders`);
  }
  return view.order;
}

export function registerOrderHandlers(services: ServiceRegistry, deps: { orders: OrderStore; quotes: OrderQuotes; notifier: OrderNotifier }): void {
  const { orders, quotes, notifier } = deps;

  services.register(ORDER_TOPICS.generateQuote, async (call) => {
    const order = await orderOf(orders, call);
    const quote = await quotes.ensure(order, call.processInstanceId);
    return { quoteNumber: quote.number, cost: (quote.totalCents ?? 0) / 100 };
  });

  for (const kind of ['order-rejected', 'quote-rejected', 'service-done'] as const) {
    services.register(ORDER_TOPICS.notify(kind), async (call) => {
      const order = await orderOf(orders, call);
      await notifier.notify(order, call, composeNotification(kind, order, call.variables));
    });
  }

  services.register(ORDER_TOPICS.notify('quote'), async (call) => {
    const order = await orderOf(orders, call);
    const quote = await orders.quoteOf(order.id);
    const sent = await notifier.notify(order, call, composeNotification('quote', order, call.variables, quote));
    await orders.markQuoteSent(order.id, sent.sentAt ?? sent.createdAt);
  });

  // The timers on "Evaluate quote": a reminder while the client may still answer, then the expiry.
  services.register(ORDER_TOPICS.notify('quote-reminder'), async (call) => {
    const order = await orderOf(orders, call);
    const quote = await orders.quoteOf(order.id);
    await notifier.notify(order, call, composeNotification('quote-reminder', order, call.variables, quote));
  });

  services.register(ORDER_TOPICS.notify('quote-expired'), async (call) => {
    const order = await orderOf(orders, call);
    const quote = await orders.quoteOf(order.id);
    await notifier.notify(order, call, composeNotification('quote-expired', order, call.variables, quote));
    // The client pool then sends the supplier the answer a refusal sends: accepted = false takes the
    // supplier's "no" branch; quoteExpired tells the order's status it expired rather than was refused.
    return { quoteExpired: true, accepted: false };
  });
}
