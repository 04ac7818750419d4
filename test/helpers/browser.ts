// What the browser tests share: the web UI built with node web/build.mjs, Debian's chromium
// (/usr/bin/chromium, or PROCFLOW_CHROMIUM) driven by playwright-core, a describe that is skipped
// when chromium is missing (and fails on CI, which installs it), a page signed in through the
// sign-in page, and screenshots.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PROCFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..');
export const haveChromium = fs.existsSync(CHROMIUM);

/** Says why `what` is skipped when chromium is missing; on CI a missing chromium is an error. */
export function requireChromium(what: string): void {
  if (haveChromium) return;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium before the tests`);
  console.warn(`${CHROMIUM} is missing: ${what} is skipped (apt-get install -y chromium to run it)`);
}

export const describeIfChromium = haveChromium ? describe : describe.skip;

/** test-artifacts/<name>/ of the repository. */
export function artifactsDir(name: string): string {
  return path.join(ROOT, 'test-artifacts', name);
}

/**
 * Makes sure the web UI is built into web/dist (jest's global setup builds it once per run, so
 * parallel browser suites never rebuild under each other's pages) and makes the folders
 * screenshots go to.
 */
export function buildWebUi(...screenshotDirs: string[]): void {
  if (process.env.PROCFLOW_WEB_UI_BUILT !== '1') {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'web', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`node web/build.mjs failed:\n${build.stdout}\n${build.stderr}`);
  }
  for (const dir of screenshotDirs) fs.mkdirSync(dir, { recursive: true });
}

/**
 * Where a screenshot shown in docs/ goes: docs/screenshots/ when PROCFLOW_UPDATE_SCREENSHOTS=1
 * (to refresh the docs' pictures), else the test's artifacts folder — a test run leaves the
 * checkout as it was.
 */
export function docsScreenshot(name: string, file: string): string {
  const dir = process.env.PROCFLOW_UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : artifactsDir(name);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, file);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface PageOptions {
  /** 1360 × 900 unless given. */
  viewport?: { width: number; height: number };
  /** Collects the Content-Security-Policy violations the page reports. */
  cspViolations?: string[];
  /** What an uncaught error in the page does; it is thrown unless given. */
  onPageError?: (err: Error) => void;
  /** Says yes to every confirm() the page asks. */
  acceptDialogs?: boolean;
}

/** A page in a context of its own. */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1360, height: 900 } });
  const violations = options.cspViolations;
  if (violations) {
    await context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
    );
  }
  const page = await context.newPage();
  page.on(
    'pageerror',
    options.onPageError ??
      ((err) => {
        throw err;
      }),
  );
  if (violations) {
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|CSP violation/i.test(msg.text())) violations.push(msg.text());
    });
  }
  if (options.acceptDialogs) page.on('dialog', (d) => void d.accept());
  return page;
}

export interface SignInOptions {
  /** Where the page starts; unless given, `/`, from where the UI sends a signed-out person to the sign-in page. */
  from?: string;
  /** Runs on the sign-in page once the token is filled in, before it is sent. */
  beforeSubmit?: (page: Page) => Promise<void>;
}

/** Signs in on the sign-in page with `token`; the page ends on the tasks page. */
export async function signIn(page: Page, baseUrl: string, token: string, options: SignInOptions = {}): Promise<void> {
  await page.goto(`${baseUrl}${options.from ?? '/'}`);
  if (options.from === undefined) await page.waitForSelector('form.sign-in');
  await page.fill('#token', token);
  if (options.beforeSubmit) await options.beforeSubmit(page);
  await page.click('form.sign-in button[type=submit]');
  await page.waitForURL(/\/tasks/);
  // The URL changes before the page is drawn (the layout waits for the service clock): wait for
  // the navigation, so a caller reading the sidebar sees it filled.
  await page.waitForSelector('nav.sidebar [data-testid=user-name]');
}

/** A new tab signed in through the sign-in page, on the tasks page. */
export async function signedInPage(browser: Browser, baseUrl: string, token: string, options: PageOptions & SignInOptions = {}): Promise<Page> {
  const page = await newPage(browser, options);
  await signIn(page, baseUrl, token, options);
  return page;
}

/** A screenshot of the whole page to `file`; with `idle`, once the network has been quiet. */
export async function screenshot(page: Page, file: string, options: { idle?: boolean; fullPage?: boolean } = {}): Promise<void> {
  if (options.idle) await page.waitForLoadState('networkidle');
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
}
