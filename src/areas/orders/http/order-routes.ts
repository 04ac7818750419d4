// /api/orders: place an order (starts the order process), list and read orders with their
// status, and the quote document as text, PDF or JSON.
import { Router } from 'express';
import type { OrderDetails, OrderService } from '../order-service';
import { currentUser } from '../../../http/auth';
import type { HttpContext } from '../../../http/context';
import { orderQuery, placeOrderBody } from './order-schemas';
import { parseWith } from '../../../http/validation';

export function orderView(d: OrderDetails) {
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
    history: d.history.map((h) => ({
      at: h.at,
      activityId: h.activityId,
      activityName: h.activityName,
      type: h.type,
      event: h.event,
      ...(h.by ? { by: h.by } : {}),
    })),
  };
}

export function orderRoutes(_ctx: HttpContext, orders: OrderService): Router {
  const r = Router();

  r.post('/orders', async (req, res) => {
    const user = currentUser(res);
    const body = parseWith(placeOrderBody, req.body ?? {});
    const placed = await orders.place(body, user);
    res
      .status(201)
      .location(`/api/orders/${placed.order.id}`)
      .json({ orderId: placed.order.id, orderNumber: placed.order.number, processInstanceId: placed.order.processInstanceId, status: placed.status });
  });

  r.get('/orders', async (req, res) => {
    const q = parseWith(orderQuery, req.query, 'query');
    const page = await orders.list(currentUser(res), { limit: q.limit, offset: q.offset });
    res.json({ items: page.items.map(orderView), total: page.total });
  });

  r.get('/orders/:id', async (req, res) => {
    res.json(orderView(await orders.get({ id: String(req.params.id) }, currentUser(res))));
  });

  r.get('/orders/:id/quote', async (req, res) => {
    const quote = await orders.quote(String(req.params.id), currentUser(res));
    const name = `devis-${quote.number ?? ''}`;
    switch (req.accepts(['text/plain', 'application/pdf', 'application/json'])) {
      case 'application/pdf':
        res
          .type('application/pdf')
          .set('Content-Disposition', `inline; filename="${name}.pdf"`)
          .send(quote.pdf ?? Buffer.alloc(0));
        return;
      case 'application/json':
        res.json({
          number: quote.number,
          orderId: quote.orderId,
          cost: (quote.totalCents ?? 0) / 100,
          currency: quote.currency,
          lines: quote.lines.map((l) => ({ ...l, unitPrice: l.unitPriceCents / 100, amount: l.amountCents / 100 })),
          createdAt: quote.createdAt,
          sentAt: quote.sentAt,
          text: quote.text,
        });
        return;
      default:
        res
          .type('text/plain; charset=utf-8')
          .set('Content-Disposition', `inline; filename="${name}.txt"`)
          .send(quote.text ?? '');
    }
  });

  r.get('/orders/:id/notifications', async (req, res) => {
    const items = await orders.notifications(String(req.params.id), currentUser(res));
    res.json({
      items: items.map((n) => ({
        id: String(n.id),
        kind: n.kind,
        recipient: n.recipient,
        subject: n.subject,
        body: n.body,
        state: n.state,
        createdAt: n.createdAt,
        sentAt: n.sentAt,
        activityId: n.activityId,
      })),
      total: items.length,
    });
  });

  return r;
}
