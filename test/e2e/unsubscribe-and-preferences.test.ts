// End to end in a real browser: a recipient's whole journey after signing up. Starts the Node
// entry on a free port with a fresh database, the dev mailbox and an ADMIN_API_KEY (the operator
// API checks what each step stored), then drives Debian's Chromium:
//   signup and confirmation (JavaScript disabled) → the welcome mail, its List-Unsubscribe
//   headers and footer → RFC 8058 one-click from node, as a mailbox provider does it → the
//   preference page without JavaScript (history, save) → the unsubscribe page, Undo → the
//   preference page with htmx (per-checkbox saves, no page load, no CSP errors) → the language
//   switch → axe-core on the preference and unsubscribe pages.
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
const ADMIN_API_KEY = 'e2e-admin-key-0123456789abcdef';

let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

// Shared along the flow: the tests below run in order and build on each other.
const email = `e2e-journey-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
let unsubscribeUrl = '';
let preferencesUrl = '';

type Statuses = Record<string, string>;

describe.skipIf(noBrowser)('unsubscribe and preferences in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ env: { ADMIN_API_KEY } });
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

  it('signs up for Newsletter and Offers and confirms with the button (no JavaScript)', async () => {
    let response = await page.goto(`${baseUrl}/s/demo`);
    expect(response?.status()).toBe(200);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('checkbox', { name: 'Newsletter' }).check();
    await page.getByRole('checkbox', { name: 'Offers' }).check();
    response = await submitAndWait(page, page.getByRole('button', { name: 'Subscribe' }));
    expect(response.status()).toBe(200);
    expect(await heading(page)).toBe('Check your inbox');

    const mail = await waitForMail(baseUrl, (m) => m.to.includes(email) && m.subject.startsWith('Confirm'));
    const confirmUrl = /^(https?:\/\/\S+\/c\/\S+)$/m.exec(mail.text)?.[1];
    expect(confirmUrl, `no confirmation link in:\n${mail.text}`).toBeTruthy();
    expect(confirmUrl!.startsWith(`${baseUrl}/c/`)).toBe(true);

    response = await page.goto(confirmUrl!);
    expect(response?.status()).toBe(200);
    expect(await heading(page)).toBe('Confirm your subscription');
    response = await submitAndWait(page, page.getByRole('button', { name: 'Confirm' }));
    expect(response.status()).toBe(200);
    expect(await heading(page)).toBe('You are confirmed');
    expect(await page.locator('ul.chosen li').allInnerTexts()).toEqual(['Newsletter', 'Offers']);

    expect(await lookupStatuses()).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('sends a welcome mail with one-click unsubscribe headers and the legal footer', async () => {
    const mail = await waitForMail(baseUrl, (m) => m.to.includes(email) && m.subject === 'Welcome to Demo Shop');
    expect(mail.subject).toBe('Welcome to Demo Shop');

    const listUnsubscribe = mail.headers['List-Unsubscribe'];
    expect(listUnsubscribe, `headers: ${JSON.stringify(mail.headers)}`).toMatch(
      new RegExp(`^<${escapeRegExp(baseUrl)}/u/[^>\\s]+>$`),
    );
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    unsubscribeUrl = listUnsubscribe!.slice(1, -1);

    // The text part: what was granted, then the footer the Act on Specified Electronic Mail asks for.
    const text = mail.text;
    expect(text).toContain('- Newsletter (Monthly)');
    expect(text).toContain('- Offers (Weekly)');
    expect(text).toContain('You can unsubscribe from these emails at any time');
    expect(text).toContain('Sent by Demo Shop K.K.');
    expect(text).toContain('Postal address: 1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan');
    expect(text).toContain('Inquiries: privacy@example.com');
    const footerUnsubscribe = /^Unsubscribe: (\S+)$/m.exec(text)?.[1];
    const footerPreferences = /^Email preferences: (\S+)$/m.exec(text)?.[1];
    expect(footerUnsubscribe, `no unsubscribe link in:\n${text}`).toBeTruthy();
    expect(footerPreferences, `no preferences link in:\n${text}`).toBeTruthy();
    // The footer's link is the one in the header: one link per recipient, however it is reached.
    expect(footerUnsubscribe).toBe(unsubscribeUrl);
    expect(footerPreferences!.startsWith(`${baseUrl}/p/`)).toBe(true);
    preferencesUrl = footerPreferences!;

    // The HTML part carries the same two links.
    expect(mail.html).toContain(`href="${unsubscribeUrl}"`);
    expect(mail.html).toContain(`href="${preferencesUrl}"`);
  });

  it('honours an RFC 8058 one-click POST from a mailbox provider', async () => {
    expect(unsubscribeUrl, 'needs the header from the previous test').not.toBe('');
    // No cookies, no Origin, no Referer: just the URL and the fixed body.
    const response = await fetch(unsubscribeUrl, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Location')).toBeNull();
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain\b/);
    expect((await response.text()).trim()).toBe('You are unsubscribed.');

    expect(await lookupStatuses()).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('shows the one-click on the preference page and saves a new choice (no JavaScript)', async () => {
    expect(preferencesUrl, 'needs the footer link').not.toBe('');
    let response = await page.goto(preferencesUrl);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await heading(page)).toBe('Your email preferences for Demo Shop');
    const newsletter = page.getByRole('checkbox', { name: 'Newsletter' });
    const offers = page.getByRole('checkbox', { name: 'Offers' });
    expect(await newsletter.isChecked()).toBe(false);
    expect(await offers.isChecked()).toBe(false);

    const history = await historyTexts(page);
    expect(history).toContainEqual(expect.stringContaining('You stopped Newsletter with your mail app’s unsubscribe button.'));
    expect(history).toContainEqual(expect.stringContaining('You stopped Offers with your mail app’s unsubscribe button.'));
    await page.screenshot({ path: join(SHOTS, 'prefs-en.png'), fullPage: true });

    await newsletter.check();
    response = await submitAndWait(page, page.getByRole('button', { name: 'Save my choices' }));
    expect(response.status()).toBe(200);
    expect((await page.locator('#status').innerText()).trim()).toBe('Your choices are saved.');

    // A fresh GET (not a reload, which would post the form again) shows what was stored.
    response = await page.goto(preferencesUrl);
    expect(response?.status()).toBe(200);
    expect(await newsletter.isChecked()).toBe(true);
    expect(await offers.isChecked()).toBe(false);
    expect(await historyTexts(page)).toContainEqual(expect.stringContaining('You agreed to receive Newsletter on this page.'));

    expect(await lookupStatuses()).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('unsubscribes only on the button, and Undo puts it back (no JavaScript)', async () => {
    const before = await lookupStatuses();
    expect(before).toEqual({ newsletter: 'granted', offers: 'withdrawn' });

    // Opening the link (as a mail scanner would) changes nothing.
    let response = await page.goto(unsubscribeUrl);
    expect(response?.status()).toBe(200);
    expect(await heading(page)).toBe('Stop all the emails you chose to receive from Demo Shop?');
    expect(await page.getByRole('button', { name: 'Unsubscribe' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Or choose which emails you get' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'unsubscribe.png'), fullPage: true });
    expect(await lookupStatuses()).toEqual(before);

    response = await submitAndWait(page, page.getByRole('button', { name: 'Unsubscribe' }));
    expect(response.status()).toBe(200);
    expect(await heading(page)).toBe('You are unsubscribed');
    const undo = page.getByRole('button', { name: 'Undo' });
    expect(await undo.isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'unsubscribed.png'), fullPage: true });
    expect(await lookupStatuses()).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });

    response = await submitAndWait(page, undo);
    expect(response.status()).toBe(200);
    expect(await heading(page)).toBe('Your subscription is back');
    expect(await page.locator('ul.chosen li').allInnerTexts()).toEqual(['Newsletter']);
    // Offers was already stopped by the one-click: Undo does not bring it back.
    expect(await lookupStatuses()).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('saves each checkbox with htmx without loading a page', async () => {
    const jsContext = await browser!.newContext({ javaScriptEnabled: true, locale: 'en-GB', viewport: { width: 900, height: 800 } });
    try {
      const jsPage = await jsContext.newPage();
      const problems: string[] = [];
      jsPage.on('console', (message) => {
        if (message.type() !== 'error') return;
        const where = message.location().url;
        if (/\/favicon\.ico$/.test(where) && /404/.test(message.text())) return;
        problems.push(`console: ${message.text()} (${where})`);
      });
      jsPage.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      let navigations = 0;
      jsPage.on('framenavigated', (frame) => {
        if (frame === jsPage.mainFrame()) navigations++;
      });

      const response = await jsPage.goto(preferencesUrl);
      expect(response?.status()).toBe(200);
      await jsPage.waitForFunction(() => typeof (window as unknown as { htmx?: unknown }).htmx !== 'undefined', null, {
        timeout: 5000,
      });
      expect(await jsPage.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
      const url = jsPage.url();
      const navigationsBefore = navigations;

      const status = jsPage.locator('#status');
      expect(await status.getAttribute('role')).toBe('status');

      // Tick Offers: one POST to its category, the row swapped, the status region updated.
      const offers = jsPage.getByRole('checkbox', { name: 'Offers' });
      expect(await offers.isChecked()).toBe(false);
      let [saved] = await Promise.all([
        jsPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/categories/offers'), {
          timeout: 10_000,
        }),
        offers.check(),
      ]);
      expect(saved.status()).toBe(200);
      expect(saved.request().headers()['hx-request']).toBe('true');
      await status.filter({ hasText: 'Saved: you will receive Offers.' }).waitFor({ timeout: 5000 });
      expect((await status.innerText()).trim()).toBe('Saved: you will receive Offers.');
      expect(await jsPage.getByRole('checkbox', { name: 'Offers' }).isChecked()).toBe(true);
      expect(jsPage.url()).toBe(url);
      expect(navigations).toBe(navigationsBefore);

      // Untick Newsletter.
      const newsletter = jsPage.getByRole('checkbox', { name: 'Newsletter' });
      expect(await newsletter.isChecked()).toBe(true);
      [saved] = await Promise.all([
        jsPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/categories/newsletter'), {
          timeout: 10_000,
        }),
        newsletter.uncheck(),
      ]);
      expect(saved.status()).toBe(200);
      await status.filter({ hasText: 'Saved: you will no longer receive Newsletter.' }).waitFor({ timeout: 5000 });
      expect((await status.innerText()).trim()).toBe('Saved: you will no longer receive Newsletter.');
      expect(await jsPage.getByRole('checkbox', { name: 'Newsletter' }).isChecked()).toBe(false);
      expect(jsPage.url()).toBe(url);
      expect(navigations).toBe(navigationsBefore);
      // One status region, still the live one (the out-of-band swap replaced its content only).
      expect(await jsPage.locator('[role="status"]').count()).toBe(1);

      await jsPage.screenshot({ path: join(SHOTS, 'prefs-htmx.png'), fullPage: true });
      expect(await lookupStatuses()).toEqual({ newsletter: 'withdrawn', offers: 'granted' });
      expect(problems, `console errors:\n${problems.join('\n')}`).toEqual([]);
    } finally {
      await jsContext.close();
    }
  });

  it('switches the page and the emails to Japanese (no JavaScript)', async () => {
    let response = await page.goto(preferencesUrl);
    expect(response?.status()).toBe(200);
    response = await submitAndWait(page, page.getByRole('button', { name: '日本語' }));
    expect(response.status()).toBe(200);
    // Post, redirect, get: a reload does not post the switch again.
    expect(response.request().method()).toBe('GET');
    expect((await response.request().redirectedFrom()?.response())?.status()).toBe(303);
    expect(page.url()).toBe(preferencesUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await heading(page)).toContain('メール配信設定');
    // The choices are unchanged, now named in Japanese.
    expect(await page.getByRole('checkbox', { name: 'ニュースレター' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'キャンペーン・クーポン' }).isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'English' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'prefs-ja.png'), fullPage: true });

    const contact = await lookup();
    expect(contact.locale).toBe('ja');
  });

  it('writes the consent history in Japanese word order', async () => {
    // The page from the previous test, in Japanese. A Japanese sentence puts how before what
    // (「…で」 then the verb) and ends with 。, not the English "<what> <how>." order.
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    const history = await historyTexts(page);
    expect(history.length).toBeGreaterThan(0);
    expect(history).toContainEqual(expect.stringContaining('メールアプリの配信停止ボタンで「ニュースレター」の配信を停止しました。'));
    expect(history).toContainEqual(expect.stringContaining('このページで「ニュースレター」の受信に同意しました。'));
    for (const entry of history) expect(entry, 'a Japanese sentence ends with 。').not.toMatch(/\.(\s|$)/);
  });

  it('has no serious or critical axe-core violations on the preference and unsubscribe pages, and the fresh-link form', async () => {
    // axe needs script, and the pages' CSP forbids injected script: a separate context for it.
    const axeContext = await browser!.newContext({ javaScriptEnabled: true, bypassCSP: true });
    try {
      const axePage = await axeContext.newPage();
      const found: string[] = [];
      const check = async (label: string, url: string, status = 200) => {
        const response = await axePage.goto(url);
        expect(response?.status(), label).toBe(status);
        found.push(...describeViolations(label, await runAxe(axePage)));
      };
      await check('preferences (ja)', preferencesUrl);
      await check('preferences (en)', `${preferencesUrl}?lang=en`);
      await check('unsubscribe (ja)', unsubscribeUrl);
      await check('unsubscribe (en)', `${unsubscribeUrl}?lang=en`);
      // A link that no longer opens: the page that mails a fresh one.
      await check('new unsubscribe link (ja)', `${unsubscribeUrl}x?lang=ja`, 400);
      await check('new unsubscribe link (en)', `${unsubscribeUrl}x?lang=en`, 400);
      expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
    } finally {
      await axeContext.close();
    }
    // Looking at the pages changed nothing.
    expect(await lookupStatuses()).toEqual({ newsletter: 'withdrawn', offers: 'granted' });
  });
});

async function heading(p: Page): Promise<string> {
  return (await p.getByRole('heading', { level: 1 }).innerText()).trim();
}

async function historyTexts(p: Page): Promise<string[]> {
  return (await p.locator('section.history ul.events > li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}


interface LookedUp {
  id: string;
  email: string;
  locale: string | null;
  consents: { category: string; channel: string; status: string; updatedAt: string }[];
}

/** The operator API's view of the contact. */
async function lookup(): Promise<LookedUp> {
  const response = await fetch(`${server!.url}/api/v1/sites/demo/contacts/lookup`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await response.json()) as { contact: LookedUp };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.contact;
}

/** Category → status of the contact's email consents. */
async function lookupStatuses(): Promise<Statuses> {
  const contact = await lookup();
  const statuses: Statuses = {};
  for (const consent of contact.consents) {
    expect(consent.channel).toBe('email');
    statuses[consent.category] = consent.status;
  }
  return statuses;
}





function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
