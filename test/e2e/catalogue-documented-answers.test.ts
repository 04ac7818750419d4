// The product catalogue's answer exactly as its documentation shows it, served verbatim by a
// plain HTTP stand-in written here (not procflow's simulator): `packaging` is a number there and
// is stored as text; a real violation changes nothing and opens an incident naming the field and
// the record. Over HTTP, on SQLite and on Postgres.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

/** The documentation's example answer of `GET /api/data`, to the byte. */
const DOCUMENTED =
  '{"produits": [{"id": 1, "codeProduit": "X1-0", "descriptionProduit": "Frigos:P1-0", "familleProduit": "Frigos", "packaging": 2, "prix": 424, "quantiteMin": 15}]}';

describe.each(databaseKinds)('the catalogue as documented on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let server: http.Server;
  let answer = DOCUMENTED;
  let sales: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/api/data') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['catalogue-sync.bpmn']),
      env: { PROCFLOW_CATALOGUE_URL: url, PROCFLOW_SERVICE_RETRIES: '0' },
    });
    sales = await createUser(t, 'sally', ['sales']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('the documented example syncs whole: a numeric packaging is kept as its text', async () => {
    answer = DOCUMENTED;
    const started = await t.as(sales).post('/api/products/sync').send({});
    expect(started.status).toBe(202);
    const instance = (await t.admin.get(`/api/process-instances/${started.body.processInstanceId}`)).body;
    expect(instance).toMatchObject({ state: 'completed', incidents: 0 });
    const products = (await t.as(sales).get('/api/products')).body;
    expect(products.items).toEqual([
      expect.objectContaining({ code: 'X1-0', sourceId: '1', description: 'Frigos:P1-0', family: 'Frigos', packaging: '2', price: 424, minQuantity: 15 }),
    ]);
  });

  test('a price that is not a number changes nothing and opens an incident naming the field and the record', async () => {
    answer = DOCUMENTED.replace('"prix": 424', '"prix": "cher"');
    const started = await t.as(sales).post('/api/products/sync').send({});
    const id = started.body.processInstanceId as string;
    expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ state: 'running', incidents: 1 });
    const incident = (await t.admin.get(`/api/incidents?processInstanceId=${id}&state=open`)).body.items[0];
    expect(incident.message).toMatch(/\/produits\/0\/prix: .* \(codeProduit "X1-0"\)/);
    expect((await t.as(sales).get('/api/products')).body.items).toEqual([expect.objectContaining({ code: 'X1-0', price: 424 })]);
  });
});
