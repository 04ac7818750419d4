// Orders in the web UI, in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// on SQLite and on Postgres: a client picks a product from the catalogue, places the order and
// sees its number as the page's title, the quote buttons disabled until there is a quote, then the
// quote as a table with the catalogue's price and the notifications sent; an admin opens the
// definition page of orderFulfilment and sees each activity's counts on the diagram and the
// duration heatmap. The heatmap's screenshot is the one in docs/screenshots/ (written there with
// PROCFLOW_UPDATE_SCREENSHOTS=1, else to test-artifacts/).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, buildWebUi, describeIfChromium, docsScreenshot, launchChromium, requireChromium, screenshot, signedInPage } from '../helpers/browser';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { completeTask, insertGardenProducts } from '../helpers/orders';
import { PROCESSES } from '../helpers/process-files';
import { ADMIN_TOKEN, createUser, startTestService, type TestService } from '../helpers/test-service';

const ARTIFACTS = artifactsDir('orders-ui');
requireChromium('the orders browser test');

/** An amount in euros as Intl.NumberFormat writes it in any usual locale: "€127.50", "127,50 €". */
function euros(amount: number): RegExp {
  const [units, cents] = amount.toFixed(2).split('.');
  const n = `${units}[.,]${cents}`;
  return new RegExp(`€\\s?${n}|${n}\\s?€`);
}

