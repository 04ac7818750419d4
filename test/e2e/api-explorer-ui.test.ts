// The API explorer and the users & tokens page in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): /docs renders Swagger UI from this service alone, a person authorizes
// with a token and calls GET /api/me with "Try it out"; an admin creates a user on the users page,
// its token works against /api/me, revoking, rotating and deleting make the old tokens fail with
// 401. Any Content-Security-Policy violation fails the test. Screenshots go to test-artifacts/
// (docs/screenshots/ with PROCFLOW_UPDATE_SCREENSHOTS=1, SQLite run).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  artifactsDir,
  buildWebUi,
  describeIfChromium,
  docsScreenshot,
  haveChromium,
  launchChromium,
  newPage as openPage,
  requireChromium,
  screenshot,
  signIn as signInOn,
} from '../helpers/browser';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { ADMIN_TOKEN, createUser, startTestService, type TestService } from '../helpers/test-service';

const ARTIFACTS = artifactsDir('api-explorer');
requireChromium('the API explorer browser test');

let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  buildWebUi(ARTIFACTS);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describeIfChromium.each(databaseKinds)('the API explorer and the users page on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  /** CSP violations and requests to any other origin, from every page of this service. */
  const violations: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  async function newPage(width = 1360, height = 900): Promise<Page> {
    const page = await openPage(browser, {
      viewport: { width, height },
      cspViolations: violations,
      onPageError: (err) => violations.push(`page error: ${err.message}`),
      acceptDialogs: true,
    });
    page.on('request', (req) => {
      if (!req.url().startsWith(t.service.url) && !req.url().startsWith('data:')) elsewhere.push(req.url());
    });
    return page;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await screenshot(page, path.join(ARTIFACTS, `${kind}-${name}`), { idle: true });
    if (kind === 'sqlite') await screenshot(page, docsScreenshot('api-explorer-ui', name), { fullPage: false });
  }

  const signIn = (page: Page, token: string) => signInOn(page, t.service.url, token, { from: '/sign-in' });

  const me = (token: string) => t.as(token).get('/api/me');

  test('/docs renders Swagger UI, and a person authorizes with a token and calls GET /api/me with "Try it out"', async () => {
    const token = await createUser(t, 'rita', ['supplier']);
    const page = await newPage();
    const res = await page.goto(`${t.service.url}/docs`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'; style-src 'self' 'sha256-[^']+';/);
    expect(res?.headers()['content-security-policy']).not.toMatch(/unsafe/);
    // Swagger UI's files come from the installed package; its demo index.html is not served.
    const bundle = await t.http.get('/docs/swagger-ui/swagger-ui-bundle.js');
    expect([bundle.status, bundle.headers['content-type']]).toEqual([200, expect.stringMatching(/javascript/)]);
    expect((await t.http.get('/docs/swagger-ui/index.html').set('Accept', 'application/json')).status).toBe(404);
    await page.waitForSelector('.swagger-ui .info .title');
    expect(await page.textContent('.swagger-ui .info .title')).toContain('procflow');
    // One section per resource, the operations with their ids.
    const tags = await page.locator('.opblock-tag-section h3 .nostyle span, .opblock-tag-section h3 a span').allTextContents();
    expect(tags).toEqual(expect.arrayContaining(['Definitions', 'Instances', 'Tasks', 'Users', 'Orders', 'Game servers']));
    await shoot(page, 'api-explorer-overview.png');

    await page.click('.auth-wrapper button.authorize');
    await page.waitForSelector('.modal-ux input');
    await page.fill('.modal-ux input', token);
    await page.click('.modal-ux .auth-btn-wrapper button.authorize');
    await page.waitForSelector('.modal-ux .auth-btn-wrapper button:has-text("Logout")');
    await page.click('.modal-ux button.close-modal');

    await page.click('#operations-tag-Users');
    await page.click('#operations-Users-getMe .opblock-summary-control');
    await page.click('#operations-Users-getMe button.try-out__btn');
    await page.click('#operations-Users-getMe button.execute');
    await page.waitForSelector('#operations-Users-getMe .live-responses-table tbody .response-col_status');
    expect((await page.textContent('#operations-Users-getMe .live-responses-table tbody .response-col_status'))?.trim()).toBe('200');
    const body = await page.textContent('#operations-Users-getMe .live-responses-table tbody .response-col_description');
    expect(body).toContain('"name": "rita"');
    expect(body).toContain('"supplier"');
    await shoot(page, 'api-explorer.png');

    // Without the token the same call is refused: the answer came from the service, not from a cache.
    await page.click('.auth-wrapper button.authorize');
    await page.click('.modal-ux .auth-btn-wrapper button:has-text("Logout")');
    await page.click('.modal-ux button.close-modal');
    await page.click('#operations-Users-getMe button.execute');
    await page.waitForSelector('#operations-Users-getMe .live-responses-table tbody .response-col_status:has-text("401")');
    await page.context().close();

    expect(violations).toEqual([]);
    expect(elsewhere).toEqual([]);
  }, 120_000);

  test('an admin creates a user and a token on the users page; revoking, rotating and deleting stop the old tokens', async () => {
    const page = await newPage();
    await signIn(page, ADMIN_TOKEN);
    expect(await page.locator('nav.sidebar li a').allTextContents()).toContain('Users & tokens');
    await page.click('nav.sidebar a[href="/users"]');
    await page.waitForSelector('[data-testid=create-user]');
    // The list comes after the form: the admin's own row, marked as the one signed in.
    await page.waitForSelector('main.page tbody tr:has-text("admin")');
    expect(await page.textContent('main.page tbody tr:has-text("admin")')).toContain('you');

    await page.fill('[data-testid=create-user] input[name=name]', 'carla');
    await page.fill('[data-testid=create-user] input[name=groups]', 'client, sales');
    await page.click('[data-testid=create-user] button[type=submit]');
    await page.waitForSelector('[data-testid=new-token-value]');
    const first = await page.inputValue('[data-testid=new-token-value]');
    expect(first.length).toBeGreaterThan(20);
    expect((await me(first)).body).toMatchObject({ name: 'carla', groups: ['client', 'sales'] });
    await page.waitForSelector('main.page tbody tr:has-text("carla")');
    expect(await page.textContent('main.page tbody tr:has-text("carla")')).toMatch(/client.*sales/);

    // The new user's tokens are shown: one, which the admin revokes.
    await page.waitForSelector('[data-testid=user-detail] h2:has-text("carla")');
    expect(await page.locator('[data-testid=user-detail] [data-testid=revoke-token]').count()).toBe(1);
    await page.click('[data-testid=user-detail] [data-testid=revoke-token]');
    await page.waitForSelector('[data-testid=user-detail] .empty');
    expect((await me(first)).status).toBe(401);

    // A new token, shown once; then rotation: another one, and the one before stops working.
    await page.click('[data-testid=issue-token]');
    await page.waitForFunction((old) => document.querySelector<HTMLInputElement>('[data-testid=new-token-value]')?.value !== old, first);
    const second = await page.inputValue('[data-testid=new-token-value]');
    expect((await me(second)).status).toBe(200);
    await page.click('[data-testid=copy-token]');
    await page.waitForSelector('[data-testid=copy-token]:has-text("Cop")');
    await shoot(page, 'users-page.png');

    await page.click('[data-testid=rotate-tokens]');
    await page.waitForFunction((old) => document.querySelector<HTMLInputElement>('[data-testid=new-token-value]')?.value !== old, second);
    const third = await page.inputValue('[data-testid=new-token-value]');
    expect((await me(second)).status).toBe(401);
    expect((await me(third)).status).toBe(200);
    expect(await page.locator('[data-testid=user-detail] [data-testid=revoke-token]').count()).toBe(1);

    await page.click('[data-testid=delete-user]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=user-detail] section'));
    await page.waitForFunction(() => ![...document.querySelectorAll('main.page tbody tr')].some((tr) => tr.textContent?.includes('carla')));
    expect((await me(third)).status).toBe(401);
    expect((await t.admin.get('/api/users')).body.items.map((u: { name: string }) => u.name)).not.toContain('carla');
    await page.context().close();
    expect(violations).toEqual([]);
  }, 120_000);

  test('the users page fits a phone (390 px) and is not offered to a person who is not an admin', async () => {
    const page = await newPage(390, 844);
    await signIn(page, ADMIN_TOKEN);
    await page.goto(`${t.service.url}/users`);
    await page.waitForSelector('main.page tbody tr');
    await page.click('[data-testid=manage-admin]');
    await page.waitForSelector('[data-testid=user-detail] section');
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, path.join(ARTIFACTS, `${kind}-users-page-phone.png`));
    await page.goto(`${t.service.url}/docs`);
    await page.waitForSelector('.swagger-ui .info .title');
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();

    const token = await createUser(t, 'pia', ['client']);
    const other = await newPage();
    await signIn(other, token);
    expect(await other.locator('nav.sidebar li a').allTextContents()).not.toContain('Users & tokens');
    await other.goto(`${t.service.url}/users`);
    await other.waitForSelector('main.page .notice-warning');
    expect(await other.textContent('main.page')).toContain('Only an admin');
    await other.context().close();
    expect(violations).toEqual([]);
  }, 120_000);
});
