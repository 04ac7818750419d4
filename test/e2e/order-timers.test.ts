// The timers on the client's "Evaluate quote" (processes/order-fulfilment.bpmn), over HTTP on
// SQLite and on Postgres, with the e-mails a real SMTP server receives: a non-interrupting
// reminder after PROCFLOW_QUOTE_REMINDER_AFTER (the client may still answer), an interrupting
// expiry after PROCFLOW_QUOTE_EXPIRES_AFTER (the order ends as quote_expired), and both still
// firing after the service was restarted while they waited. Time moves by service clock jumps
// (`PUT /api/clock {now}`), never by sleeping it out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink';
import { createUser, startTestService, type TestService } from '../helpers/test-service';
import { executorRound, waitUntil } from '../helpers/wait';

const MINUTE = 60_000;

/** A processes folder with the order process only: no other process's schedules run while the clock jumps. */
function orderProcessesDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-order-timers-'));
  fs.copyFileSync(path.join(__dirname, '..', '..', 'processes', 'order-fulfilment.bpmn'), path.join(dir, 'order-fulfilment.bpmn'));
  return dir;
}

interface Task {
  id: string;
  activityId: string;
  state: string;
}

interface Placed {
  id: string;
  number: number;
  instanceId: string;
  email: string;
}

interface Instance {
  state: string;
  waitingAt: Array<{ activityId: string }>;
  incidents: number;
  variables: Record<string, unknown>;
}

describe('quote timer configuration', () => {
  test('PROCFLOW_QUOTE_REMINDER_AFTER and PROCFLOW_QUOTE_EXPIRES_AFTER default to P2D and P7D and must be ISO 8601 durations', () => {
    expect(loadConfig({})).toMatchObject({ quoteReminderAfter: 'P2D', quoteExpiresAfter: 'P7D' });
    expect(loadConfig({ PROCFLOW_QUOTE_REMINDER_AFTER: 'PT36H', PROCFLOW_QUOTE_EXPIRES_AFTER: 'P1W' })).toMatchObject({
      quoteReminderAfter: 'PT36H',
      quoteExpiresAfter: 'P1W',
    });
    expect(() => loadConfig({ PROCFLOW_QUOTE_REMINDER_AFTER: '2 days' })).toThrow(/PROCFLOW_QUOTE_REMINDER_AFTER: expected a positive ISO 8601 duration/);
    expect(() => loadConfig({ PROCFLOW_QUOTE_EXPIRES_AFTER: 'PT0S' })).toThrow(/PROCFLOW_QUOTE_EXPIRES_AFTER: expected a positive ISO 8601 duration/);
    expect(() => loadConfig({ PROCFLOW_QUOTE_REMINDER_AFTER: 'P7D', PROCFLOW_QUOTE_EXPIRES_AFTER: 'P3D' })).toThrow(
      /PROCFLOW_QUOTE_REMINDER_AFTER: expected a duration shorter than PROCFLOW_QUOTE_EXPIRES_AFTER \(P3D\), found P7D/,
    );
  });
});

