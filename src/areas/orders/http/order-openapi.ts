// The orders area's routes in the OpenAPI description.
import type { OpenApiPaths } from '../../../http/openapi';
import * as s from '../../../http/schemas';
import * as o from './order-schemas';

export const orderPaths: OpenApiPaths = {
  '/api/orders': {
    get: { summary: 'Orders the caller may see (a client: its own), newest first', query: o.orderQuery, ok: [200, s.listOf(o.orderSchema)] },
    post: { summary: 'Place an order: starts the order process', body: o.placeOrderBody, ok: [201, o.placedOrderSchema], errors: [400] },
  },
  '/api/orders/{id}': { get: { summary: 'An order with its status, quote and history', ok: [200, o.orderSchema], errors: [404] } },
  '/api/orders/{id}/quote': { get: { summary: 'The quote: text/plain, or application/pdf or JSON on Accept', ok: [200, null], errors: [404] } },
  '/api/orders/{id}/notifications': { get: { summary: 'What the client was told (mailed, or recorded without SMTP)', ok: [200, null], errors: [404] } },
  '/place_order': {
    post: { summary: 'Prototype route: place an order {name, email}', body: o.legacyPlaceOrderBody, ok: [200, o.legacyMessageSchema], errors: [400] },
  },
  '/check_order/{id}': { get: { summary: 'Prototype route: the order by number, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] } },
  '/check_quote/{id}': { get: { summary: 'Prototype route: the quote, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] } },
  '/check_realization/{id}': { get: { summary: 'Prototype route: the service, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] } },
};
