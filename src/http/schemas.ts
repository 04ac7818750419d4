// The request and answer schemas: they validate requests and generate /openapi.json.
import { z } from 'zod';
import { timeProblem } from './input-limits';

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

const queryTime = z
  .string()
  .refine((v) => !timeProblem(v), { message: 'expected an ISO 8601 time in the years 1970 to 9999' })
  .transform((v) => new Date(v).toISOString());

export const instanceQuery = pageQuery.extend({
  definitionKey: z.string().optional(),
  state: z.enum(['running', 'completed', 'failed', 'cancelled']).optional(),
  /** The exact business key. */
  businessKey: z.string().optional(),
  /** Business keys that contain this text, case-insensitive. */
  businessKeyLike: z.string().min(1).max(255).optional(),
  /** Instances started at or after this ISO 8601 time. */
  startedAfter: queryTime.optional(),
  /** Instances started before this ISO 8601 time. */
  startedBefore: queryTime.optional(),
  /** Instances ended at or after / before these ISO 8601 times. */
  endedAfter: queryTime.optional(),
  endedBefore: queryTime.optional(),
  /** Instances a call activity of this instance started. */
  parentInstanceId: z.string().min(1).max(64).optional(),
  /** With `variableValue`: instances whose variable of this name holds that value. */
  variableName: z.string().min(1).max(255).optional(),
  /** The value as JSON (`250`, `true`, `null`, `"250"`); text that is no JSON is a string (`ACME`). */
  variableValue: z.string().max(4000).optional(),
});

export const taskQuery = pageQuery.extend({
  state: z.enum(['open', 'completed', 'cancelled']).optional(),
  candidateGroup: z.string().optional(),
  assignee: z.string().optional(),
  processInstanceId: z.string().optional(),
  definitionKey: z.string().optional(),
  businessKey: z.string().optional(),
  /** A user name, or `me` for the caller: "my completed tasks" with state=completed. */
  completedBy: z.string().optional(),
  /** Task names that contain this text, case-insensitive. */
  name: z.string().min(1).max(255).optional(),
  /** Tasks due before this ISO 8601 time (tasks without a due date are left out). */
  dueBefore: queryTime.optional(),
  /** Tasks naming this user (or `me`) as a candidate user. */
  candidateUser: z.string().optional(),
  /** Narrows to tasks assigned to the caller, with one of the caller's groups, or naming the caller as a candidate. */
  involvement: z.enum(['assigned', 'groups', 'candidate']).optional(),
  /** `created` is `createdAt`; `due` and `priority` sort by due date and priority. */
  sort: z.enum(['createdAt', 'created', 'completedAt', 'name', 'businessKey', 'due', 'followUp', 'priority']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

/** GET /api/process-definitions: `true` lists every version, not only the latest per key. */
export const definitionListQuery = z.object({ allVersions: z.enum(['true', 'false']).optional() });

/** GET /api/process-definitions/{key}/xml: an older version than the latest. */
export const definitionXmlQuery = z.object({ version: z.coerce.number().int().positive().optional() });

/** POST /api/users/{id}/tokens: `true` revokes the user's other tokens. */
export const issueTokenQuery = z.object({ rotate: z.enum(['true', 'false']).optional() });

export const assignBody = z.object({ assignee: z.string().min(1).max(255) }).strict();

/** POST /api/tasks/{id}/assignee: a user name, or null to give the task back to its candidates. */
export const assigneeBody = z.object({ assignee: z.string().min(1).max(255).nullable() }).strict();

const taskTime = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !timeProblem(v), { message: 'expected an ISO 8601 date-time in the years 1970 to 9999' })
  .transform((v) => new Date(v).toISOString());

/** PATCH /api/tasks/{id}: what changes; null clears a date. */
export const taskChangeBody = z
  .object({
    priority: z
      .number()
      .int()
      .min(-(2 ** 31 - 1))
      .max(2 ** 31 - 1)
      .optional(),
    dueAt: taskTime.nullable().optional(),
    followUpAt: taskTime.nullable().optional(),
  })
  .strict()
  .refine((b) => b.priority !== undefined || b.dueAt !== undefined || b.followUpAt !== undefined, {
    message: 'expected at least one of priority, dueAt, followUpAt',
  });

export const commentBody = z.object({ message: z.string().trim().min(1).max(2000) }).strict();

export const commentQuery = pageQuery;

export const taskCommentSchema = z.object({ id: z.string(), taskId: z.string(), author: z.string(), message: z.string(), createdAt: z.string() });

export const externalTaskQuery = pageQuery.extend({ topic: z.string().optional(), processInstanceId: z.string().optional() });

export const incidentQuery = pageQuery.extend({ state: z.enum(['open', 'resolved']).optional(), processInstanceId: z.string().optional() });

const waitingAt = z.object({
  activityId: z.string(),
  activityName: z.string().nullable(),
  type: z.string(),
  /** At a user task: the task's id, so a client completes it without listing tasks first. */
  taskId: z.string().optional(),
  /** The local variables visible there: the camunda:inputOutput inputs of the activity and of the sub-processes around it (not process variables). */
  variables: variablesSchema.optional(),
});

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
  /** The instance whose call activity started this one (null: started on its own). */
  parentInstanceId: z.string().nullable(),
  /** The call activity of the parent instance that waits for this one (null: started on its own). */
  parentActivityId: z.string().nullable(),
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
  defaultValue: z.unknown().optional(),
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
  /** The instance's business key; for the order process it is the order id (GET /api/orders/{businessKey}). */
  businessKey: z.string().nullable(),
  /** Users named as candidates besides the candidate groups. */
  candidateUsers: z.array(z.string()),
  dueAt: z.string().nullable(),
  followUpAt: z.string().nullable(),
  priority: z.number().int(),
});

