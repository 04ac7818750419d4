// Order records → the API's shapes (src/contract): an order with its status, quote and history,
// the quote document as JSON, and what the client was told.
import type { Order, OrderNotification, QuoteDocument } from '../../../contract';
import { historyView } from '../../../http/views';
import type { OrderDetails } from '../order-service';
import type { NotificationRecord, QuoteRecord } from '../order-store';

export function orderView(d: OrderDetails): Order {
  const { order, quote } = d;
  const cost = quote?.totalCents === null || quote?.totalCents === undefined ? undefined : quote.totalCents / 100;
  return {
    id: order.id,
    number: order.number,
    customerName: order.customerName,
    email: order.email,
    clientUser: order.clientUser,
    items: order.items,
    status: d.status,
    processInstanceId: order.processInstanceId,
    createdAt: order.createdAt,
    ...(quote?.number && cost !== undefined
      ? { cost, quote: { number: quote.number, cost, currency: quote.currency ?? 'EUR', createdAt: quote.createdAt, sentAt: quote.sentAt } }
      : {}),
    history: d.history.map(historyView),
  };
}

export function quoteDocumentView(quote: QuoteRecord): QuoteDocument {
  return {
    number: quote.number,
    orderId: quote.orderId,
    cost: (quote.totalCents ?? 0) / 100,
    currency: quote.currency,
    lines: quote.lines.map((l) => ({ ...l, unitPrice: l.unitPriceCents / 100, amount: l.amountCents / 100 })),
    createdAt: quote.createdAt,
    sentAt: quote.sentAt,
    text: quote.text,
  };
}

export function notificationView(n: NotificationRecord): OrderNotification {
  return {
    id: String(n.id),
    kind: n.kind,
    recipient: n.recipient,
    subject: n.subject,
    body: n.body,
    state: n.state,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
    activityId: n.activityId,
  };
}
