// The OpenAPI 3.1 description, generated from the same zod schemas that validate requests.
import { z } from 'zod';
import * as s from './schemas';
import * as repair from './repair-schemas';
import * as stats from './stats-schemas';

/** One operation of the description; a business area describes its own routes this way. */
export type Op = {
  summary: string;
  /** The operationId: stable and unique; derived from method and path when absent (`derivedOperationId`). */
  id?: string;
  /** The resource it belongs to; derived from the path when absent. */
  tag?: string;
  body?: z.ZodType;
  xml?: boolean;
  query?: z.ZodObject;
  /** The success answer: its code and its JSON schema (null only for an answer without a body, or with `media`). */
  ok: [number, z.ZodType | null];
  /** The success answer in other media types than JSON (XML, PDF, CSV, text): type → schema, or 'binary'. */
  media?: Record<string, z.ZodType | 'binary'>;
  /** Further success answers: code → JSON schema (e.g. 200 for a deployment sent again). */
  alsoOk?: Record<number, z.ZodType>;
  errors?: number[];
  open?: boolean;
};

export type OpenApiPaths = Record<string, Record<string, Op>>;

const ops: OpenApiPaths = {
  '/api/deployments': {
    post: {
      id: 'deploy',
      summary: 'Deploy BPMN XML (raw body or multipart files); 200 when every file was deployed before',
      xml: true,
      ok: [201, s.deploymentAnswerSchema],
      alsoOk: { 200: s.deploymentAnswerSchema },
      errors: [400, 413, 415],
    },
  },
  '/api/process-definitions': {
    get: {
      id: 'listDefinitions',
      summary: 'Latest version per key (?allVersions=true for all)',
      query: s.definitionListQuery,
      ok: [200, s.listOf(s.processDefinitionSchema)],
    },
  },
  '/api/process-definitions/{key}': {
    get: { id: 'getDefinition', summary: 'A definition (latest version)', ok: [200, s.processDefinitionSchema], errors: [404] },
  },
  '/api/process-definitions/{key}/xml': {
    get: {
      id: 'getDefinitionXml',
      summary: 'The BPMN as deployed, with its diagram (?version= for an older one)',
      query: s.definitionXmlQuery,
      ok: [200, null],
      media: { 'application/xml': z.string() },
      errors: [400, 404],
    },
  },
  '/api/process-definitions/{key}/start': {
    post: { id: 'startInstance', summary: 'Start an instance', body: s.startBody, ok: [201, s.processInstanceSchema], errors: [400, 404, 409] },
  },
  '/api/process-instances': { get: { id: 'listInstances', summary: 'List instances', query: s.instanceQuery, ok: [200, s.listOf(s.processInstanceSchema)] } },
  '/api/process-instances/{id}': {
    get: { id: 'getInstance', summary: 'An instance', ok: [200, s.processInstanceSchema], errors: [404] },
    delete: { id: 'cancelInstance', summary: 'Cancel an instance', ok: [204, null], errors: [404, 409] },
  },
  '/api/process-instances/{id}/history': {
    get: { id: 'getInstanceHistory', summary: 'Activity history, oldest first', ok: [200, z.array(s.historyEntrySchema)], errors: [404] },
  },
  '/api/process-instances/{id}/variables/{name}': {
    put: {
      id: 'setInstanceVariable',
      summary: 'Set a variable of a running instance (admin)',
      body: repair.variableBody,
      ok: [200, s.processInstanceSchema],
      errors: [400, 404, 409],
    },
    delete: {
      id: 'deleteInstanceVariable',
      summary: 'Delete a variable of a running instance (admin)',
      ok: [200, s.processInstanceSchema],
      errors: [404, 409],
    },
  },
  '/api/process-instances/{id}/activities/{activityId}/trigger': {
    post: {
      id: 'triggerActivity',
      summary: 'Trigger an activity waiting with no message of its own (admin, ops)',
      body: repair.triggerBody,
      ok: [200, s.processInstanceSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks': { get: { id: 'listTasks', summary: 'Task list', query: s.taskQuery, ok: [200, s.taskPageSchema] } },
  '/api/tasks/{id}': {
    get: { id: 'getTask', summary: 'A task', ok: [200, s.taskSchema], errors: [404] },
    patch: {
      id: 'changeTask',
      summary: 'Change an open task’s priority, due and follow-up dates (its assignee, a candidate of an unclaimed task, or an admin)',
      body: s.taskChangeBody,
      ok: [200, s.taskSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks/{id}/assignee': {
    post: {
      id: 'setTaskAssignee',
      summary: 'Set the assignee (an admin, to anyone; who holds it, to another candidate) or clear it with null',
      body: s.assigneeBody,
      ok: [200, s.taskSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks/{id}/comments': {
    get: {
      id: 'listTaskComments',
      summary: 'A task’s comments, oldest first (whoever may see the task)',
      query: s.commentQuery,
      ok: [200, s.listOf(s.taskCommentSchema)],
      errors: [404],
    },
    post: {
      id: 'addTaskComment',
      summary: 'Comment on an open task (whoever may see it)',
      body: s.commentBody,
      ok: [201, s.taskCommentSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks/{id}/claim': { post: { id: 'claimTask', summary: 'Claim a task', ok: [200, s.taskSchema], errors: [404, 409] } },
  '/api/tasks/{id}/unclaim': {
    post: {
      id: 'unclaimTask',
      summary: 'Give a claimed task back to its candidate groups (its assignee or an admin)',
      ok: [200, s.taskSchema],
      errors: [404, 409],
    },
  },
  '/api/tasks/{id}/assign': {
    post: {
      id: 'assignTask',
      summary: 'Assign a task to a user (an admin; or who holds it, to another candidate)',
      body: s.assignBody,
      ok: [200, s.taskSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks/{id}/complete': {
    post: {
      id: 'completeTask',
      summary: 'Complete a task with form values',
      body: s.completeBody,
      ok: [200, s.taskCompletedSchema],
      errors: [400, 403, 404, 409],
    },
  },
  '/api/external-tasks': {
    get: {
      id: 'listExternalTasks',
      summary: 'Service tasks waiting for an external worker (group workers or admin), by topic',
      query: s.externalTaskQuery,
      ok: [200, s.listOf(s.externalTaskSchema)],
    },
  },
  '/api/external-tasks/fetch-and-lock': {
    post: {
      id: 'fetchAndLockExternalTasks',
      summary: 'Lock free external tasks of a topic for a worker until the lock duration has passed (service time)',
      body: s.externalTaskLockBody,
      ok: [200, s.listOf(s.externalTaskSchema)],
      errors: [400],
    },
  },
  '/api/external-tasks/{id}/complete': {
    post: {
      id: 'completeExternalTask',
      summary: 'Complete an external task; its variables become process variables (refused while another worker holds its lock)',
      body: s.externalTaskCompleteBody,
      ok: [200, s.externalTaskCompletedSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/external-tasks/{id}/bpmn-error': {
    post: {
      id: 'reportExternalTaskBpmnError',
      summary:
        'Report a BPMN error for an external task locked by the worker: its variables are set and the error is thrown at the task (nothing catching it ends the task, or 422 BPMN_ERROR_UNHANDLED with PROCFLOW_UNHANDLED_BPMN_ERROR=fail)',
      body: s.externalTaskBpmnErrorBody,
      ok: [200, s.externalTaskCompletedSchema],
      errors: [400, 404, 409, 422],
    },
  },
  '/api/messages': { post: { id: 'correlateMessage', summary: 'Correlate a message', body: s.messageBody, ok: [200, s.correlatedSchema], errors: [400, 404] } },
  '/api/signals': { post: { id: 'broadcastSignal', summary: 'Broadcast a signal', body: s.signalBody, ok: [200, s.deliveredSchema], errors: [400] } },
  '/api/incidents': { get: { id: 'listIncidents', summary: 'Incidents', query: s.incidentQuery, ok: [200, s.listOf(s.incidentSchema)] } },
  '/api/incidents/{id}/retry': {
    post: {
      id: 'retryIncident',
      summary: 'Run the failed step again; with retries, a failing task gets that many attempts',
      body: repair.retryBody,
      ok: [200, s.incidentRetriedSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/incidents/retry': {
    post: {
      id: 'retryIncidents',
      summary: 'Retry several incidents, each its own event; answered per id',
      body: repair.bulkRetryBody,
      ok: [200, repair.bulkRetrySchema],
      errors: [400],
    },
  },
  '/api/jobs': {
    get: {
      id: 'listJobs',
      summary: 'Waiting timers, retries and scheduled starts with due time (admin, ops)',
      query: repair.jobQuery,
      ok: [200, s.listOf(repair.jobSchema)],
      errors: [400],
    },
  },
  '/api/users': {
    get: { id: 'listUsers', summary: 'Users (admin)', ok: [200, s.listOf(s.userSchema)] },
    post: { id: 'createUser', summary: 'Create a user; the token is shown once', body: s.userBody, ok: [201, s.createdUserSchema], errors: [400, 409] },
  },
  '/api/users/{id}': {
    delete: { id: 'deleteUser', summary: 'Delete a user (its tokens stop working; its name is never reused)', ok: [204, null], errors: [404] },
  },
  '/api/users/{id}/tokens': {
    get: {
      id: 'listTokens',
      summary: "A user's tokens (admin, or the user itself): id, source, createdAt",
      ok: [200, s.listOf(s.tokenInfoSchema)],
      errors: [404],
    },
    post: {
      id: 'issueToken',
      summary: 'Issue a token, shown once (?rotate=true revokes the others)',
      query: s.issueTokenQuery,
      ok: [201, s.issuedTokenSchema],
      errors: [404],
    },
  },
  '/api/users/{id}/tokens/{tokenId}': { delete: { id: 'revokeToken', summary: 'Revoke a token', ok: [204, null], errors: [404] } },
  '/api/me': { get: { id: 'getMe', summary: 'The caller', ok: [200, s.userSchema] } },
  '/api/stats/definitions': {
    get: {
      id: 'getDefinitionStats',
      summary: 'Cockpit (admin): per definition, instances by state, open incidents, duration p50/p95',
      ok: [200, s.listOf(s.definitionStatsSchema)],
    },
  },
  '/api/stats/timeline': {
    get: {
      id: 'getTimeline',
      summary: 'Cockpit (admin): instances started and completed per hour or day (UTC)',
      query: stats.timelineQuery,
      ok: [200, s.timelineSchema],
      errors: [400],
    },
  },
  '/api/stats/tasks': {
    get: {
      id: 'getTaskStats',
      summary: 'Cockpit (admin): per user task, open now, oldest open, completion p50/p95; open tasks per group',
      query: stats.statsQuery,
      ok: [200, s.taskStatsAnswerSchema],
    },
  },
  '/api/stats/waiting': {
    get: {
      id: 'getWaitingStats',
      summary: 'Cockpit (admin): where running instances wait now, count and oldest wait',
      query: stats.statsQuery,
      ok: [200, s.listOf(s.waitingStatsSchema)],
    },
  },
  '/api/stats/activities': {
    get: {
      id: 'getActivityStats',
      summary: 'Cockpit (admin): per activity of one definition, instances there now, runs ended, open incidents, duration p50/p95',
      query: stats.activityStatsQuery,
      ok: [200, stats.activityStatsAnswerSchema],
      errors: [400, 404],
    },
  },
  '/api/clock': {
    get: { id: 'getClock', summary: 'The service clock: now and speed', ok: [200, s.clockSchema] },
    put: { id: 'setClock', summary: 'Set the clock speed (admin); every node follows', body: s.clockBody, ok: [200, s.clockSchema], errors: [400] },
  },
  '/api/schedules': {
    get: { id: 'listSchedules', summary: 'Schedules with next and last run', ok: [200, s.listOf(s.scheduleSchema)] },
    post: {
      id: 'createSchedule',
      summary: 'Schedule a process start at a time and/or on a recurrence (ISO 8601 or cron)',
      body: s.scheduleBody,
      ok: [201, s.scheduleSchema],
      errors: [400],
    },
  },
  '/api/schedules/{id}': { delete: { id: 'deleteSchedule', summary: 'Delete a schedule', ok: [204, null], errors: [404] } },
  '/health': { get: { id: 'health', summary: 'Process alive', ok: [200, s.statusSchema], open: true } },
  '/ready': { get: { id: 'ready', summary: 'Database reachable and migrated', ok: [200, s.statusSchema], errors: [503], open: true } },
  '/metrics': {
    get: {
      id: 'metrics',
      summary: 'Prometheus metrics (bearer: PROCFLOW_METRICS_TOKEN, or a user of group metrics or admin)',
      ok: [200, null],
      media: { 'text/plain': z.string() },
    },
  },
};

/** The shared records, described once under components.schemas and referenced with $ref. */
const components = z.registry<{ id: string }>();

/** Names a schema: every answer that holds it refers to #/components/schemas/<name>. */
export function named<T extends z.ZodType>(name: string, zodType: T): T {
  if (!components.has(zodType)) components.add(zodType, { id: name });
  return zodType;
}

named('Problem', s.problemSchema);
named('User', s.userSchema);
named('CreatedUser', s.createdUserSchema);
named('TokenInfo', s.tokenInfoSchema);
named('IssuedToken', s.issuedTokenSchema);
named('ProcessDefinition', s.processDefinitionSchema);
named('Deployment', s.deploymentSchema);
named('ProcessInstance', s.processInstanceSchema);
named('HistoryEntry', s.historyEntrySchema);
named('Task', s.taskSchema);
named('TaskCompleted', s.taskCompletedSchema);
named('ExternalTask', s.externalTaskSchema);
named('ExternalTaskCompleted', s.externalTaskCompletedSchema);
named('Incident', s.incidentSchema);
named('Started', s.startedSchema);
named('Clock', s.clockSchema);
named('Schedule', s.scheduleSchema);
named('DefinitionStats', s.definitionStatsSchema);
named('Timeline', s.timelineSchema);
named('TaskStatsAnswer', s.taskStatsAnswerSchema);
named('WaitingStats', s.waitingStatsSchema);
named('ActivityStatsAnswer', stats.activityStatsAnswerSchema);

/** Gives every operation of an area's paths the area's tag (unless it names its own). */
export function tagged(tag: string, paths: OpenApiPaths): OpenApiPaths {
  return Object.fromEntries(
    Object.entries(paths).map(([p, methods]) => [p, Object.fromEntries(Object.entries(methods).map(([m, op]) => [m, { tag, ...op }]))]),
  );
}

/** The resource of a core path; an area tags its own (`tagged`). */
const CORE_TAGS: Array<[RegExp, string]> = [
  [/^\/api\/(deployments|process-definitions)(\/|$)/, 'Definitions'],
  [/^\/api\/process-instances(\/|$)/, 'Instances'],
  [/^\/api\/tasks(\/|$)/, 'Tasks'],
  [/^\/api\/external-tasks(\/|$)/, 'External tasks'],
  [/^\/api\/incidents(\/|$)/, 'Incidents'],
  [/^\/api\/(messages|signals)(\/|$)/, 'Messages'],
  [/^\/api\/(users|me)(\/|$)/, 'Users'],
  [/^\/api\/stats(\/|$)/, 'Stats'],
  [/^\/api\/(schedules|clock)(\/|$)/, 'Schedules'],
  [/^\/(health|ready|metrics)$/, 'Operations'],
];

const TAG_DESCRIPTIONS: Record<string, string> = {
  Definitions: 'Deploy BPMN and read the process definitions; start instances',
  Instances: 'Process instances: list, read, history, cancel',
  Tasks: 'The task list: claim, assign, complete',
  'External tasks': 'Service tasks done by external workers',
  Incidents: 'Failed steps and their retry',
  Messages: 'Messages and signals',
  Users: 'Users, groups and tokens',
  Stats: 'The cockpit’s aggregates',
  Schedules: 'The service clock and scheduled starts',
  Operations: 'Liveness, readiness and metrics',
  Jobs: 'Waiting timers, retries and scheduled starts',
  Orders: 'The order process: orders, quotes, notifications, and the prototype’s routes',
  'Game servers': 'Monitored game servers: status, uptime, samples, events',
  Catalogue: 'The local copies of the product catalogue and the CRM, and their syncs',
};

/** The tag of an operation: its own, the core's table, else the path's first segment. */
function tagOf(path: string, op: Op): string {
  if (op.tag) return op.tag;
  const known = CORE_TAGS.find(([re]) => re.test(path));
  if (known) return known[1];
  const first = path.replace(/^\/api\//, '/').split('/')[1] ?? 'api';
  const words = first.replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `get /api/process-instances/{id}/history` → `getProcessInstancesByIdHistory`. */
export function derivedOperationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api(?=\/)/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => {
      const param = /^\{(\w+)\}$/.exec(seg);
      return param ? ['by', param[1] as string] : seg.split(/[-_.]+/);
    });
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema; named schemas inside it become $refs, collected into `defs`. */
function jsonSchema(zodType: z.ZodType, io: 'input' | 'output', defs: Record<string, unknown>): JsonSchema {
  if (io === 'input') return strip(z.toJSONSchema(zodType, { io, unrepresentable: 'any' }));
  const out = z.toJSONSchema(zodType, { io, unrepresentable: 'any', metadata: components }) as JsonSchema;
  const found = out.$defs as Record<string, JsonSchema> | undefined;
  for (const [name, def] of Object.entries(found ?? {})) defs[name] ??= refsToComponents(strip(def));
  delete out.$defs;
  return refsToComponents(strip(out)) as JsonSchema;
}

function strip(json: JsonSchema): JsonSchema {
  const { $schema: _schema, id: _id, ...rest } = json;
  return rest;
}

function refsToComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(refsToComponents);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : refsToComponents(v),
      ]),
    );
  }
  return value;
}

/** Answers without a body: the only success answers that need no schema. */
const NO_BODY = new Set([204, 205, 304]);

/** The core's paths and those of every business area (each area's http/ folder lists its own).
 *  Throws when an operation's success answer has no schema or two operations share an id, so that
 *  an undescribed endpoint cannot slip into the document. */
export function buildOpenApi(version: string, areaPaths: OpenApiPaths[] = []): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const defs: Record<string, unknown> = {};
  const ids = new Map<string, string>();
  const tags = new Set<string>();
  const problem = () => ({ 'application/problem+json': { schema: jsonSchema(s.problemSchema, 'output', defs) } });
  for (const [path, methods] of Object.entries(Object.assign({}, ops, ...areaPaths) as OpenApiPaths)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      const params: JsonSchema[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      if (op.query) {
        for (const [name, field] of Object.entries(op.query.shape))
          params.push({ name, in: 'query', required: false, schema: jsonSchema(field as z.ZodType, 'input', defs) });
      }
      const successes: Array<[number, z.ZodType | null, Op['media']]> = [[op.ok[0], op.ok[1], op.media]];
      for (const [code, zodType] of Object.entries(op.alsoOk ?? {})) successes.push([Number(code), zodType, undefined]);
      const responses: Record<string, unknown> = {};
      for (const [code, zodType, media] of successes) {
        const content: Record<string, unknown> = {};
        if (zodType) content['application/json'] = { schema: jsonSchema(zodType, 'output', defs) };
        for (const [type, m] of Object.entries(media ?? {}))
          content[type] = { schema: m === 'binary' ? { type: 'string', format: 'binary' } : jsonSchema(m, 'output', defs) };
        if (!Object.keys(content).length && !NO_BODY.has(code))
          throw new Error(`OpenAPI: ${where} answers ${code} without a response schema (give ok: [${code}, schema] or media)`);
        responses[code] = { description: 'Success', ...(Object.keys(content).length ? { content } : {}) };
      }
      for (const code of [...(op.errors ?? []), ...(op.open ? [] : [401, 403])]) responses[code] ??= { description: 'Problem', content: problem() };
      const operationId = op.id ?? derivedOperationId(method, path);
      const taken = ids.get(operationId);
      if (taken) throw new Error(`OpenAPI: ${where} and ${taken} share the operationId ${operationId}`);
      ids.set(operationId, where);
      const tag = tagOf(path, op);
      tags.add(tag);
      paths[path][method] = {
        operationId,
        tags: [tag],
        summary: op.summary,
        ...(params.length ? { parameters: params } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input', defs) } } } } : {}),
        ...(op.xml
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/xml': { schema: { type: 'string' } },
                  'multipart/form-data': { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } } },
                },
              },
            }
          : {}),
        ...(op.open ? { security: [] } : {}),
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'procflow', version, description: 'BPMN 2.0 process service: deploy, run and drive processes.' },
    tags: [...tags].sort().map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    components: {
      schemas: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A user token (POST /api/users, POST /api/users/{id}/tokens), sent as the Authorization: Bearer header',
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

// The page at /docs (Swagger UI, served offline) lives with its assets in api-explorer.ts.
export { DOCS_PAGE } from './api-explorer';
