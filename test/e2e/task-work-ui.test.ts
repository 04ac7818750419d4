// Working on tasks in the web UI, in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), on SQLite and on Postgres, with the bundled order process
// (processes/order-fulfilment.bpmn): the supplier opens "Check quote" and sees the order's items
// and the quote's total in euros, the client opens "Evaluate quote", sees the total and downloads
// the quote document; a candidate claims a task and unclaims it, an admin assigns it to another
// candidate who finds it under "Assigned to me"; the service clock run fast, moved on and set back
// leaves no negative duration on the task list, the instance page, the cockpit or the jobs page.
// The Check-quote form's screenshot is docs/screenshots/check-quote-task.png (written there with
// PROCFLOW_UPDATE_SCREENSHOTS=1, else to test-artifacts/).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, buildWebUi, describeIfChromium, docsScreenshot, launchChromium, requireChromium, screenshot, signedInPage } from '../helpers/browser';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { completeTask, insertGardenProducts } from '../helpers/orders';
import { PROCESSES } from '../helpers/process-files';
import { ADMIN_TOKEN, createUser, startTestService, type TestService } from '../helpers/test-service';

const ARTIFACTS = artifactsDir('task-work-ui');
requireChromium('the task work browser test');

/**
 * An amount in euros as Intl.NumberFormat writes it in any usual locale, with or without a
 * thousands separator: "€1,225.00", "1 225,00 €", "1.225,00 €".
 */
function euros(amount: number): RegExp {
  const [units = '', cents = ''] = amount.toFixed(2).split('.');
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, "[\\s.,\u00a0\u202f’']?");
  const n = `${grouped}[.,]${cents}`;
  return new RegExp(`€[\\s\u00a0]?${n}|${n}[\\s\u00a0]?€`);
}

/**
 * A duration shown as negative: a minus before a number with a time unit, or a minus with "ago".
 * The minus must not follow a letter, digit or hyphen, so ids ("…-412d-…") and dates do not count.
 */
const NEGATIVE_DURATION = /(?<![\w-])[-−]\s?\d+(\.\d+)?[\s\u00a0]?(ms|s|sec|min|h|d|days?|hours?|minutes?|seconds?)\b|(?<![\w-])[-−]\s?\d[^\n]{0,20}\bago\b/;
/** Raw milliseconds: a number followed by "ms". */
const RAW_MS = /\d[\s\u00a0]?ms\b/;

interface TaskView {
  id: string;
  activityId: string;
  assignee: string | null;
}

