// The request and answer schemas: they validate requests and generate /openapi.json.
import { z } from 'zod';

export const variablesSchema = z.record(z.string(), z.unknown());

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const startBody = z.object({
  variables: variablesSchema.optional(),
  businessKey: z.string().min(1).max(255).nullable().optional(),
});

export const completeBody = z.object({ variables: variablesSchema.default({}) });

export const messageBody = z
  .object({
    messageName: z.string().min(1),
    processInstanceId: z.string().min(1).optional(),
    businessKey: z.string().min(1).optional(),
    correlationKeys: z.record(z.string(), z.unknown()).optional(),
    variables: variablesSchema.optional(),
  })
  .strict();

export const signalBody = z.object({ signalName: z.string().min(1), variables: variablesSchema.optional() }).strict();

export const userBody = z.object({ name: z.string().min(1).max(255), groups: z.array(z.string().min(1).max(255)).default([]) }).strict();

export const instanceQuery = pageQuery.extend({
  definitionKey: z.string().optional(),
  state: z.enum(['running', 'completed', 'failed', 'cancelled']).optional(),
  businessKey: z.string().optional(),
});

export const taskQuery = pageQuery.extend({
  state: z.enum(['open', 'completed', 'cancelled']).optional(),
  candidateGroup: z.string().optional(),
  assignee: z.string().optional(),
  processInstanceId: z.string().optional(),
  definitionKey: z.string().optional(),
});

export const externalTaskQuery = pageQuery.extend({ topic: z.string().optional(), processInstanceId: z.string().optional() });

export const incidentQuery = pageQuery.extend({ state: z.enum(['open', 'resolved']).optional(), processInstanceId: z.string().optional() });

const waitingAt = z.object({ activityId: z.string(), activityName: z.string().nullable(), type: z.string() });

export const processInstanceSchema = z.object({
  id: z.string(),
  definitionId: z.string(),
  definitionKey: z.string(),
  definitionVersion: z.number().int(),
  businessKey: z.string().nullable(),
  state: z.enum(['running', 'completed', 'failed', 'cancelled']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  variables: variablesSchema,
  waitingAt: z.array(waitingAt),
  incidents: z.number().int(),
});

export const processDefinitionSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string().nullable(),
  version: z.number().int(),
  deploymentId: z.string(),
  deployedAt: z.string(),
  executable: z.boolean(),
  startable: z.boolean(),
  userTasks: z.array(z.object({ id: z.string(), name: z.string() })),
  messages: z.array(z.string()),
  timers: z.array(z.object({ activityId: z.string(), kind: z.string(), value: z.string() })),
});

const formField = z.object({
  id: z.string(),
  label: z.string(),
  type: z.enum(['string', 'long', 'boolean', 'date', 'enum']),
  required: z.boolean(),
  values: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});

export const taskSchema = z.object({
  id: z.string(),
  processInstanceId: z.string(),
  definitionKey: z.string(),
  activityId: z.string(),
  name: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  assignee: z.string().nullable(),
  state: z.enum(['open', 'completed', 'cancelled']),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  form: z.object({ fields: z.array(formField) }),
  variables: variablesSchema,
});

export const incidentSchema = z.object({
  id: z.string(),
  processInstanceId: z.string(),
  activityId: z.string().nullable(),
  message: z.string(),
  createdAt: z.string(),
  retries: z.number().int(),
  state: z.enum(['open', 'resolved']),
});

export const userSchema = z.object({ id: z.string(), name: z.string(), groups: z.array(z.string()) });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  errors: z
    .array(
      z.object({
        pointer: z.string().optional(),
        elementId: z.string().optional(),
        message: z.string(),
        line: z.number().optional(),
        column: z.number().optional(),
      }),
    )
    .optional(),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

export const clockBody = z
  .object({ speed: z.number().positive().max(100000).optional(), now: z.iso.datetime({ offset: true }).optional() })
  .strict()
  .refine((b) => b.speed !== undefined || b.now !== undefined, { message: 'give speed, now or both' });

export const scheduleBody = z
  .object({
    name: z.string().min(1).max(255).optional(),
    processKey: z.string().min(1),
    at: z.string().min(1).optional(),
    recurrence: z.string().min(1).max(255).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The answer of a route that starts a process and returns at once (202). */
export const startedSchema = z.object({ processInstanceId: z.string() });