describeIfChromium.each(databaseKinds)('orders and the definition diagram in headless Chromium on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let browser: Browser;
  let supplier: string;
  let alice: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    buildWebUi(ARTIFACTS);
    db = await createTestDatabase(kind);
    t = await startTestService(db, { processesDir: PROCESSES, env: { PROCFLOW_DEFAULT_UNIT_PRICE: '12.5' } });
    supplier = await createUser(t, 'sophie', ['supplier']);
    alice = await createUser(t, 'alice', ['client']);
    await insertGardenProducts(t, [
      ['TDH-02', 'Taille de haie', 42.5],
      ['TON-01', 'Tonte de pelouse', 18],
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

  async function moveClock(ms: number): Promise<void> {
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    expect((await t.admin.put('/api/clock').send({ now: new Date(Date.parse(clock.now) + ms).toISOString() })).status).toBe(200);
  }

  const complete = (token: string, instanceId: string, activityId: string, variables: Record<string, unknown>) =>
    completeTask(t, token, instanceId, activityId, variables);

  test('a client picks a product, places the order, sees its number as the title, then the quote as a table and the notifications sent', async () => {
    const page = await signIn(alice);
    await page.click('nav.sidebar a[href="/orders"]');
    await page.waitForSelector('[data-testid=product-search]');
    // Who the order is for starts from the signed-in user.
    expect(await page.inputValue('input[name=customerName]')).toBe('alice');
    await page.fill('[data-testid=product-search]', 'haie');
    await page.waitForSelector('[data-testid=product-results][data-q=haie] button[data-product="TDH-02"]');
    expect(await page.locator('[data-testid=product-results] button').count()).toBe(1);
    expect(await page.textContent('[data-testid=product-results]')).toMatch(euros(42.5));
    await page.click('[data-testid=product-results] button[data-product="TDH-02"]');
    await page.fill('.order-line[data-product-code="TDH-02"] [data-item=quantity]', '3');
    await page.fill('input[name=customerName]', 'Alice Martin');
    await page.fill('input[name=email]', 'alice@example.com');
    await page.click('form.stack-form button[type=submit]');
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = new URL(page.url()).pathname.split('/').pop() as string;
    const order = (await t.as(alice).get(`/api/orders/${orderId}`)).body as { number: number; processInstanceId: string; items: unknown[] };
    expect(order.items).toEqual([{ description: 'Taille de haie', quantity: 3, productCode: 'TDH-02' }]);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe(`Order n° ${order.number}`);
    expect(await page.isDisabled('button[data-action=quote]')).toBe(true);
    expect(await page.getAttribute('button[data-action=quote]', 'title')).toMatch(/No quote yet/);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-order-placed.png`));

    // The supplier verifies it and sends the quote; the client's page then shows it.
    await moveClock(2 * 3_600_000);
    await complete(supplier, order.processInstanceId, 'Task_VerifyOrder', { approved: true });
    await moveClock(30 * 60_000);
    await complete(supplier, order.processInstanceId, 'Task_CheckQuote', { quoteApproved: true });
    await page.reload();
    await page.waitForSelector('[data-testid=quote-lines]');
    expect(await page.isDisabled('button[data-action=quote]')).toBe(false);
    const quoteRow = await page.locator('[data-testid=quote-lines] tbody tr').first().textContent();
    expect(quoteRow).toMatch(/Taille de haie/);
    expect(quoteRow).toMatch(euros(42.5));
    expect(quoteRow).toMatch(euros(127.5));
    expect(await page.textContent('[data-testid=quote-total]')).toMatch(euros(127.5));
    expect(await page.textContent('[data-testid=order-notifications]')).toMatch(/alice@example\.com/);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-order-quoted.png`));

    // The next order starts from the last one's customer.
    await page.click('nav.sidebar a[href="/orders"]');
    await page.waitForSelector('[data-testid=product-search]');
    expect(await page.inputValue('input[name=customerName]')).toBe('Alice Martin');
    expect(await page.inputValue('input[name=email]')).toBe('alice@example.com');
    expect(await page.textContent('table')).toContain(`n° ${order.number}`);
    await page.context().close();
  }, 120_000);

  test('the definition page of orderFulfilment shows counts on the diagram and, switched on, the duration heatmap with its legend', async () => {
    // More orders, each step taking another time on the service clock.
    for (const [i, hours] of [1, 5, 26].entries()) {
      const placed = await t
        .as(alice)
        .post('/api/orders')
        .send({
          customerName: `Client ${i}`,
          email: `client${i}@example.com`,
          items: [{ description: 'Tonte de pelouse', quantity: 1, productCode: 'TON-01' }],
        });
      expect(placed.status).toBe(201);
      await moveClock(hours * 3_600_000);
      await complete(supplier, placed.body.processInstanceId as string, 'Task_VerifyOrder', {
        approved: i !== 2,
        ...(i === 2 ? { rejectionReason: 'hors zone' } : {}),
      });
    }
    const stats = (await t.admin.get('/api/stats/activities?definitionKey=orderFulfilment')).body as {
      items: Array<{ activityId: string; completed: number; running: number }>;
    };
    const verify = stats.items.find((a) => a.activityId === 'Task_VerifyOrder');
    expect(verify).toMatchObject({ completed: 4, running: 0 });

    const page = await signIn(ADMIN_TOKEN);
    await page.setViewportSize({ width: 1900, height: 1100 });
    await page.goto(`${t.service.url}/definitions/orderFulfilment`);
    await page.waitForSelector('[data-testid=diagram][data-rendered=true]');
    await page.waitForSelector('.pf-badge[data-element-id=Task_VerifyOrder]');
    expect(await page.textContent('.pf-badge[data-element-id=Task_VerifyOrder]')).toBe('4 done');
    const checkQuote = stats.items.find((a) => a.activityId === 'Task_CheckQuote');
    expect(await page.textContent('.pf-badge[data-element-id=Task_CheckQuote]')).toBe(
      `${checkQuote?.running ? `${checkQuote.running} now · ` : ''}${checkQuote?.completed ?? 0} done`,
    );

    await page.check('[data-testid=heatmap-toggle]');
    await page.waitForSelector('[data-testid=diagram][data-tinted]:not([data-tinted="0"])');
    const legend = await page.textContent('[data-testid=heat-legend]');
    expect(legend).toMatch(/p95 duration/);
    expect(legend).toMatch(/\d+ (min|h|d)/);
    expect(legend).not.toMatch(/\bms\b/);
    await page.waitForLoadState('networkidle');
    await screenshot(page, path.join(ARTIFACTS, `${kind}-definition-heatmap-page.png`));
    const shot = await page.locator('section', { has: page.locator('[data-testid=diagram]') }).screenshot();
    fs.writeFileSync(path.join(ARTIFACTS, `${kind}-definition-heatmap.png`), shot);
    if (kind === 'sqlite') fs.writeFileSync(docsScreenshot('orders-ui', 'definition-heatmap.png'), shot);

    // Switched off, the usual fills come back.
    await page.uncheck('[data-testid=heatmap-toggle]');
    await page.waitForSelector('[data-testid=diagram][data-tinted="0"]');
    await page.context().close();
  }, 120_000);
});