describeIfChromium.each(databaseKinds)('working on tasks in headless Chromium on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let browser: Browser;
  let supplier: string;
  let sam: string;
  let alice: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    buildWebUi(ARTIFACTS);
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: PROCESSES,
      env: { PROCFLOW_DEFAULT_UNIT_PRICE: '12.5', PROCFLOW_QUOTE_REMINDER_AFTER: 'P2D', PROCFLOW_QUOTE_EXPIRES_AFTER: 'P7D' },
    });
    supplier = await createUser(t, 'sophie', ['supplier']);
    sam = await createUser(t, 'sam', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
    await insertGardenProducts(t, [
      ['TDH-02', 'Taille de haie', 42.5],
      ['ELA-03', 'Élagage', 95],
    ]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await db?.drop();
    expect(cspViolations).toEqual([]);
  });

  const signIn = (token: string): Promise<Page> => signedInPage(browser, t.service.url, token, { cspViolations });

  async function placeOrder(customerName: string): Promise<{ orderId: string; instanceId: string }> {
    const placed = await t
      .as(alice)
      .post('/api/orders')
      .send({
        customerName,
        email: 'alice@example.com',
        items: [
          { description: 'Élagage', quantity: 12, productCode: 'ELA-03' },
          { description: 'Taille de haie', quantity: 2, productCode: 'TDH-02' },
        ],
      });
    expect(placed.status).toBe(201);
    return { orderId: placed.body.orderId as string, instanceId: placed.body.processInstanceId as string };
  }

  async function openTaskOf(token: string, instanceId: string, activityId: string): Promise<TaskView> {
    const items = (await t.as(token).get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as TaskView[];
    const task = items.find((x) => x.activityId === activityId);
    if (!task) throw new Error(`no open task <${activityId}>; open: ${JSON.stringify(items.map((x) => x.activityId))}`);
    return task;
  }

  let quotedInstance = '';

  test('the supplier checks the quote with the order’s items and total in euros; the client evaluates it and downloads the quote document', async () => {
    const { orderId, instanceId } = await placeOrder('Alice Martin');
    quotedInstance = instanceId;
    await completeTask(t, supplier, instanceId, 'Task_VerifyOrder', { approved: true });
    const checkQuote = await openTaskOf(supplier, instanceId, 'Task_CheckQuote');
    // 12 × 95 + 2 × 42.50, at the catalogue's prices.
    const quote = (await t.as(supplier).get(`/api/orders/${orderId}/quote`).set('Accept', 'application/json')).body as { cost: number; currency: string };
    expect(quote).toMatchObject({ cost: 1225, currency: 'EUR' });

    const page = await signIn(supplier);
    await page.click(`button.task-open[data-task="${checkQuote.id}"]`);
    await page.waitForSelector('[data-testid=order-items] td:has-text("Élagage")');
    await page.waitForSelector('[data-testid=quote-amount]');
    expect(await page.textContent('.task-detail h2')).toBe('Check quote');
    const items = await page.locator('[data-testid=order-items] tbody tr').allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/Élagage\s*12\s*ELA-03/);
    expect(items[1]).toMatch(/Taille de haie\s*2\s*TDH-02/);
    expect(await page.textContent('[data-testid=quote-amount]')).toMatch(euros(1225));
    const lines = await page.locator('[data-testid=task-quote] tbody tr').allTextContents();
    expect(lines[0]).toMatch(euros(1140));
    expect(lines[1]).toMatch(euros(85));
    expect(await page.inputValue('[data-field=quoteApproved]')).toBe('');
    expect(await page.locator('[data-action=claim], [data-action=assign]').count()).toBe(2);
    await page.waitForLoadState('networkidle');
    const shot = await page.locator('.task-detail .card').screenshot();
    fs.writeFileSync(path.join(ARTIFACTS, `${kind}-check-quote-task.png`), shot);
    if (kind === 'sqlite') fs.writeFileSync(docsScreenshot('task-work-ui', 'check-quote-task.png'), shot);

    // The supplier sends it from the form.
    await page.selectOption('[data-field=quoteApproved]', 'true');
    await page.click('[data-action=complete]');
    await page.waitForSelector('.task-detail :text("“Check quote” completed")');
    await page.context().close();

    const evaluate = await openTaskOf(alice, instanceId, 'Task_EvaluateQuote');
    const client = await signIn(alice);
    await client.click(`button.task-open[data-task="${evaluate.id}"]`);
    await client.waitForSelector('[data-testid=quote-amount]');
    expect(await client.textContent('.task-detail h2')).toBe('Evaluate quote');
    expect(await client.textContent('[data-testid=quote-amount]')).toMatch(euros(1225));
    // Assigned by the model to the client, without candidates: nothing to give it back to or hand
    // it on to, so neither Unclaim nor Assign is offered (the service would refuse the assignment).
    expect(await client.locator('[data-action=unclaim], [data-action=assign], [data-action=claim]').count()).toBe(0);
    expect(await client.textContent('[data-testid=assigned-by-process]')).toMatch(/only an admin can hand it/);
    const documentButton = client.locator('[data-testid=task-quote] button[data-action=quote-text]');
    expect(await documentButton.textContent()).toBe('Quote document');
    const [response, download] = await Promise.all([
      client.waitForResponse((r) => r.url().endsWith(`/api/orders/${orderId}/quote`) && (r.request().headers().accept ?? '').includes('text/plain')),
      client.waitForEvent('download'),
      documentButton.click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/plain/);
    // What the browser saved is the quote document the API serves.
    expect(download.suggestedFilename()).toBe(`quote_${orderId}.txt`);
    const saved = fs.readFileSync(await download.path(), 'utf8');
    const served = await t.as(alice).get(`/api/orders/${orderId}/quote`).set('Accept', 'text/plain');
    expect(served.status).toBe(200);
    expect(saved).toBe(served.text);
    expect(saved).toMatch(/Élagage/);
    expect(saved).toMatch(/1[\s.,\u00a0\u202f]?225[.,]00/);
    await screenshot(client, path.join(ARTIFACTS, `${kind}-evaluate-quote.png`));
    await client.context().close();
  }, 120_000);

  test('a candidate claims a task and unclaims it; an admin assigns it to another candidate, who finds it under “Assigned to me”', async () => {
    const { instanceId } = await placeOrder('Claim Test');
    const verify = await openTaskOf(supplier, instanceId, 'Task_VerifyOrder');
    const taskApi = async () => (await t.admin.get(`/api/tasks/${verify.id}`)).body as TaskView;

    const page = await signIn(supplier);
    await page.click(`button.task-open[data-task="${verify.id}"]`);
    await page.waitForSelector('[data-action=claim]');
    expect(await page.textContent('[data-testid=assignee]')).toMatch(/^nobody/);
    await page.click('[data-action=claim]');
    await page.waitForSelector('[data-testid=assignee]:has-text("sophie")');
    expect((await taskApi()).assignee).toBe('sophie');
    expect(await page.isVisible('[data-action=claim]')).toBe(false);

    await page.click('[data-action=unclaim]');
    await page.waitForSelector('[data-action=claim]');
    expect(await page.textContent('[data-testid=assignee]')).toMatch(/^nobody/);
    expect((await taskApi()).assignee).toBeNull();
    // The list shows it free again too.
    const row = page.locator('.task-list tr', { has: page.locator(`button.task-open[data-task="${verify.id}"]`) });
    await page.waitForFunction((id) => !document.querySelector(`.task-list tr:has(button[data-task="${id}"]) .badge`), verify.id);
    expect(await row.textContent()).not.toMatch(/\bme\b/);
    await page.context().close();

    const admin = await signedInPage(browser, t.service.url, ADMIN_TOKEN, { cspViolations });
    await admin.goto(`${t.service.url}/tasks?task=${verify.id}`);
    await admin.waitForSelector('[data-testid=assign-to]');
    await admin.fill('[data-testid=assign-to]', 'sam');
    await admin.click('[data-action=assign]');
    await admin.waitForSelector('[data-testid=assignee]:has-text("sam")');
    expect((await taskApi()).assignee).toBe('sam');
    await admin.context().close();

    const other = await signIn(sam);
    await other.selectOption('#task-view', 'mine');
    await other.waitForSelector(`.task-list button.task-open[data-task="${verify.id}"]`);
    const mine = other.locator('.task-list button.task-open');
    expect(await mine.count()).toBe(1);
    const myRow = other.locator('.task-list tr', { has: other.locator(`button.task-open[data-task="${verify.id}"]`) });
    expect(await myRow.locator('.badge').textContent()).toBe('me');
    const assigned = (await t.as(sam).get('/api/tasks?state=open&involvement=assigned')).body.items as TaskView[];
    expect(assigned.map((x) => x.id)).toEqual([verify.id]);
    await screenshot(other, path.join(ARTIFACTS, `${kind}-assigned-to-me.png`));
    await other.context().close();
  }, 120_000);

  test('the clock run at ×60, moved on and set back shows no negative duration anywhere; the scheduler page warns what the clock drives', async () => {
    expect(quotedInstance).not.toBe('');
    const start = (await t.admin.get('/api/clock')).body as { now: string; speed: number };
    const startMs = Date.parse(start.now);
    const set = async (body: Record<string, unknown>) => {
      const res = await t.admin.put('/api/clock').send(body);
      expect(res.status).toBe(200);
      return res.body as { now: string; speed: number };
    };
    expect((await set({ speed: 60 })).speed).toBe(60);
    await set({ now: new Date(startMs + 5 * 3_600_000).toISOString() });
    // Back to before every order, task and job of this test service began.
    const back = await set({ now: new Date(startMs - 6 * 3_600_000).toISOString() });
    expect(Date.parse(back.now)).toBeLessThan(startMs);
    expect(back.speed).toBe(60);

    // What the checks below catch, and what they let pass.
    for (const shown of ['-3 h', '(−12 min)', 'Waiting -45\u00a0s', '-2 d ago', '1500 ms'])
      expect(shown).toMatch(new RegExp(`${NEGATIVE_DURATION.source}|${RAW_MS.source}`));
    for (const shown of ['e188eb1b-412d-4f36', '2026-12-01', 'in 2 d 5 h', '3 h overdue', 'items']) {
      expect(shown).not.toMatch(NEGATIVE_DURATION);
      expect(shown).not.toMatch(RAW_MS);
    }

    const page = await signIn(ADMIN_TOKEN);
    const check = async (what: string) => {
      // innerText keeps the cells apart (a tab or a line between them), as a person reads them.
      const text = await page.innerText('main');
      expect({ what, negative: text.match(NEGATIVE_DURATION)?.[0] ?? null, rawMs: text.match(RAW_MS)?.[0] ?? null }).toEqual({
        what,
        negative: null,
        rawMs: null,
      });
      return text;
    };

    await page.waitForSelector('.task-list button.task-open');
    const tasksText = await check('task list');
    expect(tasksText).toMatch(/Evaluate quote/);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-clock-back-tasks.png`));

    await page.goto(`${t.service.url}/instances/${quotedInstance}`);
    await page.waitForSelector('dl.facts');
    await page.waitForLoadState('networkidle');
    await check('instance page');
    await screenshot(page, path.join(ARTIFACTS, `${kind}-clock-back-instance.png`));

    await page.goto(`${t.service.url}/cockpit`);
    await page.waitForSelector('main table');
    await page.waitForLoadState('networkidle');
    await check('cockpit');
    await screenshot(page, path.join(ARTIFACTS, `${kind}-clock-back-cockpit.png`));

    await page.goto(`${t.service.url}/jobs`);
    await page.waitForSelector('[data-testid=job-due]');
    await check('jobs page');
    // Measured from the clock set back: the reminder (P2D after the quote) is due in two days and
    // the six hours the clock went back, less the few service minutes ×60 has run on since.
    const dues = await page.locator('[data-testid=job-due]').allTextContents();
    expect(dues).toEqual(expect.arrayContaining([expect.stringMatching(/^in 2 d [56] h$/)]));
    for (const due of dues) expect(due).toMatch(/^in \d+ d \d+ h$/);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-clock-back-jobs.png`));

    await page.goto(`${t.service.url}/scheduler`);
    await page.waitForSelector('[data-testid=clock-warning]');
    expect(await page.textContent('[data-testid=clock-warning]')).toMatch(/drives every instance’s timers/);
    expect(await page.textContent('main')).toMatch(/×60/);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-clock-back-scheduler.png`));
    await page.context().close();
    await set({ speed: 1, now: new Date().toISOString() });
  }, 120_000);
});
