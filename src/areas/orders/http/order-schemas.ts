// Request and answer schemas of the orders API and of the prototype's routes (docs/orders.md).
import { z } from 'zod';
import { ORDER_STATUSES } from '../order-status';
import { historyEntrySchema, pageQuery } from '../../../http/schemas';

export const orderItemSchema = z
  .object({
    description: z.string().trim().min(1).max(500),
    quantity: z.number().int().min(1).max(1_000_000),
    productCode: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

export const placeOrderBody = z
  .object({
    customerName: z.string().trim().min(1).max(255),
    email: z.email().max(320),
    items: z.array(orderItemSchema).min(1).max(500),
    /** Staff only: the client user the order is for. */
    clientUser: z.string().min(1).max(255).optional(),
  })
  .strict();

/** The prototype's body; like FastAPI it ignores fields it does not know. */
export const legacyPlaceOrderBody = z.object({
  name: z.string().trim().min(1).max(255),
  email: z.email().max(320),
  items: z.array(orderItemSchema).min(1).max(500).optional(),
});

export const orderQuery = pageQuery;

const quoteSummarySchema = z.object({
  number: z.string(),
  cost: z.number(),
  currency: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const orderSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  customerName: z.string(),
  email: z.string(),
  clientUser: z.string().nullable(),
  items: z.array(orderItemSchema),
  status: z.enum(ORDER_STATUSES),
  processInstanceId: z.string().nullable(),
  createdAt: z.string(),
  cost: z.number().optional(),
  quote: quoteSummarySchema.optional(),
  history: z.array(historyEntrySchema),
});

export const placedOrderSchema = z.object({
  orderId: z.string(),
  orderNumber: z.number().int(),
  processInstanceId: z.string(),
  status: z.enum(ORDER_STATUSES),
});

/** GET /api/orders/{id}/quote as application/json. */
export const quoteDocumentSchema = z.object({
  number: z.string().nullable(),
  orderId: z.string(),
  cost: z.number(),
  currency: z.string().nullable(),
  lines: z.array(
    z.object({
      description: z.string(),
      productCode: z.string().optional(),
      quantity: z.number().int(),
      unitPriceCents: z.number().int(),
      amountCents: z.number().int(),
      priceSource: z.enum(['catalogue', 'rule']),
      unitPrice: z.number(),
      amount: z.number(),
    }),
  ),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  text: z.string().nullable(),
});

/** What the client was told about an order (GET /api/orders/{id}/notifications). */
export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  recipient: z.string(),
  subject: z.string(),
  body: z.string(),
  state: z.enum(['pending', 'sent', 'recorded']),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  activityId: z.string(),
});

export const legacyMessageSchema = z.object({ message: z.string(), order_id: z.number().int().optional() });
