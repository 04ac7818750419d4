// The task list in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), with
// test/fixtures/bpmn/task-attributes.bpmn: a person in group accounting filters the list by
// business key, sorts it by priority, saves the filter, opens a task, changes its priority and
// adds a comment; at a phone's width the page still fits. Screenshots go to test-artifacts/task-list-ui/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, buildWebUi, describeIfChromium, launchChromium, requireChromium, screenshot, signedInPage } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const ARTIFACTS = artifactsDir('task-list-ui');
requireChromium('the task list browser test');

describeIfChromium('the task list in headless Chromium', () => {
  let db: TestDatabase;
  let t: TestService;
  let browser: Browser;
  let anna: string;
  const taskOf: Record<string, string> = {};

  beforeAll(async () => {
    buildWebUi(ARTIFACTS);
    db = await createTestDatabase('sqlite');
    t = await startTestService(db);
    expect((await deploy(t, fixture('task-attributes.bpmn'), 'task-attributes.bpmn')).status).toBe(201);
    anna = await createUser(t, 'anna', ['accounting']);
    for (const [key, urgent] of [
      ['INV-7001', false],
      ['INV-7002', true],
      ['INV-7003', false],
    ] as const) {
      const res = await t.admin
        .post('/api/process-definitions/taskAttributes/start')
        .send({ businessKey: key, variables: { reviewer: 'rolf', followUp: 'P1D', urgent, approver: 'pete' } });
      expect(res.status).toBe(201);
      const tasks = (await t.admin.get(`/api/tasks?state=open&processInstanceId=${res.body.id as string}`)).body.items as Array<{ id: string }>;
      taskOf[key] = tasks[0]?.id as string;
    }
    // INV-7003 becomes the most pressing one: 95 over INV-7002's 80 and INV-7001's 20.
    expect((await t.admin.patch(`/api/tasks/${taskOf['INV-7003']}`).send({ priority: 95 })).status).toBe(200);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await db?.drop();
  });

  const signIn = (token: string): Promise<Page> => signedInPage(browser, t.service.url, token);

  const keysShown = (page: Page) => page.locator('.task-list [data-testid=business-key]').allTextContents();
  const prioritiesShown = (page: Page) => page.locator('.task-list [data-testid=priority]').allTextContents();

  test('a person filters by business key, sorts by priority, saves the filter, opens a task, changes its priority and comments on it', async () => {
    const page = await signIn(anna);
    await page.waitForSelector('button.task-open');
    expect(await page.locator('.task-list th').allTextContents()).toEqual(expect.arrayContaining(['Business key', 'Priority', 'Due']));
    // Due in two days on the service clock, in words.
    const dues = await page.locator('.task-list [data-testid=due]').allTextContents();
    expect(dues).toHaveLength(3);
    for (const due of dues) expect(due).toMatch(/^in\u00a0(47\u00a0h|2\u00a0d)$/);

    await page.fill('#task-business-key', 'INV-7002');
    await page.waitForFunction(() => document.querySelectorAll('.task-list button.task-open').length === 1);
    expect(await keysShown(page)).toEqual(['INV-7002']);
    await page.fill('#task-business-key', '');
    await page.waitForFunction(() => document.querySelectorAll('.task-list button.task-open').length === 3);

    await page.selectOption('#task-sort', 'priority');
    await page.waitForFunction(() => document.querySelector('.task-list [data-testid=priority]')?.textContent === '95');
    expect(await prioritiesShown(page)).toEqual(['95', '80', '20']);
    expect(await keysShown(page)).toEqual(['INV-7003', 'INV-7002', 'INV-7001']);

    // Saved in this browser, applied again after a reload.
    await page.fill('#task-filter-name', 'most pressing');
    await page.click('[data-action=save-filter]');
    expect(await page.evaluate(() => window.localStorage.getItem('procflow.task-filters'))).toContain('most pressing');
    await page.reload();
    await page.waitForSelector('button.task-open');
    expect(await page.inputValue('#task-sort')).toBe('oldest');
    await page.selectOption('#task-saved', 'most pressing');
    await page.waitForFunction(() => document.querySelector('.task-list [data-testid=priority]')?.textContent === '95');
    expect(await keysShown(page)).toEqual(['INV-7003', 'INV-7002', 'INV-7001']);
    await screenshot(page, path.join(ARTIFACTS, '01-sorted-by-priority.png'));

    await page.click(`button.task-open[data-task="${taskOf['INV-7002']}"]`);
    await page.waitForSelector('[data-testid=task-comments] p.muted:has-text("No comments yet")');
    expect(await page.textContent('[data-testid=task-priority]')).toBe('80');

    await page.fill('#task-priority', '99');
    await page.click('[data-action=save-attributes]');
    await page.waitForSelector('[data-testid=task-priority]:has-text("99")');
    expect((await t.admin.get(`/api/tasks/${taskOf['INV-7002']}`)).body.priority).toBe(99);
    await page.waitForFunction(() => document.querySelector('.task-list [data-testid=priority]')?.textContent === '99');
    expect(await keysShown(page)).toEqual(['INV-7002', 'INV-7003', 'INV-7001']);

    await page.fill('[data-testid=comment-text]', 'The supplier sent a corrected invoice.');
    await page.click('[data-action=comment]');
    await page.waitForSelector('[data-testid=comment-message]:has-text("corrected invoice")');
    expect(await page.textContent('[data-testid=comment-author]')).toBe('anna');
    const stored = (await t.admin.get(`/api/tasks/${taskOf['INV-7002']}/comments`)).body as { items: Array<{ author: string; message: string }> };
    expect(stored.items).toEqual([expect.objectContaining({ author: 'anna', message: 'The supplier sent a corrected invoice.' })]);
    await screenshot(page, path.join(ARTIFACTS, '02-task-with-comment.png'));

    // At a phone's width the list, the filters and the task with its comments fit the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector('[data-testid=task-comments]');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, path.join(ARTIFACTS, '03-phone.png'));
    await page.context().close();
  }, 120_000);
});
