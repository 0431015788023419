// The console in Chromium, by keyboard only: a new operator's setup link, the sites, a site's
// figures, finding a contact and opening the printable proof, adding a kind of email, erasing a
// contact, signing out and in again; axe-core
// on every console page in English and Japanese (no serious or critical violations).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, launchChromium, noBrowser, runAxe } from '../helpers/browser.ts';
import { cleanEnv, PROJECT_ROOT, removeTempDirs, startServer, submitSignup, type ServerProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
const PASSWORD = 'a long and private passphrase';
const CONTACT = 'console-e2e@example.com';

let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let page: Page;
/** The same pages with JavaScript and the CSP waived, only so that axe-core can be injected. */
let axePage: Page;
const violations: string[] = [];

async function axeBothLanguages(path: string) {
  await axePage.context().clearCookies();
  await axePage.context().addCookies(await page.context().cookies());
  for (const lang of ['en', 'ja']) {
    const response = await axePage.goto(`${baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    expect(response?.status(), `${path} ${lang}`).toBe(200);
    violations.push(...describeViolations(`${path} (${lang})`, await runAxe(axePage)));
  }
}

/** Moves focus with Tab until it is on the element, then presses Enter: no mouse. */
async function tabToAndPress(name: RegExp) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '');
    if (name.test(focused)) {
      const before = page.url();
      await Promise.all([page.waitForURL((url) => url.href !== before), page.keyboard.press('Enter')]);
      await page.waitForLoadState('load');
      return;
    }
  }
  throw new Error(`nothing matching ${name} took the focus on ${page.url()}`);
}

/** Tab until the field with this id has the focus. */
async function tabToField(id: string) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id ?? '') === id) return;
  }
  throw new Error(`#${id} never took the focus on ${page.url()}`);
}

describe.skipIf(noBrowser)('the console in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    baseUrl = `http://localhost:${server.port}`;
    expect((await submitSignup(server, { email: CONTACT, categories: ['newsletter'] })).status).toBe(200);
    browser = await launchChromium();
    page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: { width: 1000, height: 800 } })).newPage();
    axePage = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 800 } })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeTempDirs();
  }, 20_000);

  it('takes a new owner from the setup link to a contact’s printable proof, by keyboard', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'operator', 'create', '--email', 'owner@shop.example', '--role', 'owner'], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ DATABASE_PATH: server!.databasePath }),
    });
    const setupPath = new URL(/(https?:\/\/\S+\/admin\/setup\/[\w-]+)/.exec(stdout)![1]!).pathname;
    await axeBothLanguages(setupPath);
    await page.goto(`${baseUrl}${setupPath}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Your sites');

    await tabToAndPress(/^Demo Shop$/);
    expect(page.url()).toMatch(/\/admin\/sites\/demo\?lang=en$/);
    expect(await page.locator('h1').innerText()).toBe('Demo Shop');
    await tabToAndPress(/^Find a contact$/);
    await tabToField('email');
    await page.keyboard.type(CONTACT);
    await Promise.all([page.waitForURL(/\/admin\/sites\/demo\/contacts\/\w+\?lang=en$/), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe(`Contact ${CONTACT}`);
    await tabToAndPress(/printable proof/);
    expect(await page.content()).toContain(CONTACT);

    await axeBothLanguages('/admin');
    await axeBothLanguages('/admin/sites/demo');
    await axeBothLanguages('/admin/sites/demo/contacts');
    await axeBothLanguages(new URL(page.url()).pathname.replace(/\/proof$/, ''));
    await axeBothLanguages('/admin/keys');
    await axeBothLanguages('/admin/audit');
    await axeBothLanguages('/admin/sites/demo/embed');
    await axeBothLanguages('/admin/sites/demo/webhooks');
    await axeBothLanguages('/admin/operators');
  }, 60_000);

  it('adds a kind of email by keyboard, and the signup page offers it at once', async () => {
    await page.goto(`${baseUrl}/admin/sites/demo?lang=en`);
    await tabToAndPress(/^Categories$/);
    expect(await page.locator('h1').innerText()).toBe('Kinds of email');
    await tabToField('key');
    await page.keyboard.type('events');
    // The kind is a radio group, one Tab stop, "needs opt-in" chosen: on to the English texts.
    await tabToField('en.name');
    for (const text of ['Events', 'Invitations to tastings in the shop.', 'To invite you to our events.', 'A few times a year']) {
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
    }
    await tabToAndPress(/^Add$/);
    expect(await page.locator('[role=status]').innerText()).toBe('Events is added and offered on the pages.');
    const signup = await (await fetch(`${baseUrl}/s/demo`)).text();
    expect(signup).toContain('value="events"');
    expect(signup).toContain('To invite you to our events.');

    await axeBothLanguages('/admin/sites/demo/categories');
    await axeBothLanguages('/admin/sites/demo/categories/events');
    await axeBothLanguages('/admin/sites/demo/settings');
    await axeBothLanguages('/admin/new-site');
  }, 60_000);

  it('erases a contact by keyboard, after a page that says what is kept', async () => {
    await page.goto(`${baseUrl}/admin/sites/demo/contacts?lang=en`);
    await tabToField('email');
    await page.keyboard.type(CONTACT);
    await Promise.all([page.waitForURL(/\/admin\/sites\/demo\/contacts\/\w+\?lang=en$/), page.keyboard.press('Enter')]);
    const contactPath = new URL(page.url()).pathname;
    await tabToAndPress(/^Erase this person/);
    expect(await page.locator('h1').innerText()).toBe(`Erase ${CONTACT}?`);
    expect(await page.content()).toContain('the address stays on the suppression list');
    await axeBothLanguages(`${contactPath}/erase`);
    await tabToAndPress(/^Erase now$/);
    expect(await page.locator('[role=status]').innerText()).toContain('Erased. The address, name and consents are gone.');
    expect(await page.content()).not.toContain(CONTACT);
  }, 60_000);

  it('signs out, and signs in again by keyboard', async () => {
    await page.goto(`${baseUrl}/admin?lang=en`);
    await tabToAndPress(/^Sign out$/);
    expect(await page.locator('[role=status]').innerText()).toBe('You are signed out.');
    await axeBothLanguages('/admin/login');
    await page.goto(`${baseUrl}/admin/login?lang=en`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('owner@shop.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Your sites');
  }, 60_000);

  it('has no serious or critical axe-core violations on any console page', () => {
    expect(violations).toEqual([]);
  });
});
