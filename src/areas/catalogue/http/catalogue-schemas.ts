// Request and answer schemas of /api/products, /api/customers and /api/sync-runs
// (docs/catalogue-crm.md); the answers' types are part of the API contract (src/contract).
import { z } from 'zod';
import { pageQuery } from '../../../http/schemas';

export const searchQuery = pageQuery.extend({ q: z.string().trim().max(200).optional() });

export const syncRunQuery = pageQuery.extend({ kind: z.enum(['products', 'customers']).optional() });

export const productSchema = z.object({
  code: z.string(),
  sourceId: z.string(),
  description: z.string(),
  family: z.string(),
  packaging: z.string(),
  price: z.number(),
  minQuantity: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  syncedAt: z.string(),
});

export const customerSchema = z.object({
  account: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  fidelityPoints: z.number().int(),
  payment: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  syncedAt: z.string(),
});

export const syncRunSchema = z.object({
  id: z.string(),
  kind: z.enum(['products', 'customers']),
  processInstanceId: z.string().nullable(),
  status: z.enum(['succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  fetched: z.number().int(),
  added: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  error: z.string().nullable(),
  sourceUrl: z.string().nullable(),
});