export const incidentSchema = z.object({
  id: z.string(),
  processInstanceId: z.string(),
  activityId: z.string().nullable(),
  kind: z.string(),
  message: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  retries: z.number().int(),
  state: z.enum(['open', 'resolved']),
});

/** One entry of an instance's activity history (and of an order's). */
export const historyEntrySchema = z.object({
  at: z.string(),
  activityId: z.string().nullable(),
  activityName: z.string().nullable(),
  type: z.string().nullable(),
  event: z.string(),
  by: z.string().optional(),
  /** An operator's change: e.g. `{name, oldValue?, newValue}` of a variable set. */
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A deploy warning; those of the support-table lint carry a stable code and the attribute (or element type). */
export const deployWarningSchema = z.object({
  code: z.string().optional(),
  elementId: z.string().optional(),
  elementName: z.string().optional(),
  attribute: z.string().optional(),
  message: z.string(),
});

export const deploymentSchema = z.object({
  id: z.string(),
  name: z.string(),
  deployedAt: z.string(),
  definitions: z.array(processDefinitionSchema),
  /** What the file holds that procflow reads leniently or does not execute (a new deployment only). */
  warnings: z.array(deployWarningSchema).optional(),
});

export const taskCompletedSchema = z.object({ task: taskSchema, processInstance: processInstanceSchema });

export const externalTaskSchema = z.object({
  id: z.string(),
  processInstanceId: z.string(),
  definitionKey: z.string(),
  activityId: z.string(),
  topic: z.string(),
  createdAt: z.string(),
  priority: z.number().int(),
  workerId: z.string().nullable(),
  lockExpiresAt: z.string().nullable(),
});

export const externalTaskCompleteBody = completeBody.extend({ workerId: z.string().min(1).max(255).optional() });

/** A worker's BPMN error: the errorCode a boundary error event or error event sub-process matches on. */
export const externalTaskBpmnErrorBody = z.object({
  workerId: z.string().min(1).max(255),
  errorCode: z.string().min(1).max(255),
  errorMessage: z.string().max(4000).optional(),
  variables: variablesSchema.default({}),
});

export const externalTaskLockBody = z.object({
  workerId: z.string().min(1).max(255),
  topic: z.string().min(1),
  maxTasks: z.number().int().min(1).max(100).default(1),
  /** At most a week. */
  lockDurationMs: z.number().int().min(1).max(604_800_000),
  usePriority: z.boolean().default(true),
});

export const externalTaskCompletedSchema = z.object({ processInstance: processInstanceSchema });

export const userSchema = z.object({ id: z.string(), name: z.string(), groups: z.array(z.string()) });

/** A new user's answer: the only time its token is shown. */
export const createdUserSchema = userSchema.extend({ token: z.string() });

/** One of a user's tokens as listed: never the token itself. */
export const tokenInfoSchema = z.object({ id: z.string(), source: z.enum(['env', 'generated', 'api', 'cli']).nullable(), createdAt: z.string() });

/** A token just issued: the only time it is shown. */
export const issuedTokenSchema = z.object({ id: z.string(), token: z.string() });

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
/** The task list: its count stops at a bound (`totalCapped: true` — there are at least `total`). */
export const taskPageSchema = listOf(taskSchema).extend({ totalCapped: z.boolean().optional() });

export const clockBody = z
  .object({
    speed: z.number().positive().max(100000).optional(),
    now: z.iso
      .datetime({ offset: true })
      .refine((v) => !timeProblem(v), { message: 'expected a time in the years 1970 to 9999' })
      .optional(),
  })
  .strict()
  .refine((b) => b.speed !== undefined || b.now !== undefined, { message: 'give speed, now or both' });

export const scheduleBody = z
  .object({
    name: z.string().min(1).max(255).optional(),
    processKey: z.string().min(1),
    at: z
      .string()
      .min(1)
      .refine((v) => !timeProblem(v), { message: 'expected an ISO 8601 time in the years 1970 to 9999' })
      .optional(),
    recurrence: z.string().min(1).max(255).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** A deployment's answer: one deployment, or `{deployments}` when several files were sent. */
export const deploymentAnswerSchema = z.union([deploymentSchema, z.object({ deployments: z.array(deploymentSchema) })]);

/** POST /api/messages: the ids of the instances the message went to. */
export const correlatedSchema = z.object({ correlated: z.array(z.string()) });

/** POST /api/signals: how many instances the signal reached or started (signal start events). */
export const deliveredSchema = z.object({ delivered: z.number().int() });

/** POST /api/incidents/{id}/retry: the instance after the step ran again. */
export const incidentRetriedSchema = z.object({ processInstance: processInstanceSchema });

/** /health and /ready. */
export const statusSchema = z.object({ status: z.string() });

/** The answer of a route that starts a process and returns at once (202). */
export const startedSchema = z.object({ processInstanceId: z.string() });

export const clockSchema = z.object({ now: z.string(), speed: z.number() });

export const scheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  processKey: z.string(),
  nextRunAt: z.string().nullable(),
  recurrence: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  enabled: z.boolean(),
  runCount: z.number().int(),
  runsLeft: z.number().int().nullable(),
  source: z.enum(['api', 'model', 'config']),
  variables: variablesSchema,
});

// The cockpit's aggregates (/api/stats/…).
const durationSummary = z.object({ count: z.number().int(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), maxMs: z.number().nullable() });

export const definitionStatsSchema = z.object({
  definitionKey: z.string(),
  name: z.string().nullable(),
  latestVersion: z.number().int().nullable(),
  instances: z.object({
    running: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    total: z.number().int(),
  }),
  openIncidents: z.number().int(),
  oldestRunningStartedAt: z.string().nullable(),
  duration: durationSummary,
});

export const timelineBucketSchema = z.object({ at: z.string(), started: z.number().int(), completed: z.number().int() });

export const timelineSchema = z.object({
  bucket: z.enum(['hour', 'day']),
  since: z.string(),
  until: z.string(),
  items: z.array(timelineBucketSchema),
  total: z.number().int(),
});

export const taskStatsSchema = z.object({
  definitionKey: z.string(),
  activityId: z.string(),
  name: z.string().nullable(),
  open: z.number().int(),
  oldestOpenAt: z.string().nullable(),
  completed: z.number().int(),
  completion: durationSummary,
});

export const groupStatsSchema = z.object({ group: z.string(), open: z.number().int(), oldestOpenAt: z.string().nullable() });

export const taskStatsAnswerSchema = listOf(taskStatsSchema).extend({ groups: z.array(groupStatsSchema) });

export const waitingStatsSchema = z.object({
  definitionKey: z.string(),
  activityId: z.string(),
  activityName: z.string().nullable(),
  type: z.string().nullable(),
  count: z.number().int(),
  oldestSince: z.string().nullable(),
});
