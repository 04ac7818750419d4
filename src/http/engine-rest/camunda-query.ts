// Query parameters shared by Camunda's list resources: paging (`firstResult`, `maxResults`),
// booleans as `true`/`false`, and comma-separated id lists.
import { z } from 'zod';

/** Camunda sets no default page size; procflow answers at most 500 items a request. */
export const MAX_RESULTS = 500;

export const paging = {
  firstResult: z.coerce.number().int().min(0).default(0),
  maxResults: z.coerce.number().int().min(0).max(MAX_RESULTS).default(MAX_RESULTS),
};

export const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const idList = z
  .string()
  .transform((v) => v.split(',').filter(Boolean))
  .optional();

/** The page of a list filtered in memory. */
export function pageOf<T>(items: T[], q: { firstResult: number; maxResults: number }): T[] {
  return items.slice(q.firstResult, q.firstResult + q.maxResults);
}
