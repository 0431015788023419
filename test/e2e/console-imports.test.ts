// The console's CSV import in Chromium, by keyboard only and without JavaScript: a file with one
// bad row is refused with its row and field named, fixed and uploaded again, then imported; the
// result per row. axe-core on the upload, preview (with problems and without) and result pages,
// in English and Japanese (no serious or critical violations).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, launchChromium, noBrowser, runAxe } from '../helpers/browser.ts';
import { cleanEnv, PROJECT_ROOT, removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
const PASSWORD = 'a long and private passphrase';
const HEADER = 'email,categories,method,occurredAt,evidence,consentText';
const line = (email: string) => `${email},newsletter;offers,in_store,2026-10-01T09:00:00+09:00,"Card #7, Ginza shop","メールマガジンの配信に同意します。"`;
const BAD = `${HEADER}\r\n${line('hana@example.com')}\r\n${line('taro@example')}\r\n`;
const FIXED = BAD.replace('taro@example,', 'taro@example.com,');

let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let page: Page;
/** The same pages with JavaScript and the CSP waived, only so that axe-core can be injected. */
let axePage: Page;
const violations: string[] = [];

const csv = (name: string, content: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });

/** Moves focus with Tab until the focused element's text matches, then presses Enter: no mouse. */
async function tabToAndPress(p: Page, name: RegExp) {
  for (let i = 0; i < 60; i++) {
    await p.keyboard.press('Tab');
    const focused = await p.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '');
    if (name.test(focused)) {
      await Promise.all([p.waitForEvent('load'), p.keyboard.press('Enter')]);
      return;
    }
  }
  throw new Error(`nothing matching ${name} took the focus on ${p.url()}`);
}

/** Tab to the file field and choose the file (the one step a keyboard hands to the system's dialog). */
async function chooseFile(p: Page, name: string, content: string) {
  for (let i = 0; i < 60; i++) {
    await p.keyboard.press('Tab');
    if ((await p.evaluate(() => document.activeElement?.id ?? '')) === 'file') {
      await p.locator('#file').setInputFiles(csv(name, content));
      return;
    }
  }
  throw new Error(`the file field never took the focus on ${p.url()}`);
}

async function axeHere(label: string) {
  violations.push(...describeViolations(label, await runAxe(axePage)));
}

/** The upload, both previews and the result, checked by axe-core in one language. */
async function axeImportPages(lang: string, email: string) {
  await axePage.context().clearCookies();
  await axePage.context().addCookies(await page.context().cookies());
  const upload = async (content: string) => {
    await axePage.locator('#file').setInputFiles(csv('shop.csv', content));
    await Promise.all([axePage.waitForEvent('load'), axePage.locator('button', { hasText: lang === 'ja' ? 'アップロードしてプレビュー' : 'Upload and preview' }).click()]);
  };
  expect((await axePage.goto(`${baseUrl}/admin/sites/demo/imports?lang=${lang}`))?.status()).toBe(200);
  await axeHere(`imports (${lang})`);
  await upload(`${HEADER}\n${line('x@example')}\n`);
  await axeHere(`imports preview with a problem (${lang})`);
  await upload(`${HEADER}\n${line(email)}\n`);
  await axeHere(`imports preview (${lang})`);
  await Promise.all([axePage.waitForEvent('load'), axePage.locator('button[formaction]').click()]);
  expect(await axePage.locator('h1').innerText()).toBe(lang === 'ja' ? 'インポートしました' : 'Imported');
  await axeHere(`imports result (${lang})`);
}

describe.skipIf(noBrowser)('the CSV import in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    baseUrl = `http://localhost:${server.port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: { width: 1000, height: 800 } })).newPage();
    axePage = await (await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 800 } })).newPage();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'operator', 'create', '--email', 'editor@shop.example', '--role', 'editor', '--site', 'demo'], {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ DATABASE_PATH: server.databasePath }),
    });
    await page.goto(`${baseUrl}${new URL(/(https?:\/\/\S+\/admin\/setup\/[\w-]+)/.exec(stdout)![1]!).pathname}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/), page.keyboard.press('Enter')]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeTempDirs();
  }, 20_000);

  it('imports a CSV with one bad row, fixed and uploaded again, by keyboard', async () => {
    await page.goto(`${baseUrl}/admin/sites/demo?lang=en`);
    await tabToAndPress(page, /^Import consents from a CSV$/);
    expect(page.url()).toMatch(/\/admin\/sites\/demo\/imports\?lang=en$/);

    await chooseFile(page, 'shop.csv', BAD);
    await tabToAndPress(page, /^Upload and preview$/);
    const problems = page.locator('.alert');
    expect(await problems.locator('h2').innerText()).toBe('1 problem: nothing is imported until every row is right');
    expect(await problems.locator('li').allInnerTexts()).toEqual(['Row 3, Email address: not a valid email address.']);
    expect(await page.locator('button[formaction]').count()).toBe(0);
    expect(await page.locator('tr.has-problem th').innerText()).toBe('3');

    await chooseFile(page, 'shop-fixed.csv', FIXED);
    await tabToAndPress(page, /^Upload and preview$/);
    expect(await page.locator('[role=status]').innerText()).toBe('No problems in the 2 rows. Nothing is written until you import.');
    await tabToAndPress(page, /^Import 2 rows$/);
    expect(await page.locator('h1').innerText()).toBe('Imported');
    expect(await page.locator('[role=status]').innerText()).toContain('4 consents granted, 0 skipped, 0 rows refused.');
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' '))).toEqual(['2 hana@example.com newsletter: granted; offers: granted', '3 taro@example.com newsletter: granted; offers: granted']);

    // Back on the upload page, the import is listed, made by this operator.
    await tabToAndPress(page, /^Import another file$/);
    expect(await page.locator('.table-scroll tbody tr').first().innerText()).toContain('editor@shop.example');
  }, 60_000);

  it('has no serious or critical axe-core violations on the import pages, in English and Japanese', async () => {
    await axeImportPages('en', 'axe-en@example.com');
    await axeImportPages('ja', 'axe-ja@example.com');
    expect(violations).toEqual([]);
  }, 60_000);
});
