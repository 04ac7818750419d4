// docs/api.md and /openapi.json describe the same operations: every `METHOD /path` the page names
// is served, and every operation served is named on the page.
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { startTestService, type TestService } from '../helpers/test-service';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
/** Pages that are served but are not operations of the description. */
const NOT_OPERATIONS = new Set(['GET /openapi.json', 'GET /docs']);

describe('the API page', () => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestService(db);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('names every operation of /openapi.json, and only those', async () => {
    const spec = (await t.http.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const served = new Set(Object.entries(spec.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)));
    const named = new Set([...DOC.matchAll(/`(GET|POST|PUT|DELETE|PATCH) (\/[^`?\s]*)/g)].map((m) => `${m[1]} ${m[2]}`));
    for (const op of NOT_OPERATIONS) named.delete(op);
    expect([...named].filter((op) => !served.has(op)).sort()).toEqual([]);
    expect([...served].filter((op) => !named.has(op)).sort()).toEqual([]);
  });
});
