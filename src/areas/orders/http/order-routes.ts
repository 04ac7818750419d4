// /api/orders: place an order (starts the order process), list and read orders with their
// status, and the quote document as text, PDF or JSON.
import { Router } from 'express';
import type { OrderService } from '../order-service';
import { currentUser } from '../../../http/auth';
import type { HttpContext } from '../../../http/context';
import { orderQuery, placeOrderBody } from './order-schemas';
import { notificationView, orderView, quoteDocumentView } from './order-views';
import { parseWith } from '../../../http/validation';

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
        res.json(quoteDocumentView(quote));
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
    res.json({ items: items.map(notificationView), total: items.length });
  });

  return r;
}
