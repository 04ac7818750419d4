// The OpenAPI 3.1 description, generated from the same zod schemas that validate requests.
import { z } from 'zod';
import * as s from './schemas';
import * as stats from './stats-schemas';

/** One operation of the description; a business area describes its own routes this way. */
export type Op = { summary: string; body?: z.ZodType; xml?: boolean; query?: z.ZodObject; ok: [number, z.ZodType | null]; errors?: number[]; open?: boolean };

export type OpenApiPaths = Record<string, Record<string, Op>>;

const ops: OpenApiPaths = {
  '/api/deployments': { post: { summary: 'Deploy BPMN XML (raw body or multipart files)', xml: true, ok: [201, s.deploymentSchema], errors: [400, 413] } },
  '/api/process-definitions': { get: { summary: 'Latest version per key (?allVersions=true for all)', ok: [200, s.listOf(s.processDefinitionSchema)] } },
  '/api/process-definitions/{key}': { get: { summary: 'A definition (latest version)', ok: [200, s.processDefinitionSchema], errors: [404] } },
  '/api/process-definitions/{key}/xml': { get: { summary: 'The BPMN as deployed, with its diagram', ok: [200, null], errors: [404] } },
  '/api/process-definitions/{key}/start': {
    post: { summary: 'Start an instance', body: s.startBody, ok: [201, s.processInstanceSchema], errors: [400, 404, 409] },
  },
  '/api/process-instances': { get: { summary: 'List instances', query: s.instanceQuery, ok: [200, s.listOf(s.processInstanceSchema)] } },
  '/api/process-instances/{id}': {
    get: { summary: 'An instance', ok: [200, s.processInstanceSchema], errors: [404] },
    delete: { summary: 'Cancel an instance', ok: [204, null], errors: [404, 409] },
  },
  '/api/process-instances/{id}/history': { get: { summary: 'Activity history, oldest first', ok: [200, null], errors: [404] } },
  '/api/tasks': { get: { summary: 'Task list', query: s.taskQuery, ok: [200, s.listOf(s.taskSchema)] } },
  '/api/tasks/{id}': { get: { summary: 'A task', ok: [200, s.taskSchema], errors: [404] } },
  '/api/tasks/{id}/claim': { post: { summary: 'Claim a task', ok: [200, s.taskSchema], errors: [404, 409] } },
  '/api/tasks/{id}/unclaim': {
    post: { summary: 'Give a claimed task back to its candidate groups (its assignee or an admin)', ok: [200, s.taskSchema], errors: [404, 409] },
  },
  '/api/tasks/{id}/assign': {
    post: {
      summary: 'Assign a task to a user (an admin; or who holds it, to another candidate)',
      body: s.assignBody,
      ok: [200, s.taskSchema],
      errors: [400, 404, 409],
    },
  },
  '/api/tasks/{id}/complete': { post: { summary: 'Complete a task with form values', body: s.completeBody, ok: [200, null], errors: [400, 403, 404, 409] } },
  '/api/external-tasks': {
    get: { summary: 'Service tasks waiting for an external worker (group workers or admin), by topic', query: s.externalTaskQuery, ok: [200, null] },
  },
  '/api/external-tasks/{id}/complete': {
    post: { summary: 'Complete an external task; its variables become process variables', body: s.completeBody, ok: [200, null], errors: [400, 404, 409] },
  },
  '/api/messages': { post: { summary: 'Correlate a message', body: s.messageBody, ok: [200, null], errors: [400, 404] } },
  '/api/signals': { post: { summary: 'Broadcast a signal', body: s.signalBody, ok: [200, null], errors: [400] } },
  '/api/incidents': { get: { summary: 'Incidents', query: s.incidentQuery, ok: [200, s.listOf(s.incidentSchema)] } },
  '/api/incidents/{id}/retry': { post: { summary: 'Run the failed step again', ok: [200, null], errors: [404, 409] } },
  '/api/users': {
    get: { summary: 'Users (admin)', ok: [200, s.listOf(s.userSchema)] },
    post: { summary: 'Create a user; the token is shown once', body: s.userBody, ok: [201, null], errors: [400, 409] },
  },
  '/api/users/{id}': { delete: { summary: 'Delete a user (its tokens stop working; its name is never reused)', ok: [204, null], errors: [404] } },
  '/api/users/{id}/tokens': {
    get: { summary: "A user's tokens (admin, or the user itself): id, source, createdAt", ok: [200, null], errors: [404] },
    post: { summary: 'Issue a token, shown once (?rotate=true revokes the others)', ok: [201, null], errors: [404] },
  },
  '/api/users/{id}/tokens/{tokenId}': { delete: { summary: 'Revoke a token', ok: [204, null], errors: [404] } },
  '/api/me': { get: { summary: 'The caller', ok: [200, s.userSchema] } },
  '/api/stats/definitions': { get: { summary: 'Cockpit (admin): per definition, instances by state, open incidents, duration p50/p95', ok: [200, null] } },
  '/api/stats/timeline': {
    get: { summary: 'Cockpit (admin): instances started and completed per hour or day (UTC)', query: stats.timelineQuery, ok: [200, null], errors: [400] },
  },
  '/api/stats/tasks': {
    get: {
      summary: 'Cockpit (admin): per user task, open now, oldest open, completion p50/p95; open tasks per group',
      query: stats.statsQuery,
      ok: [200, null],
    },
  },
  '/api/stats/waiting': {
    get: { summary: 'Cockpit (admin): where running instances wait now, count and oldest wait', query: stats.statsQuery, ok: [200, null] },
  },
  '/api/clock': {
    get: { summary: 'The service clock: now and speed', ok: [200, null] },
    put: { summary: 'Set the clock speed (admin); every node follows', body: s.clockBody, ok: [200, null], errors: [400] },
  },
  '/api/schedules': {
    get: { summary: 'Schedules with next and last run', ok: [200, null] },
    post: { summary: 'Schedule a process start at a time and/or on a recurrence (ISO 8601 or cron)', body: s.scheduleBody, ok: [201, null], errors: [400] },
  },
  '/api/schedules/{id}': { delete: { summary: 'Delete a schedule', ok: [204, null], errors: [404] } },
  '/health': { get: { summary: 'Process alive', ok: [200, null], open: true } },
  '/ready': { get: { summary: 'Database reachable and migrated', ok: [200, null], errors: [503], open: true } },
  '/metrics': { get: { summary: 'Prometheus metrics (bearer: PROCFLOW_METRICS_TOKEN, or a user of group metrics or admin)', ok: [200, null] } },
};

