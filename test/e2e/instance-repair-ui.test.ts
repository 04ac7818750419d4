// The repair controls of the web UI in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core), on SQLite and Postgres: an admin opens an instance whose card charge failed
// (an incident), sets the variable that was missing, retries the incident with a number of
// retries, and the instance goes on to its next task; the history shows the change (old → new);
// a waiting timer shows on the Jobs page, due relative to the service clock; at a phone's width
// the pages fit. Screenshots go to test-artifacts/instance-repair/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { artifactsDir, buildWebUi, describeIfChromium, launchChromium, requireChromium, screenshot, signedInPage } from '../helpers/browser';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const ARTIFACTS = artifactsDir('instance-repair');
requireChromium('the instance-repair browser test');

describeIfChromium.each(databaseKinds)('repairing an instance in the web UI on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let browser: Browser;
  const register = (r: ServiceRegistry) => {
    r.register('test.charge', (call) => (call.variables.cardValid === true ? Promise.resolve({ charged: true }) : Promise.reject(new Error('card declined'))));
  };

  beforeAll(async () => {
    buildWebUi(ARTIFACTS);
    db = await createTestDatabase(kind);
    t = await startTestService(db, { registerServices: register, env: { PROCFLOW_SERVICE_RETRIES: '0' } });
    for (const f of ['repair-service.bpmn', 'timer-wait.bpmn']) expect((await deploy(t, fixture(f), f)).status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await db?.drop();
  });

  // Every repair asks before it acts: the operator says yes.
  const signIn = (token: string, width = 1360): Promise<Page> =>
    signedInPage(browser, t.service.url, token, { viewport: { width, height: 900 }, acceptDialogs: true });

  test('an admin sets the missing variable, retries the incident with retries, and the instance goes on', async () => {
    const start = await t.admin.post('/api/process-definitions/repairService/start').send({});
    expect(start.body).toMatchObject({ state: 'running', incidents: 1 });
    const id = start.body.id as string;

    const page = await signIn(ADMIN_TOKEN);
    await page.goto(`${t.service.url}/instances/${id}`);
    await page.waitForSelector('[data-action=retry]');
    await page.fill('[data-testid=add-variable] input[name=new-variable-name]', 'cardValid');
    await page.fill('[data-testid=add-variable] input[name=new-variable-value]', 'true');
    await page.click('[data-action=add-variable]');
    await page.waitForSelector('[data-action=save-variable][data-name=cardValid]');
    expect(await page.textContent('[data-testid=history-change]')).toBe('cardValid: ∅ → true');
    expect((await t.admin.get(`/api/process-instances/${id}`)).body.variables).toEqual({ cardValid: true });

    await page.fill('input[name=retries]', '2');
    await screenshot(page, path.join(ARTIFACTS, `01-instance-repair-${kind}.png`));
    await page.click('[data-action=retry]');
    await page.waitForSelector('[data-testid=waiting-at]:has-text("Ship")');
    const after = (await t.admin.get(`/api/process-instances/${id}`)).body as { state: string; incidents: number; waitingAt: Array<{ activityId: string }> };
    expect(after).toMatchObject({ state: 'running', incidents: 0, waitingAt: [expect.objectContaining({ activityId: 'ship' })] });
    expect(await page.locator('[data-action=retry]').count()).toBe(0);
    await page.context().close();
  }, 120_000);

  test('several incidents are retried at once from the instances page; a timer shows on the Jobs page; at 390 px nothing is wider', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t.admin.post('/api/process-definitions/repairService/start').send({ variables: { cardValid: i === 0 } });
      ids.push(res.body.id as string);
    }
    // The first was charged; the second has an incident. Give it a valid card, then retry it from the list.
    expect((await t.admin.put(`/api/process-instances/${ids[1]}/variables/cardValid`).send({ value: true })).status).toBe(200);
    const timer = await t.admin.post('/api/process-definitions/timerNinetyDays/start').send({});

    const page = await signIn(ADMIN_TOKEN, 390);
    await page.goto(`${t.service.url}/instances`);
    await page.waitForSelector('input[name=incident]');
    for (const box of await page.locator('input[name=incident]').all()) await box.check();
    await page.click('[data-action=retry-selected]');
    await page.waitForSelector('[data-testid=bulk-retry-status] .notice');
    expect(((await t.admin.get('/api/incidents?state=open')).body as { total: number }).total).toBe(0);
    expect((await t.admin.get(`/api/process-instances/${ids[1]}`)).body.waitingAt).toEqual([expect.objectContaining({ activityId: 'ship' })]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.click('nav.sidebar a[href="/jobs"]');
    await page.waitForSelector('[data-testid=job-due]');
    const due = await page
      .locator('tr', { hasText: timer.body.id.slice(0, 8) })
      .locator('[data-testid=job-due]')
      .textContent();
    expect(due).toMatch(/^in (89 d 23 h|90 d)$/);
    await screenshot(page, path.join(ARTIFACTS, `02-jobs-phone-${kind}.png`));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.goto(`${t.service.url}/instances/${timer.body.id}`);
    await page.waitForSelector('[data-testid=send]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  }, 120_000);
});
