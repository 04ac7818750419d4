// Request and answer schemas of the operators' repair routes — variables, triggers, retries with
// a number of attempts, bulk retries — and of the job list (kept apart from schemas.ts).
import { z } from 'zod';
import { pageQuery, processInstanceSchema, variablesSchema } from './schemas';

/** `PUT /api/process-instances/{id}/variables/{name}`: the new value, any JSON. */
export const variableBody = z
  .object({ value: z.unknown() })
  .strict()
  .refine((b) => 'value' in b, { message: 'value is required', path: ['value'] });

export const triggerBody = z.object({ variables: variablesSchema.optional() }).strict();

export const retryBody = z.object({ retries: z.number().int().min(1).max(100).optional() }).strict();

export const bulkRetryBody = z
  .object({ ids: z.array(z.string().min(1).max(64)).min(1).max(100), retries: z.number().int().min(1).max(100).optional() })
  .strict();

export const retriedSchema = z.object({ processInstance: processInstanceSchema });

export const bulkRetryResultSchema = z.object({
  id: z.string(),
  status: z.enum(['retried', 'failed']),
  processInstance: processInstanceSchema.optional(),
  /** When it failed: the problem's code and HTTP status, as the single retry would answer. */
  code: z.string().optional(),
  httpStatus: z.number().int().optional(),
  detail: z.string().optional(),
});

export const bulkRetrySchema = z.object({ results: z.array(bulkRetryResultSchema) });

export const jobQuery = pageQuery.extend({
  processInstanceId: z.string().min(1).optional(),
  definitionKey: z.string().min(1).optional(),
  kind: z.enum(['timer', 'service-retry', 'start', 'signal']).optional(),
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(['timer', 'service-retry', 'start', 'signal']),
  dueAt: z.string(),
  processInstanceId: z.string().nullable(),
  definitionKey: z.string().nullable(),
  businessKey: z.string().nullable(),
  activityId: z.string().nullable(),
  activityName: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