function schema(zodType: z.ZodType): unknown {
  return z.toJSONSchema(zodType, { io: 'input', unrepresentable: 'any' });
}

/** The core's paths and those of every business area (each area's http/ folder lists its own). */
export function buildOpenApi(version: string, areaPaths: OpenApiPaths[] = []): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(Object.assign({}, ops, ...areaPaths) as OpenApiPaths)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      if (op.query) {
        for (const [name, field] of Object.entries(op.query.shape))
          params.push({ name, in: 'query', required: false, schema: schema(field as z.ZodType) as { type: string } });
      }
      const responses: Record<string, unknown> = {
        [op.ok[0]]: { description: 'Success', ...(op.ok[1] ? { content: { 'application/json': { schema: schema(op.ok[1]) } } } : {}) },
      };
      for (const code of [...(op.errors ?? []), ...(op.open ? [] : [401, 403])]) {
        responses[code] = { description: 'Problem', content: { 'application/problem+json': { schema: schema(s.problemSchema) } } };
      }
      paths[path][method] = {
        summary: op.summary,
        ...(params.length ? { parameters: params } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body) } } } } : {}),
        ...(op.xml
          ? {
              requestBody: {
                required: true,
                content: { 'application/xml': { schema: { type: 'string' } }, 'multipart/form-data': { schema: { type: 'object' } } },
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
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

export const DOCS_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>procflow API</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}code{background:#f3f3f3;padding:1px 4px}
.op{border-bottom:1px solid #ddd;padding:.4em 0}.m{display:inline-block;width:4.5em;font-weight:bold;text-transform:uppercase}</style></head>
<body><h1>procflow API</h1><p>The machine-readable description is at <a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<div id="ops">loading…</div><script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{const el=document.getElementById('ops');el.textContent='';
for(const [p,ms] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ms)){const d=document.createElement('div');d.className='op';
const b=document.createElement('span');b.className='m';b.textContent=m;const c=document.createElement('code');c.textContent=p;
d.append(b,c,document.createTextNode(' — '+op.summary+' ('+Object.keys(op.responses).join(', ')+')'));el.append(d);}});
</script></body></html>`;
