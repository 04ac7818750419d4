// Order handling between a client and a supplier (processes/order-fulfilment.bpmn), over HTTP on
// SQLite and on Postgres: the prototype's five cases driven through the task lists by a client
// user and a supplier user, restarts at every wait of the longest case, who may see and do what,
// the quote document, the e-mails as a real SMTP server receives them, and the prototype's routes.
import path from 'node:path';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink';
import { ADMIN_TOKEN, createUser, startTestService, type TestService } from '../helpers/test-service';

const PROCESSES = path.join(__dirname, '..', '..', 'processes');

interface Task {
  id: string;
  activityId: string;
  candidateGroups: string[];
  assignee: string | null;
  state: string;
  form: { fields: Array<{ id: string; type: string; required: boolean }> };
}

interface Placed {
  id: string;
  number: number;
  instanceId: string;
  email: string;
}

describe.each(databaseKinds)('orders on %s', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let t: TestService;
  let env: Record<string, string>;
  let supplier: string;
  let alice: string;
  let bob: string;
  let outsider: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    smtp = await startSmtpSink();
    env = { PROCFLOW_SMTP_URL: smtp.url, PROCFLOW_DEFAULT_UNIT_PRICE: '12.5', PROCFLOW_LEGACY_ROUTES_OPEN: 'true' };
    t = await startTestService(db, { processesDir: PROCESSES, env });
    supplier = await createUser(t, 'sophie', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
    bob = await createUser(t, 'bob', ['client']);
    outsider = await createUser(t, 'olga', ['marketing']);
  });

  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    await db?.drop();
  });

  /** Stops the service and starts a new one on the same database (optionally with other settings). */
  async function restart(changes: Record<string, string | undefined> = {}): Promise<void> {
    await t.stop();
    const next = { ...env };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    t = await startTestService(db, { processesDir: PROCESSES, env: next });
  }

  let seq = 0;
  async function place(token: string, body: Record<string, unknown> = {}): Promise<Placed> {
    const email = `customer${++seq}@example.com`;
    const res = await t
      .as(token)
      .post('/api/orders')
      .send({
        customerName: `Client ${seq}`,
        email,
        items: [
          { description: 'Tonte de pelouse', quantity: 3 },
          { description: 'Taille de haie', quantity: 2 },
        ],
        ...body,
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orderId: expect.any(String), processInstanceId: expect.any(String), status: 'awaiting_validation' });
    return { id: res.body.orderId, number: res.body.orderNumber, instanceId: res.body.processInstanceId, email: (body.email as string | undefined) ?? email };
  }

  async function openTask(token: string, order: Placed, activityId: string): Promise<Task> {
    const res = await t.as(token).get(`/api/tasks?state=open&processInstanceId=${order.instanceId}`);
    expect(res.status).toBe(200);
    const task = (res.body.items as Task[]).find((x) => x.activityId === activityId);
    if (!task) throw new Error(`no open task <${activityId}> for this user; open: ${JSON.stringify((res.body.items as Task[]).map((x) => x.activityId))}`);
    return task;
  }

  async function complete(token: string, order: Placed, activityId: string, variables: Record<string, unknown>): Promise<void> {
    const task = await openTask(token, order, activityId);
    const res = await t.as(token).post(`/api/tasks/${task.id}/complete`).send({ variables });
    expect(res.status).toBe(200);
  }

  async function status(token: string, order: Placed): Promise<string> {
    const res = await t.as(token).get(`/api/orders/${order.id}`);
    expect(res.status).toBe(200);
    return res.body.status as string;
  }

  async function legacy(route: 'check_order' | 'check_quote' | 'check_realization', order: Placed): Promise<string> {
    const res = await t.http.get(`/${route}/${order.number}`);
    expect(res.status).toBe(200);
    return res.body.message as string;
  }

  const mailsTo = (order: Placed) => (m: ReceivedMail) => m.to.includes(order.email);

  async function approveAndQuote(order: Placed): Promise<void> {
    await complete(supplier, order, 'Task_VerifyOrder', { approved: true });
    await complete(supplier, order, 'Task_CheckQuote', { quoteApproved: true });
  }

  test('1. everything goes well: verified, quoted, accepted, performed, confirmed', async () => {
    const order = await place(alice);
    const placed = (await t.as(alice).get(`/api/orders/${order.id}`)).body;
    expect(placed).toMatchObject({
      id: order.id,
      customerName: expect.any(String),
      email: order.email,
      clientUser: 'alice',
      items: [
        { description: 'Tonte de pelouse', quantity: 3 },
        { description: 'Taille de haie', quantity: 2 },
      ],
      status: 'awaiting_validation',
    });
    expect(placed.cost).toBeUndefined();
    expect(placed.history[0]).toMatchObject({ event: 'instance-start', by: 'alice' });
    expect(await legacy('check_order', order)).toBe('Commande en attente de validation');

    const verify = await openTask(supplier, order, 'Task_VerifyOrder');
    expect(verify).toMatchObject({ candidateGroups: ['supplier'], assignee: null });
    expect(verify.form.fields.find((f) => f.id === 'approved')).toMatchObject({ type: 'boolean', required: true });
    await complete(supplier, order, 'Task_VerifyOrder', { approved: true });
    expect(await status(alice, order)).toBe('quote_pending');
    expect(await legacy('check_order', order)).toBe('Votre commande a été vérifiée');
    expect(await legacy('check_quote', order)).toBe('Votre devis est en attente de validation');
    // The supplier sees the draft quote; the client only once it is sent.
    const draft = await t.as(supplier).get(`/api/orders/${order.id}/quote`).set('Accept', 'application/json');
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ cost: 62.5, currency: 'EUR', sentAt: null });
    const early = await t.as(alice).get(`/api/orders/${order.id}/quote`);
    expect(early.status).toBe(404);
    expect(early.body.code).toBe('QUOTE_NOT_FOUND');

    await complete(supplier, order, 'Task_CheckQuote', { quoteApproved: true });
    expect(await status(alice, order)).toBe('quote_sent');
    const sent = (await t.as(alice).get(`/api/orders/${order.id}`)).body;
    expect(sent.cost).toBe(62.5);
    expect(sent.quote).toMatchObject({ number: expect.stringMatching(/^Q-\d{4}-\d{6}$/), cost: 62.5, currency: 'EUR', sentAt: expect.any(String) });
    const number = sent.quote.number as string;
    expect(await legacy('check_quote', order)).toBe('Votre devis a été vérifiée');
    expect(await legacy('check_realization', order)).toBe('Prestation pas encore commencée, devis en attente de votre réponse');

    const [mail] = await smtp.waitFor(mailsTo(order));
    expect(mail?.subject).toBe(`Devis ${number} pour votre commande n° ${order.number}`);
    expect(mail?.text).toContain("d'un montant de 62,50 €");
    expect(mail?.raw).toMatch(/Content-Type: application\/pdf; name=devis-Q-\d{4}-\d{6}\.pdf/);

    const evaluate = await openTask(alice, order, 'Task_EvaluateQuote');
    expect(evaluate).toMatchObject({ assignee: 'alice', candidateGroups: [] });
    await complete(alice, order, 'Task_EvaluateQuote', { accepted: true });
    expect(await status(alice, order)).toBe('in_progress');
    expect(await legacy('check_quote', order)).toBe('Devis accepté');
    expect(await legacy('check_realization', order)).toBe('Prestation en cours');

    await complete(supplier, order, 'Task_PerformService', { serviceReport: 'Pelouse tondue, haie taillée' });
    expect(await status(alice, order)).toBe('service_done');
    expect(await legacy('check_realization', order)).toBe('Le service a été réalisé');
    const [done] = await smtp.waitFor((m) => mailsTo(order)(m) && m.subject.includes('prestation réalisée'));
    expect(done?.text).toContain('Pelouse tondue, haie taillée');

    await complete(alice, order, 'Task_ConfirmService', { satisfied: true });
    const final = (await t.as(alice).get(`/api/orders/${order.id}`)).body;
    expect(final.status).toBe('completed');
    expect(await legacy('check_order', order)).toBe('Commande terminée');
    expect(await legacy('check_realization', order)).toBe('Le service a été réalisé');
    expect((await t.admin.get(`/api/process-instances/${order.instanceId}`)).body).toMatchObject({ state: 'completed', waitingAt: [], incidents: 0 });
    const steps = (final.history as Array<{ activityId: string | null; event: string; by?: string }>).map(
      (h) => `${h.activityId ?? h.event}${h.by ? `@${h.by}` : ''}`,
    );
    expect(steps).toEqual([
      'instance-start@alice',
      'Task_VerifyOrder@sophie',
      'Task_GenerateQuote',
      'Task_CheckQuote@sophie',
      'Task_SendQuote',
      'Task_EvaluateQuote@alice',
      'Task_PerformService@sophie',
      'Task_NotifyServiceDone',
      'Task_ConfirmService@alice',
      'instance-end',
    ]);
    expect(smtp.mails.filter(mailsTo(order)).map((m) => m.subject)).toHaveLength(2);
  });

  test('2. the supplier rejects the order: the client is told to place a new one', async () => {
    const order = await place(alice);
    await complete(supplier, order, 'Task_VerifyOrder', { approved: false, rejectionReason: 'zone non desservie' });
    expect(await status(alice, order)).toBe('rejected');
    expect((await t.admin.get(`/api/process-instances/${order.instanceId}`)).body.state).toBe('completed');
    const [mail] = await smtp.waitFor(mailsTo(order));
    expect(mail?.subject).toBe(`Commande n° ${order.number} rejetée`);
    expect(mail?.text).toContain('a été rejetée : zone non desservie.');
    expect(mail?.text).toContain('Veuillez passer une nouvelle commande.');
    expect(await legacy('check_order', order)).toBe('Votre commande a été invalidée, veuillez remplacer votre commande');
    expect(await legacy('check_quote', order)).toBe('Votre commande a été invalidée, veuillez remplacer votre commande');
    expect((await t.as(supplier).get(`/api/orders/${order.id}/quote`)).status).toBe(404);
  });

  test('3. the supplier rejects the quote: the client is told to place a new order and never sees it', async () => {
    const order = await place(alice);
    await complete(supplier, order, 'Task_VerifyOrder', { approved: true });
    await complete(supplier, order, 'Task_CheckQuote', { quoteApproved: false, quoteRejectionReason: 'tarif à revoir' });
    expect(await status(alice, order)).toBe('quote_rejected_by_supplier');
    const [mail] = await smtp.waitFor(mailsTo(order));
    expect(mail?.subject).toBe(`Commande n° ${order.number} : devis non retenu`);
    expect(mail?.text).toContain('Veuillez passer une nouvelle commande.');
    expect(await legacy('check_quote', order)).toBe('Devis rejeté par le fournisseur, veuillez passer une nouvelle commande');
    expect((await t.as(alice).get(`/api/orders/${order.id}/quote`)).status).toBe(404);
    expect((await t.as(alice).get(`/api/orders/${order.id}`)).body.quote).toBeUndefined();
    expect((await t.admin.get(`/api/process-instances/${order.instanceId}`)).body.state).toBe('completed');
  });

  test('4. the client refuses the quote', async () => {
    const order = await place(alice);
    await approveAndQuote(order);
    await complete(alice, order, 'Task_EvaluateQuote', { accepted: false, refusalReason: 'trop cher' });
    expect(await status(alice, order)).toBe('quote_refused');
    expect(await legacy('check_quote', order)).toBe('Devis refusé');
    expect(await legacy('check_realization', order)).toBe('Devis refusé, pas de prestation');
    expect((await t.admin.get(`/api/process-instances/${order.instanceId}`)).body.state).toBe('completed');
    // The quote stays readable: it was sent.
    expect((await t.as(alice).get(`/api/orders/${order.id}/quote`)).status).toBe(200);
  });

  test('5. the client disputes the service, the supplier redoes it, the client confirms — with a restart at every wait', async () => {
    const order = await place(alice);
    const step = async (token: string, activityId: string, variables: Record<string, unknown>, expected: string) => {
      await restart();
      await complete(token, order, activityId, variables);
      expect(await status(alice, order)).toBe(expected);
    };
    await step(supplier, 'Task_VerifyOrder', { approved: true }, 'quote_pending');
    await step(supplier, 'Task_CheckQuote', { quoteApproved: true }, 'quote_sent');
    await step(alice, 'Task_EvaluateQuote', { accepted: true }, 'in_progress');
    await step(supplier, 'Task_PerformService', {}, 'service_done');
    await step(alice, 'Task_ConfirmService', { satisfied: false, disputeReason: 'la haie n’est pas taillée' }, 'service_disputed');
    expect(await legacy('check_realization', order)).toBe('Prestation contestée, reprise en cours');
    // The supplier sees why, on the task it does again.
    const redo = await t.as(supplier).get(`/api/tasks/${(await openTask(supplier, order, 'Task_PerformService')).id}`);
    expect(redo.body.variables).toMatchObject({ satisfied: false, disputeReason: 'la haie n’est pas taillée' });
    await step(supplier, 'Task_PerformService', { serviceReport: 'haie taillée' }, 'service_done');
    await step(alice, 'Task_ConfirmService', { satisfied: true }, 'completed');

    const tasks = (await t.admin.get(`/api/tasks?processInstanceId=${order.instanceId}`)).body.items as Task[];
    expect(tasks.map((x) => `${x.activityId}:${x.state}`)).toEqual([
      'Task_VerifyOrder:completed',
      'Task_CheckQuote:completed',
      'Task_EvaluateQuote:completed',
      'Task_PerformService:completed',
      'Task_ConfirmService:completed',
      'Task_PerformService:completed',
      'Task_ConfirmService:completed',
    ]);
    // One mail per notification, none repeated by the restarts.
    const notes = (await t.as(supplier).get(`/api/orders/${order.id}/notifications`)).body.items as Array<{ kind: string; state: string }>;
    expect(notes.map((n) => `${n.kind}:${n.state}`)).toEqual(['quote:sent', 'service-done:sent', 'service-done:sent']);
    await smtp.waitFor(mailsTo(order), 3);
    expect(smtp.mails.filter(mailsTo(order))).toHaveLength(3);
  });

  test('the quote document: numbered text with the order and the cost, a PDF, and JSON on Accept', async () => {
    const order = await place(alice, {
      items: [
        { description: 'Élagage', quantity: 4, productCode: 'ELA-01' },
        { description: 'Évacuation des déchets', quantity: 1 },
      ],
    });
    await approveAndQuote(order);
    const json = (await t.as(alice).get(`/api/orders/${order.id}/quote`).set('Accept', 'application/json')).body;
    // ELA-01 is not in the catalogue: every item is priced by PROCFLOW_DEFAULT_UNIT_PRICE (12.5).
    expect(json).toMatchObject({ cost: 62.5, currency: 'EUR', orderId: order.id });
    expect(json.lines).toEqual([
      expect.objectContaining({ description: 'Élagage', productCode: 'ELA-01', quantity: 4, unitPrice: 12.5, amount: 50, priceSource: 'rule' }),
      expect.objectContaining({ description: 'Évacuation des déchets', quantity: 1, unitPrice: 12.5, amount: 12.5, priceSource: 'rule' }),
    ]);

    const text = await t.as(alice).get(`/api/orders/${order.id}/quote`);
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toContain(`DEVIS ${json.number as string}`);
    expect(text.text).toContain(`Commande n° ${order.number}`);
    expect(text.text).toContain(`<${order.email}>`);
    expect(text.text).toContain('Élagage (ELA-01)');
    expect(text.text).toMatch(/Total\s+62,50 €/);

    const pdf = await t
      .as(alice)
      .get(`/api/orders/${order.id}/quote`)
      .set('Accept', 'application/pdf')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.subarray(-6).toString()).toContain('%%EOF');
    // Served the same bytes each time: the document is stored, not redrawn.
    const again = await t.as(supplier).get(`/api/orders/${order.id}/quote`).set('Accept', 'application/pdf').buffer(true);
    expect(Buffer.from(again.body as Buffer).equals(bytes)).toBe(true);
  });

  test('an item whose product code the synced catalogue knows is priced at the catalogue price', async () => {
    const now = new Date().toISOString();
    await t.service.store.db.knex('products').insert({
      code: 'CAT-7',
      source_id: '7',
      description: 'Taille de haie',
      family: 'Jardin',
      packaging: 'Forfait',
      price: 42.5,
      min_quantity: 1,
      search_text: 'cat-7 taille de haie jardin',
      content_hash: 'test',
      created_at: now,
      updated_at: now,
      synced_at: now,
    });
    const order = await place(alice, {
      items: [
        { description: 'Taille de haie', quantity: 2, productCode: 'CAT-7' },
        { description: 'Déplacement', quantity: 1, productCode: 'UNKNOWN-1' },
      ],
    });
    await approveAndQuote(order);
    const json = (await t.as(alice).get(`/api/orders/${order.id}/quote`).set('Accept', 'application/json')).body;
    expect(json.lines).toEqual([
      expect.objectContaining({ productCode: 'CAT-7', quantity: 2, unitPrice: 42.5, amount: 85, priceSource: 'catalogue' }),
      expect.objectContaining({ productCode: 'UNKNOWN-1', quantity: 1, unitPrice: 12.5, amount: 12.5, priceSource: 'rule' }),
    ]);
    expect(json.cost).toBe(97.5);
  });

  test('a client cannot act on a supplier task (403) nor on another client’s task, and does not see them', async () => {
    const order = await place(alice);
    const verify = await openTask(supplier, order, 'Task_VerifyOrder');
    const res = await t
      .as(alice)
      .post(`/api/tasks/${verify.id}/complete`)
      .send({ variables: { approved: true } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('NOT_A_CANDIDATE');
    expect((await t.as(alice).get(`/api/tasks?state=open&processInstanceId=${order.instanceId}`)).body.items).toEqual([]);

    await approveAndQuote(order);
    const evaluate = await openTask(alice, order, 'Task_EvaluateQuote');
    const other = await t
      .as(bob)
      .post(`/api/tasks/${evaluate.id}/complete`)
      .send({ variables: { accepted: true } });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('NOT_A_CANDIDATE');
    const bySupplier = await t
      .as(supplier)
      .post(`/api/tasks/${evaluate.id}/complete`)
      .send({ variables: { accepted: true } });
    expect(bySupplier.status).toBe(403);
    expect(await status(alice, order)).toBe('quote_sent');
  });

  test('a client reads only its own orders: another client’s order is 404 and absent from its list', async () => {
    const mine = await place(alice);
    const theirs = await place(bob);
    const res = await t.as(bob).get(`/api/orders/${mine.id}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('ORDER_NOT_FOUND');
    expect((await t.as(bob).get(`/api/orders/${mine.id}/quote`)).status).toBe(404);
    const list = (await t.as(bob).get('/api/orders')).body as { items: Array<{ id: string; clientUser: string }>; total: number };
    expect(list.items.map((o) => o.id)).toContain(theirs.id);
    expect(list.items.every((o) => o.clientUser === 'bob')).toBe(true);
    expect(list.total).toBe(list.items.length);
    const all = (await t.as(supplier).get('/api/orders?limit=500')).body as { items: Array<{ id: string }> };
    expect(all.items.map((o) => o.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    // With the prototype's routes behind a token, the same rule holds there.
    await restart({ PROCFLOW_LEGACY_ROUTES_OPEN: undefined });
    expect((await t.http.get(`/check_order/${mine.number}`)).status).toBe(401);
    expect((await t.as(bob).get(`/check_order/${mine.number}`)).status).toBe(404);
    expect((await t.as(alice).get(`/check_order/${mine.number}`)).body).toEqual({ message: 'Commande en attente de validation' });
    await restart();
  });

  test('a supplier places an order for a client user, who then sees it and does its client tasks', async () => {
    const order = await place(supplier, { clientUser: 'bob' });
    expect((await t.as(bob).get(`/api/orders/${order.id}`)).body).toMatchObject({ clientUser: 'bob', status: 'awaiting_validation' });
    await approveAndQuote(order);
    expect((await openTask(bob, order, 'Task_EvaluateQuote')).assignee).toBe('bob');
    const bad = await t
      .as(supplier)
      .post('/api/orders')
      .send({ customerName: 'X', email: 'x@example.com', items: [{ description: 'a', quantity: 1 }], clientUser: 'sophie' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/clientUser' })]);
    const forOther = await t
      .as(alice)
      .post('/api/orders')
      .send({ customerName: 'X', email: 'x@example.com', items: [{ description: 'a', quantity: 1 }], clientUser: 'bob' });
    expect(forOther.status).toBe(403);
  });

  test('placing an order checks the body and the caller', async () => {
    const bad = await t
      .as(alice)
      .post('/api/orders')
      .send({ customerName: '', email: 'not-an-email', items: [{ description: 'a', quantity: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/customerName', '/email', '/items/0/quantity']);
    expect((await t.as(alice).post('/api/orders').send({ customerName: 'A', email: 'a@example.com', items: [] })).status).toBe(400);
    const stranger = await t
      .as(outsider)
      .post('/api/orders')
      .send({ customerName: 'A', email: 'a@example.com', items: [{ description: 'a', quantity: 1 }] });
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe('FORBIDDEN');
    expect((await t.as(outsider).get('/api/orders')).status).toBe(403);
    expect((await t.http.get('/api/orders')).status).toBe(401);
  });

  test('cancelling the order’s instance cancels the order', async () => {
    const order = await place(alice);
    expect((await t.as(alice).delete(`/api/process-instances/${order.instanceId}`)).status).toBe(204);
    expect(await status(alice, order)).toBe('cancelled');
    expect(await legacy('check_order', order)).toBe('Commande annulée');
  });

  test('the prototype’s routes: place an order anonymously (when open) and follow it with French messages', async () => {
    const res = await t.http.post('/place_order').send({ name: 'Jean Dupont', email: 'jean@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Commande reçue, en attente de validation', order_id: expect.any(Number) });
    const order: Placed = { id: '', number: res.body.order_id as number, instanceId: '', email: 'jean@example.com' };
    const listed = (await t.as(supplier).get('/api/orders?limit=500')).body.items as Array<{
      id: string;
      number: number;
      processInstanceId: string;
      clientUser: string | null;
    }>;
    const row = listed.find((o) => o.number === order.number);
    expect(row).toMatchObject({ clientUser: null });
    Object.assign(order, { id: row?.id, instanceId: row?.processInstanceId });

    expect(await legacy('check_order', order)).toBe('Commande en attente de validation');
    expect(await legacy('check_quote', order)).toBe('Commande en attente de validation, pas encore de devis');
    expect(await legacy('check_realization', order)).toBe('Prestation pas encore commencée');
    await approveAndQuote(order);
    // One item "Prestation" × 1 at the price rule.
    expect(await legacy('check_quote', order)).toBe('Votre devis a été vérifiée');
    // No client account: the client's decisions fall to an admin.
    expect((await openTask(ADMIN_TOKEN, order, 'Task_EvaluateQuote')).assignee).toBeNull();

    const missing = await t.http.get('/check_order/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'ORDER_NOT_FOUND', detail: 'Commande 999999 introuvable' });
    expect((await t.http.get('/check_quote/abc')).status).toBe(404);
    expect((await t.http.post('/place_order').send({ name: 'X' })).status).toBe(400);
  });

  test('a quote e-mail that cannot be sent leaves an incident; its retry mails it once and the order carries on', async () => {
    // Nothing listens on port 1: the SMTP connection is refused.
    await restart({ PROCFLOW_SMTP_URL: 'smtp://127.0.0.1:1', PROCFLOW_SERVICE_RETRIES: '0' });
    const order = await place(alice);
    await approveAndQuote(order);
    expect(await status(alice, order)).toBe('quote_pending');
    const instance = (await t.admin.get(`/api/process-instances/${order.instanceId}`)).body;
    expect(instance).toMatchObject({ state: 'running', incidents: 1 });
    expect(instance.waitingAt.map((w: { activityId: string }) => w.activityId)).toContain('Task_SendQuote');
    expect((await t.as(alice).get(`/api/orders/${order.id}/quote`)).status).toBe(404);
    const pending = (await t.as(supplier).get(`/api/orders/${order.id}/notifications`)).body.items as Array<{ state: string }>;
    expect(pending.map((n) => n.state)).toEqual(['pending']);

    await restart();
    const [incident] = (await t.admin.get(`/api/incidents?state=open&processInstanceId=${order.instanceId}`)).body.items as Array<{ id: string }>;
    expect((await t.admin.post(`/api/incidents/${incident?.id}/retry`)).status).toBe(200);
    expect(await status(alice, order)).toBe('quote_sent');
    await smtp.waitFor(mailsTo(order));
    const notes = (await t.as(supplier).get(`/api/orders/${order.id}/notifications`)).body.items as Array<{ kind: string; state: string }>;
    expect(notes.map((n) => `${n.kind}:${n.state}`)).toEqual(['quote:sent']);
    expect(smtp.mails.filter(mailsTo(order))).toHaveLength(1);
  });

  test('without PROCFLOW_SMTP_URL a notification is recorded and logged, not mailed', async () => {
    await restart({ PROCFLOW_SMTP_URL: undefined });
    const order = await place(alice);
    await complete(supplier, order, 'Task_VerifyOrder', { approved: false });
    const notes = (await t.as(alice).get(`/api/orders/${order.id}/notifications`)).body.items as Array<{ kind: string; state: string; subject: string }>;
    expect(notes).toEqual([expect.objectContaining({ kind: 'order-rejected', state: 'recorded', subject: `Commande n° ${order.number} rejetée` })]);
    expect(smtp.mails.filter(mailsTo(order))).toEqual([]);
    await restart();
  });
});
