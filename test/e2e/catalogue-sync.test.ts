// Catalogue and CRM syncs over HTTP, on SQLite and Postgres, against the simulated APIs: rows are
// added, changed and left alone with the counts as output variables and sync runs; a malformed,
// partial or failed answer changes nothing and opens an incident that a retry resolves; the local
// copies can be searched, paged and emptied.
import { CatalogueSimulator, DEMO_PRODUCTS } from '../../src/connectors/simulators/catalogue-simulator';
import { CrmSimulator, DEMO_CUSTOMERS } from '../../src/connectors/simulators/crm-simulator';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

interface Product {
  code: string;
  price: number;
  description: string;
  updatedAt: string;
  createdAt: string;
}

describe.each(databaseKinds)('catalogue and CRM sync on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let sales: string;
  let ops: string;
  let catalogue: CatalogueSimulator;
  let crm: CrmSimulator;

  beforeAll(async () => {
    catalogue = await CatalogueSimulator.start();
    crm = await CrmSimulator.start();
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['catalogue-sync.bpmn', 'crm-sync.bpmn']),
      env: { PROCFLOW_CATALOGUE_URL: catalogue.url, PROCFLOW_CRM_URL: crm.url, PROCFLOW_SYNC_TIMEOUT_MS: '800', PROCFLOW_SERVICE_RETRIES: '0' },
    });
    sales = await createUser(t, 'sam', ['sales']);
    ops = await createUser(t, 'otto', ['ops']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    await Promise.all([catalogue?.close(), crm?.close()]);
  });

  async function sync(what: 'products' | 'customers') {
    const res = await t.as(sales).post(`/api/${what}/sync`).send({});
    expect(res.status).toBe(202);
    const id = (res.body as { processInstanceId: string }).processInstanceId;
    return (await t.admin.get(`/api/process-instances/${id}`)).body as {
      id: string;
      state: string;
      definitionKey: string;
      variables: Record<string, unknown>;
      waitingAt: Array<{ activityId: string }>;
      incidents: number;
    };
  }

  async function products(query = ''): Promise<{ items: Product[]; total: number }> {
    const res = await t.as(sales).get(`/api/products${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: Product[]; total: number };
  }

  async function openIncidentOf(instanceId: string) {
    const res = await t.admin.get(`/api/incidents?state=open&processInstanceId=${instanceId}`);
    return (res.body as { items: Array<{ id: string; activityId: string; message: string }> }).items;
  }

  describe('products', () => {
    test('a first sync adds every product, with the counts as output variables and as a sync run', async () => {
      const inst = await sync('products');
      expect(inst).toMatchObject({ definitionKey: 'catalogueSync', state: 'completed', incidents: 0 });
      expect(inst.variables).toMatchObject({ fetched: 5, added: 5, changed: 0, unchanged: 0, syncRunId: expect.any(String) });

      const list = await products();
      expect(list.total).toBe(5);
      expect(list.items[0]).toEqual({
        code: 'BIS-100',
        sourceId: '4',
        description: 'Biscuits au beurre',
        family: 'Épicerie',
        packaging: 'Carton 24 paquets',
        price: 36,
        minQuantity: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        syncedAt: expect.any(String),
      });
      const runs = await t.as(sales).get('/api/sync-runs?kind=products');
      expect(runs.body.items[0]).toMatchObject({
        id: inst.variables.syncRunId,
        kind: 'products',
        processInstanceId: inst.id,
        status: 'succeeded',
        fetched: 5,
        added: 5,
        changed: 0,
        unchanged: 0,
        sourceUrl: `${catalogue.url}/api/data`,
      });
    });

    test('a second sync changes what changed, adds what is new and leaves the rest alone', async () => {
      const before = new Map((await products()).items.map((p) => [p.code, p]));
      catalogue.products = [
        ...DEMO_PRODUCTS.filter((p) => p.codeProduit !== 'SUC-020').map((p) => (p.codeProduit === 'CAF-001' ? { ...p, prix: 19.5 } : p)),
        {
          id: 6,
          codeProduit: 'CHO-300',
          descriptionProduit: 'Chocolat noir 70 %',
          familleProduit: 'Épicerie',
          packaging: 'Tablette 100 g',
          prix: '2.95' as unknown as number,
          quantiteMin: 12,
        },
      ];
      // A second later on the service clock, so that a change shows in updatedAt.
      const now = Date.parse((await t.admin.get('/api/clock')).body.now as string);
      expect((await t.admin.put('/api/clock').send({ now: new Date(now + 1000).toISOString() })).status).toBe(200);
      const inst = await sync('products');
      expect(inst.variables).toMatchObject({ fetched: 5, added: 1, changed: 1, unchanged: 3 });

      const after = new Map((await products()).items.map((p) => [p.code, p]));
      expect(after.size).toBe(6); // SUC-020, absent from the answer, is left alone
      expect(after.get('CAF-001')).toMatchObject({ price: 19.5, createdAt: before.get('CAF-001')?.createdAt });
      expect(after.get('CAF-001')?.updatedAt).not.toBe(before.get('CAF-001')?.updatedAt);
      expect(after.get('CAF-002')?.updatedAt).toBe(before.get('CAF-002')?.updatedAt);
      expect(after.get('SUC-020')).toEqual(before.get('SUC-020'));
      expect(after.get('CHO-300')).toMatchObject({ price: 2.95, minQuantity: 12 });

      const again = await sync('products');
      expect(again.variables).toMatchObject({ fetched: 5, added: 0, changed: 0, unchanged: 5 });
    });

    test.each([
      ['an answer that is not JSON', '{"produits": [{"id": 1, "codeProduit": "CAF-001"', /answered something that is not JSON/],
      [
        'a partial product',
        { produits: [{ id: 1, codeProduit: 'CAF-001', descriptionProduit: 'Café', prix: 1, quantiteMin: 1 }] },
        /unexpected shape: \/produits\/0\/familleProduit/,
      ],
      ['a price that is not a number', { produits: [{ ...DEMO_PRODUCTS[0], prix: 'cher' }] }, /\/produits\/0\/prix/],
      ['no produits at all', { products: [] }, /\/produits/],
      ['the same code twice', { produits: [DEMO_PRODUCTS[0], { ...DEMO_PRODUCTS[0], prix: 1 }] }, /lists product code <CAF-001> twice/],
    ])('%s changes nothing and opens an incident; a retry after the fix completes', async (_what, body, message) => {
      const before = await products('?limit=500');
      catalogue.override = { status: 200, body };
      const inst = await sync('products');
      expect(inst).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'syncProducts' }] });
      const [incident] = await openIncidentOf(inst.id);
      expect(incident).toMatchObject({ activityId: 'syncProducts', message: expect.stringMatching(message) });
      expect(await products('?limit=500')).toEqual(before);
      const runs = await t.as(sales).get('/api/sync-runs?kind=products&limit=1');
      expect(runs.body.items[0]).toMatchObject({ processInstanceId: inst.id, status: 'failed', added: 0, changed: 0, error: expect.stringMatching(message) });

      catalogue.override = null;
      const retried = await t.admin.post(`/api/incidents/${incident?.id}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.body.processInstance).toMatchObject({ state: 'completed', incidents: 0 });
      expect(retried.body.processInstance.variables).toMatchObject({ fetched: 5, unchanged: 5 });
    });

    test('a sync stopped at an incident survives a restart and completes on retry', async () => {
      catalogue.override = { status: 200, body: '[not json' };
      const inst = await sync('products');
      expect(inst).toMatchObject({ state: 'running', incidents: 1 });
      await t.stop();
      t = await startTestService(db, {
        processesDir: processesDirWith(['catalogue-sync.bpmn', 'crm-sync.bpmn']),
        env: { PROCFLOW_CATALOGUE_URL: catalogue.url, PROCFLOW_CRM_URL: crm.url, PROCFLOW_SYNC_TIMEOUT_MS: '800', PROCFLOW_SERVICE_RETRIES: '0' },
      });
      catalogue.override = null;
      const [incident] = await openIncidentOf(inst.id);
      const retried = await t.admin.post(`/api/incidents/${incident?.id}/retry`);
      expect(retried.body.processInstance).toMatchObject({ id: inst.id, state: 'completed' });
      expect(retried.body.processInstance.variables).toMatchObject({ fetched: 5, added: 0, unchanged: 5 });
    });

    test('an unreachable, failing or slow catalogue opens an incident that says so', async () => {
      catalogue.override = { status: 503, body: 'maintenance' };
      let inst = await sync('products');
      expect((await openIncidentOf(inst.id))[0]?.message).toMatch(/the catalogue <http:\/\/127\.0\.0\.1:\d+\/api\/data> answered HTTP 503: maintenance/);

      // An answer that would come long after the test's own timeout: the sync can only end by
      // giving up (the jest timeout is the hang guard; no wall-clock range is asserted).
      catalogue.override = { status: 200, body: { produits: [] }, delayMs: 60_000 };
      inst = await sync('products');
      expect(inst).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'syncProducts' }] });
      expect((await openIncidentOf(inst.id))[0]?.message).toMatch(/did not answer within 800 ms/);
      catalogue.override = null;
    });

    test('the list searches code, description and family, case-insensitively, and pages', async () => {
      expect((await products('?q=caf')).items.map((p) => p.code)).toEqual(['CAF-001', 'CAF-002']);
      expect((await products('?q=%C3%89PICERIE')).total).toBe(3);
      expect((await products('?q=epicerie')).total).toBe(3); // accents folded too
      expect((await products('?q=100%25')).total).toBe(0); // "%" is literal
      const page = await products('?limit=2&offset=2');
      expect(page).toMatchObject({ total: 6, items: [{ code: 'CAF-002' }, { code: 'CHO-300' }] });
      expect((await t.as(sales).get('/api/products?limit=501')).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });

    test('emptying removes every product; the next sync adds them again', async () => {
      expect((await t.as(sales).delete('/api/products')).status).toBe(204);
      expect((await products()).total).toBe(0);
      const inst = await sync('products');
      expect(inst.variables).toMatchObject({ fetched: 5, added: 5, changed: 0, unchanged: 0 });
    });
  });

  describe('customers', () => {
    test('a first sync adds every customer, keyed by account', async () => {
      const inst = await sync('customers');
      expect(inst).toMatchObject({ definitionKey: 'crmSync', state: 'completed' });
      expect(inst.variables).toMatchObject({ fetched: 4, added: 4, changed: 0, unchanged: 0 });
      const list = await t.as(sales).get('/api/customers');
      expect(list.body.total).toBe(4);
      expect(list.body.items[0]).toEqual({
        account: 'ACC-1003',
        firstName: 'Léa',
        lastName: 'Bernard',
        fidelityPoints: 300,
        payment: 'carte',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        syncedAt: expect.any(String),
      });
    });

    test('changed fidelity points are a change, a new account an addition, the rest left alone', async () => {
      crm.customers = [
        ...DEMO_CUSTOMERS.map((c) => (c.account === 'ACC-1002' ? { ...c, fidelityPoint: 60 } : c)),
        { firstName: 'Inès', lastName: 'Moreau', fidelityPoint: 10, payment: 'carte', account: 'ACC-1005' },
      ];
      const inst = await sync('customers');
      expect(inst.variables).toMatchObject({ fetched: 5, added: 1, changed: 1, unchanged: 3 });
      const hugo = await t.as(sales).get('/api/customers?q=martin');
      expect(hugo.body.items).toMatchObject([{ account: 'ACC-1002', fidelityPoints: 60 }]);
    });

    test('a malformed CRM answer changes nothing and opens an incident', async () => {
      const before = (await t.as(sales).get('/api/customers?limit=500')).body;
      crm.override = { status: 200, body: [{ firstName: 'X', lastName: 'Y', fidelityPoint: -3, payment: 'carte', account: 'ACC-9' }, { firstName: 'Z' }] };
      const inst = await sync('customers');
      expect(inst).toMatchObject({ state: 'running', incidents: 1, waitingAt: [{ activityId: 'syncCustomers' }] });
      const [incident] = await openIncidentOf(inst.id);
      expect(incident?.message).toMatch(/the CRM <.*> answered an unexpected shape: \/0\/fidelityPoint: .*\/1\/lastName/);
      expect((await t.as(sales).get('/api/customers?limit=500')).body).toEqual(before);
      crm.override = { status: 200, body: { customers: [] } };
      const inst2 = await sync('customers');
      expect((await openIncidentOf(inst2.id))[0]?.message).toMatch(/expected array/);
      crm.override = null;
    });

    test('emptying removes every customer', async () => {
      expect((await t.as(sales).delete('/api/customers')).status).toBe(204);
      expect((await t.as(sales).get('/api/customers')).body).toEqual({ items: [], total: 0 });
    });
  });

  test('the local copies are for group sales (and admin)', async () => {
    expect((await t.as(ops).get('/api/products')).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await t.as(ops).post('/api/customers/sync')).status).toBe(403);
    expect((await t.as(ops).delete('/api/products')).status).toBe(403);
    expect((await t.admin.get('/api/customers')).status).toBe(200);
  });
});
