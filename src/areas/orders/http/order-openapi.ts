// The orders area's routes in the OpenAPI description.
import { z } from 'zod';
import { named, tagged, type OpenApiPaths } from '../../../http/openapi';
import * as s from '../../../http/schemas';
import * as o from './order-schemas';

named('Order', o.orderSchema);
named('PlacedOrder', o.placedOrderSchema);
named('QuoteDocument', o.quoteDocumentSchema);
named('OrderNotification', o.notificationSchema);
named('LegacyMessage', o.legacyMessageSchema);

export const orderPaths: OpenApiPaths = tagged('Orders', {
  '/api/orders': {
    get: {
      id: 'listOrders',
      summary: 'Orders the caller may see (a client: its own), newest first',
      query: o.orderQuery,
      ok: [200, s.listOf(o.orderSchema)],
    },
    post: { id: 'placeOrder', summary: 'Place an order: starts the order process', body: o.placeOrderBody, ok: [201, o.placedOrderSchema], errors: [400] },
  },
  '/api/orders/{id}': { get: { id: 'getOrder', summary: 'An order with its status, quote and history', ok: [200, o.orderSchema], errors: [404] } },
  '/api/orders/{id}/quote': {
    get: {
      id: 'getOrderQuote',
      summary: 'The quote: text/plain, or application/pdf or JSON on Accept',
      ok: [200, o.quoteDocumentSchema],
      media: { 'text/plain': z.string(), 'application/pdf': 'binary' },
      errors: [404],
    },
  },
  '/api/orders/{id}/notifications': {
    get: {
      id: 'listOrderNotifications',
      summary: 'What the client was told (mailed, or recorded without SMTP)',
      ok: [200, s.listOf(o.notificationSchema)],
      errors: [404],
    },
  },
  '/place_order': {
    post: {
      id: 'legacyPlaceOrder',
      summary: 'Prototype route: place an order {name, email}',
      body: o.legacyPlaceOrderBody,
      ok: [200, o.legacyMessageSchema],
      errors: [400],
    },
  },
  '/check_order/{id}': {
    get: { id: 'legacyCheckOrder', summary: 'Prototype route: the order by number, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] },
  },
  '/check_quote/{id}': {
    get: { id: 'legacyCheckQuote', summary: 'Prototype route: the quote, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] },
  },
  '/check_realization/{id}': {
    get: { id: 'legacyCheckRealization', summary: 'Prototype route: the service, as a French message', ok: [200, o.legacyMessageSchema], errors: [404] },
  },
});
