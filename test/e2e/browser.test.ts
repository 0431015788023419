// End to end in a real browser: what a site owner tries after `npm start`. Starts the Node entry
// on a free port with a fresh database and the dev mailbox, then drives Debian's Chromium with
// JavaScript disabled (every page must work without it): the signup form, its errors, the
// confirmation mail, the confirm page and its button, the Japanese form, and an axe-core check.
//
// Needs /usr/bin/chromium and fonts-noto-cjk: run scripts/ensure-chromium.sh first. Screenshots
// for a human go to /tmp/assent-e2e/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, launchChromium, noBrowser, runAxe, submitAndWait, waitForMail } from '../helpers/browser.ts';
import { removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

const SHOTS = '/tmp/assent-e2e';


let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

// Shared along the flow: the tests below run in order and build on each other.
const email = `e2e-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
const personName = 'Hanako E2E';
let confirmUrl = '';

describe.skipIf(noBrowser)('in Chromium with JavaScript disabled', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    // The host the default BASE_URL names, so the browser follows the mailed links as they are.
    baseUrl = `http://localhost:${server.port}`;
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: { width: 900, height: 800 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeTempDirs();
  }, 20_000);

  it('shows the signup form with nothing ticked', async () => {
    const response = await page.goto(`${baseUrl}/s/demo`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Subscribe to Demo Shop');

    const newsletter = page.getByRole('checkbox', { name: 'Newsletter' });
    const offers = page.getByRole('checkbox', { name: 'Offers' });
    for (const box of [newsletter, offers]) {
      expect(await box.isVisible()).toBe(true);
      expect(await box.isChecked()).toBe(false);
    }

    const details = {
      newsletter: ['To keep you informed about our products and news.', 'Monthly'],
      offers: ['To send you promotions and special prices.', 'Weekly'],
    };
    for (const [key, [purpose, frequency]] of Object.entries(details)) {
      const text = await page.locator(`#category-${key}-details`).innerText();
      expect(text).toContain('Purpose');
      expect(text).toContain(purpose);
      expect(text).toContain('How often');
      expect(text).toContain(frequency);
      // The checkbox points its description at these details.
      expect(await page.locator(`#category-${key}`).getAttribute('aria-describedby')).toBe(`category-${key}-details`);
    }

    // The exempt category is information, never a choice.
    const exempt = page.locator('section.exempt');
    expect(await exempt.isVisible()).toBe(true);
    expect(await exempt.innerText()).toContain('Account and order notices');
    expect(await page.getByRole('checkbox').count()).toBe(2);
    expect(await page.locator('input[value="account"]').count()).toBe(0);

    const privacy = page.getByRole('link', { name: /Privacy policy/ });
    expect(await privacy.count()).toBe(1);
    expect(await privacy.getAttribute('href')).toBe('https://example.com/privacy');

    await page.screenshot({ path: join(SHOTS, 'signup-en.png'), fullPage: true });
  });

  it('keeps what was typed and explains the error when nothing is ticked', async () => {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel(/^Name/).fill(personName);
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Subscribe' }));
    expect(response.status()).toBe(400);

    expect(await page.getByRole('alert').innerText()).toContain('Please correct the highlighted fields.');
    // The error sits inside the categories fieldset, which names it as its description.
    const fieldset = page.locator('fieldset').filter({ has: page.getByRole('checkbox', { name: 'Newsletter' }) });
    expect(await fieldset.getAttribute('aria-describedby')).toBe('categories-error');
    const error = fieldset.locator('#categories-error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.innerText()).toContain('Tick at least one kind of email');

    expect(await page.getByLabel('Email address').inputValue()).toBe(email);
    expect(await page.getByLabel(/^Name/).inputValue()).toBe(personName);
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByRole('checkbox', { name: 'Newsletter' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Offers' }).isChecked()).toBe(false);

    await page.screenshot({ path: join(SHOTS, 'signup-errors.png'), fullPage: true });
  });

  it('accepts a signup with Newsletter ticked', async () => {
    await page.getByRole('checkbox', { name: 'Newsletter' }).check();
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Subscribe' }));
    expect(response.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Check your inbox');
    await page.screenshot({ path: join(SHOTS, 'check-inbox.png'), fullPage: true });
  });

  it('delivers the confirmation mail to the dev mailbox', async () => {
    const mail = await waitForMail(baseUrl, (m) => m.to.includes(email));
    expect(mail.subject).toBe('Confirm your subscription to Demo Shop');
    const link = /^(https?:\/\/\S+\/c\/\S+)$/m.exec(mail.text)?.[1];
    expect(link, `no confirmation link in the text part:\n${mail.text}`).toBeTruthy();
    confirmUrl = link!;
    expect(confirmUrl.startsWith(`${baseUrl}/c/`)).toBe(true);

    const response = await page.goto(`${baseUrl}/dev/mailbox`);
    expect(response?.status()).toBe(200);
    const article = page.locator('article.mail').filter({ hasText: email });
    expect(await article.count()).toBe(1);
    expect(await article.getByRole('heading').innerText()).toBe(mail.subject);
    expect(await article.locator('pre').innerText()).toContain(confirmUrl);
    await page.screenshot({ path: join(SHOTS, 'mailbox.png'), fullPage: true });

    // The HTML part, as a mail client shows it, carries the same link.
    await submitAndWait(page, article.getByRole('link', { name: 'View as HTML' }));
    expect(page.url()).toBe(`${baseUrl}/dev/mailbox/${mail.id}`);
    expect(await page.locator(`a[href="${confirmUrl}"]`).count()).toBeGreaterThan(0);
  });

  it('confirms only when the button is pressed, and the link stays good afterwards', async () => {
    expect(confirmUrl, 'needs the link from the previous test').not.toBe('');
    let response = await page.goto(confirmUrl);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Confirm your subscription');
    expect(await page.locator('ul.chosen li').allInnerTexts()).toEqual(['Newsletter']);
    expect(await page.getByRole('button', { name: 'Confirm' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'confirm.png'), fullPage: true });

    // Opening the link (as a mail scanner would) confirms nothing: it still asks.
    response = await page.reload();
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Confirm your subscription');
    expect(await page.getByRole('button', { name: 'Confirm' }).isVisible()).toBe(true);

    response = await submitAndWait(page, page.getByRole('button', { name: 'Confirm' }));
    expect(response.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You are confirmed');
    expect(await page.locator('ul.chosen li').allInnerTexts()).toEqual(['Newsletter']);
    await page.screenshot({ path: join(SHOTS, 'confirmed.png'), fullPage: true });

    // Back, then the link again: the confirmed page, not an error.
    await page.goBack();
    response = await page.goto(confirmUrl);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You are confirmed');
    expect(await page.locator('ul.chosen li').allInnerTexts()).toEqual(['Newsletter']);
    expect(await page.getByRole('button', { name: 'Confirm' }).count()).toBe(0);

    // A second press (a stale tab) is harmless too.
    const again = await fetch(confirmUrl, { method: 'POST', headers: { Origin: baseUrl } });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You are confirmed');
  });

  it('shows the form in Japanese', async () => {
    const response = await page.goto(`${baseUrl}/s/demo?lang=ja`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('メール配信登録');
    const newsletter = page.getByRole('checkbox', { name: 'ニュースレター' });
    expect(await newsletter.isVisible()).toBe(true);
    expect(await newsletter.isChecked()).toBe(false);
    expect(await page.getByRole('button', { name: '登録する' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'signup-ja.png'), fullPage: true });
  });

  it('has no serious or critical axe-core violations', async () => {
    // axe needs script, and the pages' CSP forbids injected script: a separate context for it.
    const axeContext = await browser!.newContext({ javaScriptEnabled: true, bypassCSP: true });
    try {
      const axePage = await axeContext.newPage();
      const found: string[] = [];
      const check = async (label: string, url: string, prepare?: (p: Page) => Promise<void>) => {
        await axePage.goto(url);
        if (prepare) await prepare(axePage);
        found.push(...describeViolations(label, await runAxe(axePage)));
      };

      await check('signup (en)', `${baseUrl}/s/demo`);
      await check('signup with errors', `${baseUrl}/s/demo`, async (p) => {
        await submitAndWait(p, p.getByRole('button', { name: 'Subscribe' }));
      });
      await check('signup (ja)', `${baseUrl}/s/demo?lang=ja`);

      // A fresh, unconfirmed link for the confirmation page (opening it confirms nothing).
      const other = `e2e-a11y-${Date.now().toString(36)}@example.com`;
      await page.goto(`${baseUrl}/s/demo`);
      await page.getByRole('checkbox', { name: 'Offers' }).check();
      await page.getByLabel('Email address').fill(other);
      await submitAndWait(page, page.getByRole('button', { name: 'Subscribe' }));
      const link = /^(https?:\/\/\S+\/c\/\S+)$/m.exec((await waitForMail(baseUrl, (m) => m.to.includes(other))).text)?.[1];
      expect(link).toBeTruthy();
      await check('confirmation page', link!);
      await check('confirmed page', confirmUrl);

      expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
    } finally {
      await axeContext.close();
    }
  });
});





