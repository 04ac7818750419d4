// The web UI in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): a
// supplier signs in, completes a task from the task list, opens the instance page and sees the
// diagram with the waiting task highlighted, adds a game server; an admin looks at the cockpit
// and the other pages. Screenshots of every page go to test-artifacts/web-ui/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, artifactsDir, buildWebUi, describeIfChromium, launchChromium, requireChromium, screenshot, signedInPage } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { runSampleWorkload, type SampleRuns } from '../helpers/sample-runs';
import { ADMIN_TOKEN, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';
import type { SyncRun } from '../../src/contract';

const ARTIFACTS = artifactsDir('web-ui');
requireChromium('the web UI browser test');

describeIfChromium('the web UI in headless Chromium', () => {
  let db: TestDatabase;
  let t: TestService;
  let runs: SampleRuns;
  let browser: Browser;
  /** Content-Security-Policy violations any page reported (the service sends a CSP; the UI must pass it). */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    buildWebUi(ARTIFACTS);
    db = await createTestDatabase('sqlite');
    t = await startTestService(db);
    // A supplier who also watches the game servers (group ops may register them).
    runs = await runSampleWorkload(t, 'sally', ['supplier', 'ops']);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await db?.drop();
  });

  /** A new tab signed in through the sign-in page, which stays on the tasks page. */
  function signIn(token: string, shot?: string): Promise<Page> {
    return signedInPage(browser, t.service.url, token, {
      cspViolations,
      beforeSubmit: async (page) => {
        expect(new URL(page.url()).pathname).toBe('/sign-in');
        if (shot) await screenshot(page, path.join(ARTIFACTS, shot), { fullPage: false });
      },
    });
  }

  const shoot = (page: Page, name: string) => screenshot(page, path.join(ARTIFACTS, name), { idle: true });

  test('a supplier completes a task from the task list and sees the instance wait at the next one', async () => {
    const page = await signIn(runs.supplierToken, '01-sign-in.png');
    expect(await page.textContent('[data-testid=user-name]')).toBe('sally');
    // Only what a supplier may see: no cockpit, no definitions, no scheduler in the navigation.
    const nav = await page.locator('nav.sidebar li a').allTextContents();
    expect(nav).toEqual(expect.arrayContaining(['Tasks', 'Instances', 'Orders', 'Game servers']));
    expect(nav).not.toContain('Cockpit');

    await page.waitForSelector('button.task-open');
    expect(await page.locator('button.task-open').count()).toBe(runs.waitingAtVerify.length + runs.waitingAtQuote.length);
    await shoot(page, '02-task-list.png');

    // The "Verify order" task of the first instance that waits there.
    const instanceId = runs.waitingAtVerify[0] as string;
    const tasks = (await t.as(runs.supplierToken).get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Array<{ id: string }>;
    await page.click(`button.task-open[data-task="${tasks[0]?.id}"]`);
    await page.waitForSelector('[data-testid=task-form] [data-field=accepted]');
    await page.click('[data-action=claim]');
    await page.waitForSelector('[data-testid=assignee]:has-text("sally")');
    // A required field left empty is refused with the field named.
    await page.click('[data-action=complete]');
    await page.waitForSelector('[data-error-for=accepted]:not(:empty)');
    await page.selectOption('[data-field=accepted]', 'true');
    await page.fill('[data-field=note]', 'all items in stock');
    await shoot(page, '03-task-form.png');
    await page.click('[data-action=complete]');
    await page.waitForSelector('.notice-success');
    expect(await page.textContent('.notice-success')).toMatch(/completed.*waits at Prepare quote/);

    await page.click('.notice-success a');
    await page.waitForURL(new RegExp(`/instances/${instanceId}`));
    await page.waitForSelector('[data-testid=diagram][data-rendered=true]');
    // The waiting task is highlighted, the verified one and the flows to it are marked done.
    await page.waitForSelector('g.djs-element.pf-waiting[data-element-id="quote"]');
    expect(await page.locator('g.pf-waiting').count()).toBe(1);
    expect(await page.locator('g.djs-element.pf-done[data-element-id="verify"]').count()).toBe(1);
    expect(await page.locator('g.djs-connection.pf-taken[data-element-id="f2"]').count()).toBe(1);
    expect(await page.textContent('[data-testid=waiting-at]')).toMatch(/Prepare quote/);
    expect(await page.textContent('main')).toMatch(/all items in stock/);
    await shoot(page, '04-instance.png');

    const instance = (await t.admin.get(`/api/process-instances/${instanceId}`)).body;
    expect(instance).toMatchObject({ state: 'running', waitingAt: [{ activityId: 'quote' }], variables: { accepted: true, note: 'all items in stock' } });
    await page.context().close();
  }, 120_000);

  test('a supplier adds a game server (or sees that game servers are not available yet)', async () => {
    const page = await signIn(runs.supplierToken);
    await page.click('nav.sidebar a[href="/game-servers"]');
    const available = (await t.as(runs.supplierToken).get('/api/game-servers')).status !== 404;
    expect(await page.locator('nav.sidebar a[href="/game-servers"]').count()).toBe(1);
    if (!available) {
      await page.waitForSelector('[data-testid=unavailable]');
      expect(await page.textContent('[data-testid=unavailable]')).toMatch(/not available yet.*GET \/api\/game-servers/s);
      await shoot(page, '05-game-servers.png');
      console.warn('SKIPPED: adding a game server — GET /api/game-servers answers 404 on this build; the page shows "not available yet"');
      await page.context().close();
      return;
    }
    await page.waitForSelector('[data-testid=add-server]');
    await page.fill('[data-testid=add-server] [name=name]', 'Local test server');
    await page.fill('[data-testid=add-server] [name=game]', 'minecraft');
    await page.fill('[data-testid=add-server] [name=host]', '127.0.0.1');
    await page.fill('[data-testid=add-server] [name=port]', '25565');
    await page.click('[data-testid=add-server] button[type=submit]');
    await page.waitForSelector('td:has-text("Local test server")');
    await shoot(page, '05-game-servers.png');
    const servers = (await t.as(runs.supplierToken).get('/api/game-servers')).body as { items?: Array<{ name: string }> } | Array<{ name: string }>;
    const list = Array.isArray(servers) ? servers : (servers.items ?? []);
    expect(list.map((s) => s.name)).toContain('Local test server');
    await page.context().close();
  }, 120_000);

  test('an admin sees the cockpit, the definitions and every business page (or its "not available yet" state)', async () => {
    const page = await signIn(ADMIN_TOKEN);
    await page.click('nav.sidebar a[href="/cockpit"]');
    await page.waitForSelector('.kpis');
    expect(await page.textContent('.cockpit')).toMatch(/Verify order/);
    await shoot(page, '06-cockpit.png');

    await page.click('nav.sidebar a[href="/definitions"]');
    await page.waitForSelector('a[href="/definitions/supplierQuote"]');
    await shoot(page, '07-definitions.png');
    await page.click('a[href="/definitions/supplierQuote"]');
    await page.waitForSelector('[data-testid=diagram][data-rendered=true]');
    await page.waitForSelector('.pf-badge');
    await shoot(page, '08-definition.png');

    await page.click('nav.sidebar a[href="/instances"]');
    await page.waitForSelector('table');
    await shoot(page, '09-instances.png');

    for (const [href, name, endpoint] of [
      ['/orders', '10-orders.png', '/api/orders'],
      ['/products', '11-products.png', '/api/products'],
      ['/customers', '12-customers.png', '/api/customers'],
      ['/scheduler', '13-scheduler.png', '/api/schedules'],
    ] as const) {
      await page.click(`nav.sidebar a[href="${href}"]`);
      const missing = (await t.admin.get(endpoint)).status === 404;
      await page.waitForSelector(missing ? '[data-testid=unavailable]' : 'section.card');
      await shoot(page, name);
    }

    // A page whose endpoint answers 404 (route missing on this build) says so instead of showing data.
    await page.route('**/api/game-servers**', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, detail: 'no route', instance: '/api/game-servers', code: 'NOT_FOUND' }),
      }),
    );
    await page.click('nav.sidebar a[href="/game-servers"]');
    await page.waitForSelector('[data-testid=unavailable]');
    expect(await page.textContent('[data-testid=unavailable]')).toMatch(/Game servers: not available yet.*GET \/api\/game-servers/s);
    expect(await page.locator('table').count()).toBe(0);
    await shoot(page, '14-not-available.png');
    await page.context().close();
  }, 120_000);

  test('every page above loaded under the service’s Content-Security-Policy with no violation', async () => {
    const res = await t.http.get('/tasks').set('Accept', 'text/html');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    // The API explorer's inline initializer and stylesheet run under their hashes.
    const page = await signIn(ADMIN_TOKEN);
    await page.goto(`${t.service.url}/docs`);
    await page.waitForSelector('.swagger-ui .opblock-tag');
    await page.context().close();
    expect(cspViolations).toEqual([]);
  });

  test('the products page lists the last sync runs: one just started shows its kind, status, counts, error and a link to its instance', async () => {
    // No catalogue is configured here: the sync stops at once at an incident, with a failed run.
    const diagram = fs.readFileSync(path.join(ROOT, 'processes', 'catalogue-sync.bpmn'));
    expect((await deploy(t, diagram, 'catalogue-sync.bpmn')).status).toBe(201);
    const page = await signIn(ADMIN_TOKEN);
    await page.click('nav.sidebar a[href="/products"]');
    await page.waitForSelector('[data-testid=sync-runs] section.card');
    await page.click('button[data-action=sync]');
    const href = await (await page.waitForSelector('.notice-success a[href^="/instances/"]')).getAttribute('href');
    const row = page.locator(`[data-testid=sync-runs] tr:has(a[href="${href}"])`).first();
    await row.waitFor();

    const runs = (await t.admin.get('/api/sync-runs?kind=products')).body.items as SyncRun[];
    const run = runs.find((r) => `/instances/${r.processInstanceId}` === href);
    expect(run).toMatchObject({ kind: 'products', status: 'failed', fetched: 0, added: 0, changed: 0, unchanged: 0, error: expect.any(String) });
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 2)).toEqual(['products', 'failed']);
    expect(cells.slice(5, 9)).toEqual(['0', '0', '0', '0']);
    expect(cells[9]).toBe(run?.error);
    await shoot(page, '15-sync-runs.png');

    await row.locator(`a[href="${href}"]`).click();
    await page.waitForURL((u) => u.pathname === href);
    await page.context().close();
  }, 120_000);

  test('the task list shows each task’s business key linking to its order, and an order task’s form shows the order’s items with an empty form', async () => {
    const diagram = fs.readFileSync(path.join(ROOT, 'processes', 'order-fulfilment.bpmn'));
    expect([200, 201]).toContain((await deploy(t, diagram, 'order-fulfilment.bpmn')).status);
    const placed = await t.admin.post('/api/orders').send({
      customerName: 'Jardins Dupont',
      email: 'dupont@example.com',
      items: [
        { description: 'Tonte de pelouse', quantity: 3 },
        { description: 'Taille de haie', quantity: 2 },
      ],
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    const found = (await t.as(runs.supplierToken).get(`/api/tasks?state=open&businessKey=${orderId}`)).body.items as Array<{ id: string }>;
    const taskId = found[0]?.id as string;

    const page = await signIn(runs.supplierToken);
    const open = `button.task-open[data-task="${taskId}"]`;
    await page.waitForSelector(open);
    expect(await page.locator('.task-list th').allTextContents()).toEqual(expect.arrayContaining(['Task', 'Business key', 'Waiting']));
    const row = page.locator('.task-list tr', { has: page.locator(open) });
    expect(await row.locator('[data-testid=business-key] a').getAttribute('href')).toBe(`/orders/${orderId}`);
    // Waiting time in words, measured on the service clock: never negative, never raw milliseconds.
    expect(await row.textContent()).not.toMatch(/\bms\b|-\d/);

    await page.click(open);
    await page.waitForSelector('[data-testid=order-items] td:has-text("Tonte de pelouse")');
    expect(await page.textContent('[data-testid=order-items]')).toMatch(/Taille de haie/);
    expect(await page.textContent('[data-testid=task-order]')).toMatch(/Jardins Dupont/);
    // The form starts from the model's defaults only.
    expect(await page.inputValue('[data-field=approved]')).toBe('');
    expect(await page.inputValue('[data-field=rejectionReason]')).toBe('');
    await shoot(page, '16-order-task-form.png');
    await page.context().close();
  }, 120_000);

  test('the instance diagram draws only what ran: an event-based gateway’s branch that never fired is not marked, a twice-run task shows ×2', async () => {
    expect((await deploy(t, fixture('service-dispute.bpmn'), 'service-dispute.bpmn')).status).toBe(201);
    const started = await t.admin.post('/api/process-definitions/serviceDispute/start').send({ businessKey: 'DISPUTE-1' });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const completePerform = async () => {
      const open = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${id}`)).body.items as Array<{ id: string; activityId: string }>;
      expect(open.map((x) => x.activityId)).toEqual(['perform']);
      expect((await t.admin.post(`/api/tasks/${open[0]?.id}/complete`).send({ variables: {} })).status).toBe(200);
    };
    await completePerform();
    expect((await t.admin.post('/api/messages').send({ messageName: 'service-disputed', processInstanceId: id })).status).toBe(200);
    await completePerform();
    expect((await t.admin.post('/api/messages').send({ messageName: 'service-accepted', processInstanceId: id })).status).toBe(200);
    expect((await t.admin.get(`/api/process-instances/${id}`)).body).toMatchObject({ state: 'completed' });

    const page = await signIn(ADMIN_TOKEN);
    await page.goto(`${t.service.url}/instances/${id}`);
    await page.waitForSelector('[data-testid=diagram][data-rendered=true]');
    const marked = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')).sort());
    expect(await marked('g.djs-element.pf-done')).toEqual(['accepted', 'await', 'disputed', 'end', 'perform', 'start'].sort());
    expect(await marked('g.djs-connection.pf-taken')).toEqual(['f1', 'f2', 'f3', 'f4', 'f6', 'f7']);
    // The timer branch was armed twice but never fired: neither it, its flows nor what follows is drawn as taken.
    for (const notRun of ['noAnswer', 'escalate', 'escalated', 'f5', 'f8', 'f9']) {
      expect(await page.locator(`g.djs-element[data-element-id="${notRun}"]`).evaluate((e) => e.className.baseVal)).not.toMatch(/pf-(done|taken|waiting)/);
    }
    expect(await page.textContent('.pf-runs[data-element-id="perform"]')).toBe('×2');
    expect(await page.textContent('.pf-runs[data-element-id="await"]')).toBe('×2');
    expect(await page.locator('.pf-runs[data-element-id="accepted"]').count()).toBe(0);
    expect(await page.locator('g.pf-waiting').count()).toBe(0);
    await shoot(page, '18-instance-truthful-diagram.png');

    // One round only, accepted at once: the gateway ended after its events were armed, the path still runs through it.
    const once = (await t.admin.post('/api/process-definitions/serviceDispute/start').send({ businessKey: 'DISPUTE-2' })).body.id as string;
    const task = ((await t.admin.get(`/api/tasks?state=open&processInstanceId=${once}`)).body.items as Array<{ id: string }>)[0];
    expect((await t.admin.post(`/api/tasks/${task?.id}/complete`).send({ variables: {} })).status).toBe(200);
    expect((await t.admin.post('/api/messages').send({ messageName: 'service-accepted', processInstanceId: once })).status).toBe(200);
    await page.goto(`${t.service.url}/instances/${once}`);
    await page.waitForSelector('[data-testid=diagram][data-rendered=true]');
    expect(await marked('g.djs-element.pf-done')).toEqual(['accepted', 'await', 'end', 'perform', 'start'].sort());
    expect(await marked('g.djs-connection.pf-taken')).toEqual(['f1', 'f2', 'f4', 'f7']);
    expect(await page.locator('[data-testid=diagram] .pf-runs').count()).toBe(0);
    await page.context().close();
  }, 120_000);

  test('at a phone’s width (390 px) the navigation sits above the content and no page is wider than the screen', async () => {
    const page = await signIn(ADMIN_TOKEN);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const href of ['/tasks', '/cockpit', '/definitions', '/instances', '/orders', '/scheduler']) {
      await page.goto(`${t.service.url}${href}`);
      await page.waitForSelector('main.page h1');
      await page.waitForLoadState('networkidle');
      if (href === '/tasks') {
        await page.click('button.task-open');
        await page.waitForSelector('[data-testid=task-form]');
        await shoot(page, '17-phone-task.png');
      }
      const seen = await page.evaluate(() => ({
        width: document.documentElement.scrollWidth,
        navBelowContent:
          (document.querySelector('nav.sidebar')?.getBoundingClientRect().bottom ?? 0) >
          (document.querySelector('main.page')?.getBoundingClientRect().top ?? 0) + 1,
        darkBehindTitles: getComputedStyle(document.querySelector('.layout') as Element).backgroundImage !== 'none',
      }));
      expect({ href, ...seen }).toEqual({ href, width: expect.any(Number), navBelowContent: false, darkBehindTitles: false });
      expect(seen.width).toBeLessThanOrEqual(390);
    }
    await page.context().close();
  }, 120_000);
  test('deploying a file the way Camunda tolerates it lists its warnings on the definitions page', async () => {
    const page = await signIn(ADMIN_TOKEN);
    await page.click('nav.sidebar a[href="/definitions"]');
    await page.waitForSelector('[data-testid=bpmn-file]');
    await page.setInputFiles('[data-testid=bpmn-file]', path.join(__dirname, '..', 'fixtures', 'bpmn', 'tolerated-warnings.bpmn'));
    await page.click('form.inline-form button[type=submit]');
    await page.waitForSelector('[data-testid=deploy-warnings] li');
    expect(await page.locator('[data-testid=deploy-warnings] li').count()).toBeGreaterThan(0);
    await shoot(page, '19-deploy-warnings.png');
    await page.context().close();
  }, 120_000);
});
