// What the order form and the order page read, over HTTP on SQLite and on Postgres: a client
// lists the catalogue's products to pick from, an order naming a catalogue product is priced at
// the catalogue's price, and the quote document states the validity the process enforces
// (PROCFLOW_QUOTE_EXPIRES_AFTER), with its end computed from the service clock at quote time.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { completeTask, insertGardenProducts } from '../helpers/orders';
import { PROCESSES } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

describe.each(databaseKinds)('order form and order page data on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let supplier: string;
  let alice: string;
  let olga: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: PROCESSES,
      env: { PROCFLOW_DEFAULT_UNIT_PRICE: '12.5', PROCFLOW_QUOTE_REMINDER_AFTER: 'P3D', PROCFLOW_QUOTE_EXPIRES_AFTER: 'P10D' },
    });
    supplier = await createUser(t, 'sophie', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
    olga = await createUser(t, 'olga', ['marketing']);
    await insertGardenProducts(t, [
      ['TDH-02', 'Taille de haie', 42.5],
      ['TON-01', 'Tonte de pelouse', 18],
    ]);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  const complete = (token: string, instanceId: string, activityId: string, variables: Record<string, unknown>) =>
    completeTask(t, token, instanceId, activityId, variables);

  test('a client may search the catalogue to pick products; a user who places no orders may not', async () => {
    const res = await t.as(alice).get('/api/products?q=haie');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ code: 'TDH-02', description: 'Taille de haie', price: 42.5 })]);
    expect((await t.as(supplier).get('/api/products?q=TON-01')).body.items).toEqual([expect.objectContaining({ code: 'TON-01' })]);
    expect((await t.as(olga).get('/api/products')).status).toBe(403);
  });

  test('an order with a catalogue product is priced from the catalogue; a free-text line by the price rule; the quote states the configured validity', async () => {
    // The service clock stands (nearly) still at a known time, so the quote's end is exact.
    expect((await t.admin.put('/api/clock').send({ now: '2026-04-06T09:30:00.000Z', speed: 0.000001 })).status).toBe(200);
    const placed = await t
      .as(alice)
      .post('/api/orders')
      .send({
        customerName: 'Alice Martin',
        email: 'alice@example.com',
        items: [
          { description: 'Taille de haie', quantity: 2, productCode: 'TDH-02' },
          { description: 'Évacuation des déchets verts', quantity: 1 },
        ],
      });
    expect(placed.status).toBe(201);
    const id = placed.body.orderId as string;
    const instanceId = placed.body.processInstanceId as string;
    expect((await t.as(alice).get(`/api/orders/${id}`)).body.items[0]).toEqual({ description: 'Taille de haie', quantity: 2, productCode: 'TDH-02' });

    await complete(supplier, instanceId, 'Task_VerifyOrder', { approved: true });
    const quote = (await t.as(supplier).get(`/api/orders/${id}/quote`).set('Accept', 'application/json')).body;
    expect(quote.lines).toEqual([
      expect.objectContaining({ productCode: 'TDH-02', quantity: 2, unitPrice: 42.5, amount: 85, priceSource: 'catalogue' }),
      expect.objectContaining({ description: 'Évacuation des déchets verts', quantity: 1, unitPrice: 12.5, amount: 12.5, priceSource: 'rule' }),
    ]);
    expect([quote.cost, quote.currency]).toEqual([97.5, 'EUR']);
    expect(quote.text).toContain("Devis valable 10 jours, jusqu'au 16/04/2026 à 09:30 UTC.");
    expect(quote.text).not.toContain('30 jours');

    // The client sees the same quote once the supplier sent it.
    await complete(supplier, instanceId, 'Task_CheckQuote', { quoteApproved: true });
    const sent = await t.as(alice).get(`/api/orders/${id}/quote`);
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Devis valable 10 jours');
  });
});
