// SMS double opt-in in Chromium, by keyboard, JavaScript off: tick "Offers by SMS", type a
// Japanese mobile number, subscribe, read the code from the dev outbox, type it on the code page,
// and see the number confirmed; axe-core on the signup page with its SMS part and on the code
// page, in English and Japanese (no serious or critical violations).
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, launchChromium, noBrowser, runAxe } from '../helpers/browser.ts';
import { removeTempDirs, startServer, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const ADMIN_KEY = 'e2e-sms-admin-key-0123456789';
let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let page: Page;
let axePage: Page;
const violations: string[] = [];

async function axe(path: string) {
  for (const lang of ['en', 'ja']) {
    const response = await axePage.goto(`${baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    expect(response?.status(), `${path} ${lang}`).toBe(200);
    violations.push(...describeViolations(`${path} (${lang})`, await runAxe(axePage)));
  }
}

async function tabTo(matches: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await matches()) return;
  }
  throw new Error(`${what} never took the focus on ${page.url()}`);
}
const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

describe.skipIf(noBrowser)('SMS signup in Chromium', () => {
  beforeAll(async () => {
    server = await startServer({ env: { ADMIN_API_KEY: ADMIN_KEY } });
    baseUrl = `http://localhost:${server.port}`;
    const patch = (path: string, body: unknown) =>
      fetch(`${baseUrl}/api/v1${path}`, { method: 'PATCH', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await patch('/sites/demo', { defaultCountry: 'JP', smsRatesNotice: true })).status).toBe(200);
    expect((await patch('/sites/demo/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
    browser = await launchChromium();
    page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: { width: 900, height: 800 } })).newPage();
    axePage = await (await browser.newContext({ bypassCSP: true, viewport: { width: 900, height: 800 } })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeTempDirs();
  }, 20_000);

  it('signs up for Offers by SMS by keyboard and confirms with the texted code', async () => {
    await axe('/s/demo');
    await page.goto(`${baseUrl}/s/demo?lang=en`);
    await tabTo(async () => (await focusedId()) === 'sms-offers', 'the Offers by SMS box');
    await page.keyboard.press('Space');
    await tabTo(async () => (await focusedId()) === 'phone', 'the number field');
    await page.keyboard.type('090-1234-5678');
    await tabTo(async () => (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '')) === 'Subscribe', 'Subscribe');
    await Promise.all([page.waitForURL(/\/s\/demo\/sms\//), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Enter the code we sent you');
    expect(await page.content()).toContain('+81 ** **** 5678');
    await axe(new URL(page.url()).pathname);

    const text = await waitFor(
      async () => ((await (await fetch(`${baseUrl}/dev/sms.json`)).json()) as { body: string }[]).find((sms) => /your code is \d{6}/.test(sms.body)),
      { timeoutMs: 10_000, what: 'the code in the dev outbox' },
    );
    const code = /(\d{6})/.exec(text.body)![1]!;
    await tabTo(async () => (await focusedId()) === 'code', 'the code field');
    await page.keyboard.type(code);
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.waitForSelector('h1');
    expect(await page.locator('h1').innerText()).toBe('Your number is confirmed');
    expect(await page.locator('li').allInnerTexts()).toEqual(['Offers']);
  }, 60_000);

  it('has no serious or critical axe-core violations on the SMS pages', () => {
    expect(violations).toEqual([]);
  });
});