describe.each(databaseKinds)('order timers on %s', (kind) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let t: TestService;
  let env: Record<string, string>;
  let supplier: string;
  let alice: string;
  const processesDir = orderProcessesDir();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    smtp = await startSmtpSink();
    env = {
      PROCFLOW_SMTP_URL: smtp.url,
      PROCFLOW_DEFAULT_UNIT_PRICE: '12.5',
      PROCFLOW_LEGACY_ROUTES_OPEN: 'true',
      PROCFLOW_QUOTE_REMINDER_AFTER: 'PT2M',
      PROCFLOW_QUOTE_EXPIRES_AFTER: 'PT5M',
      PROCFLOW_JOB_POLL_MS: '50',
    };
    t = await startTestService(db, { processesDir, env });
    supplier = await createUser(t, 'sophie', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
  });

  afterEach(async () => {
    // Back to real time at real speed, whatever the test did to the clock.
    await t.admin.put('/api/clock').send({ speed: 1, now: new Date().toISOString() });
  });

  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    await db?.drop();
  });

  async function restart(): Promise<void> {
    await t.stop();
    t = await startTestService(db, { processesDir, env });
  }

  let seq = 0;
  async function place(): Promise<Placed> {
    const email = `timer-customer${++seq}@example.com`;
    const res = await t
      .as(alice)
      .post('/api/orders')
      .send({ customerName: `Client ${seq}`, email, items: [{ description: 'Tonte de pelouse', quantity: 5 }] });
    expect(res.status).toBe(201);
    return { id: res.body.orderId, number: res.body.orderNumber, instanceId: res.body.processInstanceId, email };
  }

  async function openTask(token: string, order: Placed, activityId: string): Promise<Task> {
    const res = await t.as(token).get(`/api/tasks?state=open&processInstanceId=${order.instanceId}`);
    const task = (res.body.items as Task[]).find((x) => x.activityId === activityId);
    if (!task) throw new Error(`no open task <${activityId}>; open: ${JSON.stringify((res.body.items as Task[]).map((x) => x.activityId))}`);
    return task;
  }

  async function complete(token: string, order: Placed, activityId: string, variables: Record<string, unknown>): Promise<void> {
    const task = await openTask(token, order, activityId);
    const res = await t.as(token).post(`/api/tasks/${task.id}/complete`).send({ variables });
    expect(res.status).toBe(200);
  }

  async function status(order: Placed): Promise<string> {
    const res = await t.as(alice).get(`/api/orders/${order.id}`);
    expect(res.status).toBe(200);
    return res.body.status as string;
  }

  const instance = async (order: Placed) => (await t.admin.get(`/api/process-instances/${order.instanceId}`)).body as Instance;

  const legacy = async (route: 'check_order' | 'check_quote' | 'check_realization', order: Placed) =>
    (await t.http.get(`/${route}/${order.number}`)).body.message as string;

  const notes = async (order: Placed) =>
    ((await t.as(supplier).get(`/api/orders/${order.id}/notifications`)).body.items as Array<{ kind: string; state: string }>).map(
      (n) => `${n.kind}:${n.state}`,
    );

  const mailsTo = (order: Placed) => (m: ReceivedMail) => m.to.includes(order.email);
  const reminderTo = (order: Placed) => (m: ReceivedMail) => mailsTo(order)(m) && m.subject.startsWith('Rappel');
  const expiryTo = (order: Placed) => (m: ReceivedMail) => mailsTo(order)(m) && m.subject.includes('expiré');

  async function clockNow(): Promise<number> {
    return Date.parse((await t.admin.get('/api/clock')).body.now as string);
  }

  /** Moves service time to `ms` after `from` (the job executor then fires what is due). */
  async function jumpTo(from: number, ms: number): Promise<void> {
    const res = await t.admin.put('/api/clock').send({ now: new Date(from + ms).toISOString() });
    expect(res.status).toBe(200);
  }

  /** Places an order and drives it to "Evaluate quote"; returns it with the service time the quote was sent at. */
  async function quoted(): Promise<{ order: Placed; sentAt: number; quoteNumber: string }> {
    const order = await place();
    await complete(supplier, order, 'Task_VerifyOrder', { approved: true });
    await complete(supplier, order, 'Task_CheckQuote', { quoteApproved: true });
    const sentAt = await clockNow();
    expect(await status(order)).toBe('quote_sent');
    await smtp.waitFor(mailsTo(order));
    const quoteNumber = (await t.as(alice).get(`/api/orders/${order.id}`)).body.quote.number as string;
    return { order, sentAt, quoteNumber };
  }

  test('1. an unanswered quote gets one reminder; the client can still accept it and the order carries on', async () => {
    const { order, sentAt, quoteNumber } = await quoted();
    expect((await instance(order)).variables).toMatchObject({ quoteReminderAfter: 'PT2M', quoteExpiresAfter: 'PT5M' });

    // Not yet: a minute and a half later nothing was sent.
    await jumpTo(sentAt, 1.5 * MINUTE);
    await executorRound(t.admin);
    expect(smtp.mails.filter(reminderTo(order))).toEqual([]);

    await jumpTo(sentAt, 2 * MINUTE + 1000);
    const [reminder] = await smtp.waitFor(reminderTo(order));
    expect(reminder?.subject).toBe(`Rappel : devis ${quoteNumber} pour votre commande n° ${order.number}`);
    expect(reminder?.text).toContain(`Le devis ${quoteNumber} pour votre commande n° ${order.number}, d'un montant de 62,50 €, attend toujours votre réponse.`);
    expect(reminder?.text).toContain('Acceptez-le ou refusez-le dans votre liste de tâches.');
    // Non-interrupting: the quote still waits for the client's answer.
    expect(await status(order)).toBe('quote_sent');
    expect(await legacy('check_quote', order)).toBe('Votre devis a été vérifiée');
    await waitUntil(async () => (await instance(order)).waitingAt.every((w) => w.activityId !== 'Task_RemindClient'), 'the reminder task to have ended');
    expect((await instance(order)).waitingAt.map((w) => w.activityId)).toEqual(['Task_EvaluateQuote', 'Event_QuoteAnswerReceived']);

    await executorRound(t.admin);
    expect(smtp.mails.filter(reminderTo(order))).toHaveLength(1);
    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent']);

    await complete(alice, order, 'Task_EvaluateQuote', { accepted: true });
    expect(await status(order)).toBe('in_progress');
    // The expiry went with the task: past its due time nothing happens.
    await jumpTo(sentAt, 6 * MINUTE);
    await executorRound(t.admin);
    expect(smtp.mails.filter(expiryTo(order))).toEqual([]);
    expect(await status(order)).toBe('in_progress');
    expect((await instance(order)).waitingAt.map((w) => w.activityId)).toEqual(['Event_ServiceDone', 'Task_PerformService']);

    await complete(supplier, order, 'Task_PerformService', { serviceReport: 'Pelouse tondue' });
    await complete(alice, order, 'Task_ConfirmService', { satisfied: true });
    expect(await status(order)).toBe('completed');
    expect(await instance(order)).toMatchObject({ state: 'completed', waitingAt: [], incidents: 0 });
    const history = (await t.as(alice).get(`/api/orders/${order.id}`)).body.history as Array<{ activityId: string | null; event: string }>;
    expect(history.map((h) => h.activityId ?? h.event)).toEqual([
      'instance-start',
      'Task_VerifyOrder',
      'Task_GenerateQuote',
      'Task_CheckQuote',
      'Task_SendQuote',
      'Task_RemindClient',
      'Task_EvaluateQuote',
      'Task_PerformService',
      'Task_NotifyServiceDone',
      'Task_ConfirmService',
      'instance-end',
    ]);
    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent', 'service-done:sent']);
  });

  test('2. a quote left unanswered expires: the client is told, the order is quote_expired, nothing is left waiting', async () => {
    const { order, sentAt, quoteNumber } = await quoted();
    // Past the reminder the quote still waits; past the expiry it has expired.
    await jumpTo(sentAt, 2 * MINUTE + 1000);
    await smtp.waitFor(reminderTo(order));
    expect(await status(order)).toBe('quote_sent');
    await jumpTo(sentAt, 5 * MINUTE + 1000);
    const [expiry] = await smtp.waitFor(expiryTo(order));

    expect(expiry?.subject).toBe(`Commande n° ${order.number} : devis ${quoteNumber} expiré`);
    expect(expiry?.text).toContain(`Le devis ${quoteNumber} pour votre commande n° ${order.number} a expiré sans réponse de votre part.`);
    expect(expiry?.text).toContain('Veuillez passer une nouvelle commande.');

    await waitUntil(async () => (await instance(order)).state === 'completed', 'the order process to have completed');
    expect(await instance(order)).toMatchObject({ state: 'completed', waitingAt: [], incidents: 0, variables: { quoteExpired: true, accepted: false } });
    expect(await status(order)).toBe('quote_expired');
    expect(await legacy('check_order', order)).toBe('Votre commande a été vérifiée');
    expect(await legacy('check_quote', order)).toBe('Devis expiré, veuillez passer une nouvelle commande');
    expect(await legacy('check_realization', order)).toBe('Devis expiré, veuillez passer une nouvelle commande');

    // The client's task was cancelled by the expiry and can no longer be done.
    const tasks = (await t.admin.get(`/api/tasks?processInstanceId=${order.instanceId}`)).body.items as Task[];
    expect(tasks.map((x) => `${x.activityId}:${x.state}`)).toEqual(['Task_VerifyOrder:completed', 'Task_CheckQuote:completed', 'Task_EvaluateQuote:cancelled']);
    const evaluate = tasks.find((x) => x.activityId === 'Task_EvaluateQuote') as Task;
    const late = await t
      .as(alice)
      .post(`/api/tasks/${evaluate.id}/complete`)
      .send({ variables: { accepted: true } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TASK_NOT_OPEN');

    // The supplier was told as for a refusal and ended there: no service was performed.
    const history = (await t.admin.get(`/api/process-instances/${order.instanceId}/history`)).body as Array<{ activityId: string | null; event: string }>;
    const ended = history.filter((h) => h.event === 'end').map((h) => h.activityId);
    expect(ended).toEqual(expect.arrayContaining(['Task_RemindClient', 'Task_NotifyQuoteExpired', 'EndEvent_ClientQuoteExpired', 'EndEvent_QuoteRefused']));
    expect(ended).not.toContain('Task_EvaluateQuote');
    expect(ended).not.toContain('Task_PerformService');
    expect(history.filter((h) => h.event === 'instance-end')).toHaveLength(1);

    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent', 'quote-expired:sent']);
    await executorRound(t.admin);
    expect(smtp.mails.filter(mailsTo(order)).map((m) => m.subject)).toHaveLength(3);
  });

  test('3. a restart while the quote waits: the reminder is still sent, once, and so is the expiry after another restart', async () => {
    const { order, sentAt } = await quoted();
    await restart();
    expect(await status(order)).toBe('quote_sent');
    await jumpTo(sentAt, 2 * MINUTE + 1000);
    await smtp.waitFor(reminderTo(order));
    await waitUntil(async () => (await notes(order)).includes('quote-reminder:sent'), 'the reminder to be noted as sent');
    expect(await status(order)).toBe('quote_sent');

    await restart();
    await executorRound(t.admin);
    expect(smtp.mails.filter(reminderTo(order))).toHaveLength(1);
    await jumpTo(sentAt, 5 * MINUTE + 1000);
    await smtp.waitFor(expiryTo(order));
    await waitUntil(async () => (await instance(order)).state === 'completed', 'the order process to have completed');
    expect(await status(order)).toBe('quote_expired');
    expect(await instance(order)).toMatchObject({ waitingAt: [], incidents: 0 });
    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent', 'quote-expired:sent']);
    expect(smtp.mails.filter(reminderTo(order))).toHaveLength(1);
    expect(smtp.mails.filter(expiryTo(order))).toHaveLength(1);
  });

  test('4. an expiry e-mail that cannot be sent holds the supplier back (an incident); its retry mails it once and ends the order', async () => {
    const { order, sentAt } = await quoted();
    await jumpTo(sentAt, 2 * MINUTE + 1000);
    await smtp.waitFor(reminderTo(order));
    await waitUntil(async () => (await notes(order)).includes('quote-reminder:sent'), 'the reminder to be noted as sent');

    // Nothing listens on port 1: the SMTP connection is refused.
    const good = env;
    env = { ...good, PROCFLOW_SMTP_URL: 'smtp://127.0.0.1:1', PROCFLOW_SERVICE_RETRIES: '0' };
    await restart();
    await jumpTo(sentAt, 5 * MINUTE + 1000);
    await waitUntil(async () => (await instance(order)).incidents === 1, 'an incident on the expiry e-mail');
    const held = await instance(order);
    expect(held.state).toBe('running');
    expect(held.waitingAt.map((w) => w.activityId).sort()).toEqual(['Event_QuoteAnswerReceived', 'Task_NotifyQuoteExpired']);
    expect(await status(order)).toBe('quote_expired');
    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent', 'quote-expired:pending']);

    env = good;
    await restart();
    const [incident] = (await t.admin.get(`/api/incidents?state=open&processInstanceId=${order.instanceId}`)).body.items as Array<{
      id: string;
      activityId: string;
    }>;
    expect(incident?.activityId).toBe('Task_NotifyQuoteExpired');
    expect((await t.admin.post(`/api/incidents/${incident?.id}/retry`)).status).toBe(200);
    await smtp.waitFor(expiryTo(order));
    expect(await instance(order)).toMatchObject({ state: 'completed', waitingAt: [], incidents: 0 });
    expect(await status(order)).toBe('quote_expired');
    expect(await notes(order)).toEqual(['quote:sent', 'quote-reminder:sent', 'quote-expired:sent']);
    expect(smtp.mails.filter(expiryTo(order))).toHaveLength(1);
  });
});
