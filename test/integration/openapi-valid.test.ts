// /openapi.json is a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator),
// every operation has an operationId, a tag and a schema for each success answer, the shared
// records and the problem answer are described once under components.schemas, and every route
// Express serves under /api is in it. buildOpenApi refuses an operation without a response schema.
import { execFileSync } from 'node:child_process';
import type { Express } from 'express';
import { z } from 'zod';
import { buildOpenApi } from '../../src/http/openapi';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { startTestService, type TestService } from '../helpers/test-service';

type Operation = {
  operationId?: string;
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};
type Document = {
  openapi: string;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: unknown[];
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** The validator ships as ESM only: it runs in a Node process of its own on the document. */
function validate(doc: unknown): { valid: boolean; errors?: unknown; version: string; refsResolved: boolean } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const res = await validator.validate(JSON.parse(text));
    let refsResolved = false;
    if (res.valid) { validator.resolveRefs(); refsResolved = true; }
    process.stdout.write(JSON.stringify({ ...res, version: validator.version, refsResolved }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(doc), cwd: process.cwd(), encoding: 'utf8' });
  return JSON.parse(out) as { valid: boolean; errors?: unknown; version: string; refsResolved: boolean };
}

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: string };

/** Every `METHOD /path` of the Express app's routes, paths written as in OpenAPI ({param}). */
function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const full = (prefix + layer.route.path).replace(/:(\w+)/g, '{$1}');
        for (const m of Object.keys(layer.route.methods)) if (m !== '_all') found.push(`${m.toUpperCase()} ${full}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found;
}

/** `/api/users/{id}` and `/api/users/{userId}` are the same route. */
const shape = (op: string) => op.replace(/\{\w+\}/g, '{}');

describe('/openapi.json', () => {
  let db: TestDatabase;
  let t: TestService;
  let doc: Document;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestService(db);
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => METHODS.has(m))
        .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );

  test('is a valid OpenAPI 3.1 document, its $refs resolve', () => {
    const res = validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.version).toBe('3.1');
    expect(res.refsResolved).toBe(true);
  });

  test('every operation has an operationId, a known tag and a schema for each success answer', () => {
    const tags = new Set(doc.tags.map((tag) => tag.name));
    const lacking: string[] = [];
    for (const { where, op } of operations()) {
      if (!op.operationId || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId)) lacking.push(`${where}: operationId ${op.operationId}`);
      if (!op.tags?.length || !op.tags.every((tag) => tags.has(tag))) lacking.push(`${where}: tags ${JSON.stringify(op.tags)}`);
      const successes = Object.entries(op.responses).filter(([code]) => /^2\d\d$/.test(code));
      if (!successes.length) lacking.push(`${where}: no success answer`);
      for (const [code, answer] of successes) {
        if (code === '204') {
          if (answer.content) lacking.push(`${where}: 204 with content`);
          continue;
        }
        const media = Object.entries(answer.content ?? {});
        if (!media.length || media.some(([, m]) => !m.schema || !Object.keys(m.schema).length)) lacking.push(`${where}: ${code} without a schema`);
      }
    }
    expect(lacking).toEqual([]);
    expect(operations().length).toBeGreaterThan(60);
  });

  test('operationIds are unique', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(operations().find(({ where }) => where === 'GET /api/me')?.op.operationId).toBe('getMe');
  });

  test('the problem answer and the main records are components, referenced with $ref', () => {
    for (const name of ['Problem', 'ProcessDefinition', 'ProcessInstance', 'Task', 'Incident', 'User', 'Order', 'GameServer', 'Product'])
      expect(doc.components.schemas[name]).toBeDefined();
    const text = JSON.stringify(doc.paths);
    // The problem schema's fields appear once, in components, never inlined in an answer.
    expect(text).not.toContain('"instance":{"type":"string"}');
    const problems = operations().flatMap(({ op }) =>
      Object.entries(op.responses)
        .filter(([code]) => /^[45]/.test(code))
        .map(([, answer]) => answer.content?.['application/problem+json']?.schema),
    );
    expect(problems.length).toBeGreaterThan(100);
    expect(problems.every((p) => p?.$ref === '#/components/schemas/Problem')).toBe(true);
    const task = operations().find(({ where }) => where === 'GET /api/tasks/{id}')?.op;
    expect(task?.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Task' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  test('non-JSON answers carry their media type', () => {
    const media = (where: string) => Object.keys(operations().find((o) => o.where === where)?.op.responses['200']?.content ?? {});
    expect(media('GET /api/process-definitions/{key}/xml')).toEqual(['application/xml']);
    expect(media('GET /api/orders/{id}/quote').sort()).toEqual(['application/json', 'application/pdf', 'text/plain']);
    expect(media('GET /metrics')).toEqual(['text/plain']);
  });

  test('every route Express serves under /api is in the document, and /engine-rest is not', () => {
    const documented = new Set(operations().map(({ where }) => shape(where)));
    const served = expressRoutes(t.service.app).filter((op) => op.split(' ')[1]?.startsWith('/api/'));
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((op) => !documented.has(shape(op))).sort()).toEqual([]);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/engine-rest'))).toEqual([]);
  });
});

describe('buildOpenApi', () => {
  test('refuses an operation whose success answer has no schema', () => {
    expect(() => buildOpenApi('test', [{ '/api/undescribed': { get: { summary: 'No schema', ok: [200, null] } } }])).toThrow(
      'GET /api/undescribed answers 200 without a response schema',
    );
    expect(() => buildOpenApi('test', [{ '/api/undescribed': { post: { summary: 'No schema', ok: [201, null], alsoOk: {} } } }])).toThrow(/201/);
  });

  test('accepts an answer without a body (204) and derives operationId and tag from the path', () => {
    const doc = buildOpenApi('test', [
      { '/api/widget-boxes/{id}': { delete: { summary: 'Remove', ok: [204, null] }, get: { summary: 'One', ok: [200, z.object({ id: z.string() })] } } },
    ]) as Document;
    expect(doc.paths['/api/widget-boxes/{id}']?.delete).toMatchObject({ operationId: 'deleteWidgetBoxesById', tags: ['Widget boxes'] });
    expect(doc.paths['/api/widget-boxes/{id}']?.get?.responses['200']?.content?.['application/json']?.schema).toMatchObject({ type: 'object' });
  });

  test('refuses two operations with the same operationId', () => {
    expect(() => buildOpenApi('test', [{ '/api/other-me': { get: { id: 'getMe', summary: 'Again', ok: [200, z.object({})] } } }])).toThrow(
      /share the operationId getMe/,
    );
  });
});
