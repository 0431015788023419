// The three embeds in Chromium, on host pages served from two other local ports: one origin the
// demo site allows, one it does not. On the allowed one the script embed renders, submits
// without the page navigating, and the mail arrives; the iframe shows the form and fits its
// height; the plain form works with JavaScript off and return_to brings the person back; the
// evidence names the host page. On the other origin every door stays shut. Then axe-core on the
// embedded form in both languages. Screenshots for a human go to /tmp/assent-e2e/embed-*.png.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, launchChromium, noBrowser, runAxe, waitForMail } from '../helpers/browser.ts';
import { removeTempDirs, startServer, urlsIn, type ServerProcess } from '../helpers/server-process.ts';

const SHOTS = '/tmp/assent-e2e';
const ADMIN_API_KEY = 'e2e-embed-admin-key-0123456789';

let server: ServerProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let snippets: { iframe: string; html: string; script: string };
const hosts: { server: Server; origin: string }[] = [];
const [allowed, other] = [0, 1];

/** A host page: the snippet inside an ordinary page of a shop. */
function hostPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>Our shop's own page.</p>${body}</body></html>`;
}

/** Serves /{name}.html from the pages map, and a thank-you page. */
async function startHost(pages: () => Record<string, string>) {
  const host = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.replace(/^\//, '').replace(/\.html$/, '');
    const page = name === 'thanks' ? hostPage('Thank you', '<p>Thanks for signing up.</p>') : pages()[name];
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page ?? 'not found');
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  // "localhost" with another port: another origin than BASE_URL's, as a shop's site would be.
  hosts.push({ server: host, origin: `http://localhost:${(host.address() as AddressInfo).port}` });
}

async function api(path: string, init: RequestInit = {}) {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${ADMIN_API_KEY}`, 'Content-Type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function eventsOf(email: string) {
  const found = await api('/sites/demo/contacts/lookup', { method: 'POST', body: JSON.stringify({ email }) });
  expect(found.status).toBe(200);
  return (await api(`/sites/demo/contacts/${found.body.contact.id}/events`)).body.events as { action: string; method: string; sourceUrl: string; formSha256: string | null }[];
}

/** The form a signup event names, as stored: the screen the person saw. */
async function formOf(event: { formSha256: string | null }) {
  expect(event.formSha256).toMatch(/^[0-9a-f]{64}$/);
  const res = await api(`/sites/demo/forms/${event.formSha256}`);
  expect(res.status).toBe(200);
  return res.body.form as { door: string; locale: string; content: string };
}

const pages = () => ({
  script: hostPage('Newsletter', snippets.script),
  'script-ja': hostPage('ニュースレター', snippets.script.replace('data-lang="en"', 'data-lang="ja"')),
  iframe: hostPage('Newsletter in a frame', snippets.iframe),
  plain: hostPage('Newsletter, plain form', snippets.html),
});

describe.skipIf(noBrowser)('the signup form embedded on a site’s own pages', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await startHost(pages);
    await startHost(pages);
    server = await startServer({ env: { ADMIN_API_KEY } });
    baseUrl = `http://localhost:${server.port}`;
    expect((await api('/sites/demo', { method: 'PATCH', body: JSON.stringify({ allowedOrigins: [hosts[allowed]!.origin] }) })).status).toBe(200);
    const res = await api(`/sites/demo/embed?lang=en&returnTo=${encodeURIComponent(`${hosts[allowed]!.origin}/thanks.html`)}`);
    expect(res.status).toBe(200);
    snippets = res.body as typeof snippets;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    for (const host of hosts) await new Promise((resolve) => host.server.close(resolve));
    removeTempDirs();
  }, 20_000);

  async function open(origin: number, page: string, options: { javaScriptEnabled?: boolean; locale?: string; width?: number } = {}) {
    const context = await browser!.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, locale: options.locale ?? 'en-GB', viewport: { width: options.width ?? 1000, height: 900 } });
    const tab = await context.newPage();
    const navigations: string[] = [];
    tab.on('framenavigated', (frame) => frame === tab.mainFrame() && navigations.push(frame.url()));
    const url = `${hosts[origin]!.origin}/${page}.html?campaign=winter`;
    expect((await tab.goto(url))?.status()).toBe(200);
    return { tab, url, navigations, close: () => context.close() };
  }

  /** The code texted to a number, from the dev outbox (no SMS provider in this trial). */
  async function waitForCode(to: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const texts = (await (await fetch(`${baseUrl}/dev/sms.json`)).json()) as { to: string; body: string }[];
      const code = /your code is (\d{6})/.exec(texts.find((text) => text.to === to)?.body ?? '')?.[1];
      if (code) return code;
      if (Date.now() > deadline) throw new Error(`no code texted to ${to} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function confirm(email: string) {
    const mail = await waitForMail(baseUrl, (m) => m.to.includes(email) && m.subject.startsWith('Confirm'));
    const link = urlsIn(mail.text).find((u) => u.startsWith(`${baseUrl}/c/`))!;
    const res = await fetch(link, { method: 'POST', headers: { Origin: baseUrl } });
    expect(res.status).toBe(200);
  }

  it('script: renders, submits in place, the mail arrives, the evidence names the host page', async () => {
    const { tab, url, navigations, close } = await open(allowed, 'script');
    try {
      const form = tab.locator('form.assent-form');
      await form.waitFor({ timeout: 10_000 });
      expect(await tab.getByRole('checkbox', { name: 'Newsletter' }).isChecked()).toBe(false);
      await tab.screenshot({ path: `${SHOTS}/embed-script-form.png`, fullPage: true });
      // A mistake first: the error is tied to its field and announced.
      await tab.getByRole('checkbox', { name: 'Newsletter' }).check();
      await tab.getByLabel('Email address').fill('not an address');
      await tab.getByRole('button', { name: 'Subscribe' }).click();
      await expect.poll(() => tab.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
      expect(await tab.locator('[role="status"]').innerText()).toContain('Please correct');
      const email = 'embedded-script@example.com';
      await tab.getByLabel('Email address').fill(email);
      await tab.getByRole('button', { name: 'Subscribe' }).click();
      await tab.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await tab.screenshot({ path: `${SHOTS}/embed-script-done.png`, fullPage: true });
      expect(navigations).toEqual([url]);
      expect(tab.url()).toBe(url);
      await confirm(email);
      const events = await eventsOf(email);
      expect(events.map((e) => `${e.action}:${e.method}`)).toEqual(['requested:embedded_form', 'confirmed:confirmation_link']);
      expect(events[0]!.sourceUrl).toBe(url);
      // The event names the form.json document the script rendered, which is its whole form.
      const shown = await formOf(events[0]!);
      expect(shown).toMatchObject({ door: 'script', locale: 'en' });
      expect(JSON.parse(shown.content).categories.map((c: { name: string }) => c.name)).toEqual(['Newsletter', 'Offers']);
    } finally {
      await close();
    }
  });

  it('script, SMS: the SMS box and number field, submitted in place, a link to our code page, where the code confirms', async () => {
    const patched = [
      await api('/sites/demo', { method: 'PATCH', body: JSON.stringify({ defaultCountry: 'JP', smsRatesNotice: true }) }),
      await api('/sites/demo/categories/offers', { method: 'PATCH', body: JSON.stringify({ channels: ['email', 'sms'] }) }),
    ];
    expect(patched.map((res) => res.status)).toEqual([200, 200]);
    const { tab, url, navigations, close } = await open(allowed, 'script');
    try {
      await tab.locator('form.assent-form').waitFor({ timeout: 10_000 });
      const box = tab.getByRole('checkbox', { name: 'Offers by SMS' });
      expect(await box.isChecked()).toBe(false);
      expect(await tab.getByRole('checkbox', { name: 'Newsletter by SMS' }).count()).toBe(0);
      const phone = tab.getByLabel('Mobile number');
      expect(await phone.getAttribute('type')).toBe('tel');
      expect(await phone.getAttribute('autocomplete')).toBe('tel');
      await tab.getByText('Msg & data rates may apply.').waitFor();
      await tab.getByText('I also agree that Demo Shop K.K. may send the text messages').waitFor();
      const found = describeViolations('script embed with SMS', await runAxe(tab));
      expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
      await tab.screenshot({ path: `${SHOTS}/embed-script-sms-form.png`, fullPage: true });

      // A box ticked without a number: the error is on the number field.
      await box.check();
      await tab.getByRole('button', { name: 'Subscribe' }).click();
      await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
      await phone.fill('090-1234-5678');
      await tab.getByRole('button', { name: 'Subscribe' }).click();
      await tab.getByRole('heading', { name: 'Check your phone' }).waitFor();
      expect(navigations).toEqual([url]);
      const link = tab.getByRole('link', { name: 'Enter the code (opens in a new tab)' });
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^${baseUrl}/s/demo/sms/[\\w.-]+\\?lang=en$`));
      expect(await link.getAttribute('target')).toBe('_blank');
      const done = describeViolations('script embed, SMS answer', await runAxe(tab));
      expect(done, `axe-core found serious or critical violations:\n${done.join('\n')}`).toEqual([]);
      await tab.screenshot({ path: `${SHOTS}/embed-script-sms-done.png`, fullPage: true });

      // The code is typed on our page, in the tab the link opens; the host page stays as it was.
      const [codeTab] = await Promise.all([tab.context().waitForEvent('page'), link.click()]);
      await codeTab.getByRole('heading', { name: 'Enter the code we sent you' }).waitFor({ timeout: 10_000 });
      const code = await waitForCode('+819012345678');
      await codeTab.getByLabel('Code').fill(code);
      await codeTab.getByRole('button', { name: 'Confirm' }).click();
      await codeTab.getByRole('heading', { name: 'Your number is confirmed' }).waitFor();
      expect(tab.url()).toBe(url);
      const contact = await api('/sites/demo/contacts/lookup', { method: 'POST', body: JSON.stringify({ phone: '+819012345678' }) });
      expect(contact.body.contact.consents).toEqual([expect.objectContaining({ category: 'offers', channel: 'sms', status: 'granted' })]);
      const events = (await api(`/sites/demo/contacts/${contact.body.contact.id}/events`)).body.events as { action: string; method: string; sourceUrl: string; formSha256: string | null }[];
      expect(events.map((e) => `${e.action}:${e.method}`)).toEqual(['requested:embedded_form', 'confirmed:sms_code']);
      expect(events[0]!.sourceUrl).toBe(url);
      const shown = await formOf(events[0]!);
      expect(shown.door).toBe('script');
      expect(JSON.parse(shown.content).sms.categories.map((c: { key: string }) => c.key)).toEqual(['offers']);
    } finally {
      await close();
      // The other cases see the site as it was: nothing by SMS.
      expect((await api('/sites/demo/categories/offers', { method: 'PATCH', body: JSON.stringify({ channels: ['email'] }) })).status).toBe(200);
    }
  });

  it('iframe: shows the form, fits its height, and records the host page', async () => {
    const { tab, url, close } = await open(allowed, 'iframe', { width: 360 });
    try {
      const frame = tab.frameLocator('iframe[data-assent-frame]');
      await frame.getByRole('heading', { name: 'Subscribe to Demo Shop' }).waitFor({ timeout: 10_000 });
      // The snippet starts the frame at 44rem; the frame's reports fit it to the form.
      const contentHeight = await frame.locator('html').evaluate((html) => Math.ceil(html.getBoundingClientRect().height));
      await expect.poll(async () => Math.round((await tab.locator('iframe').boundingBox())!.height)).toBe(contentHeight);
      await tab.setViewportSize({ width: 360, height: 2400 });
      await tab.screenshot({ path: `${SHOTS}/embed-iframe-360.png`, fullPage: true });
      const email = 'embedded-frame@example.com';
      await frame.getByRole('checkbox', { name: 'Offers' }).check();
      await frame.getByLabel('Email address').fill(email);
      await frame.getByRole('button', { name: 'Subscribe' }).click();
      await frame.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      expect(tab.url()).toBe(url);
      await confirm(email);
      const [requested] = await eventsOf(email);
      expect(requested).toMatchObject({ action: 'requested', method: 'embedded_form', sourceUrl: url });
      expect(await formOf(requested!)).toMatchObject({ door: 'iframe', content: expect.stringContaining('<body class="compact">') });
    } finally {
      await close();
    }
  });

  it('plain form, JavaScript off: works, return_to brings the person back', async () => {
    const { tab, close } = await open(allowed, 'plain', { javaScriptEnabled: false });
    try {
      const email = 'embedded-plain@example.com';
      await tab.getByRole('checkbox', { name: 'Newsletter' }).check();
      await tab.getByLabel('Email address').fill(email);
      await Promise.all([tab.waitForURL(`${hosts[allowed]!.origin}/thanks.html`), tab.getByRole('button', { name: 'Subscribe' }).click()]);
      expect(await tab.getByRole('heading', { level: 1 }).innerText()).toBe('Thank you');
      await confirm(email);
      const [requested] = await eventsOf(email);
      // A cross-origin form post carries only the origin as its Referer (the browser's default).
      expect(requested).toMatchObject({ action: 'requested', method: 'embedded_form', sourceUrl: `${hosts[allowed]!.origin}/` });
      expect(await formOf(requested!)).toMatchObject({ door: 'html', content: expect.stringContaining('<form class="assent-form"') });
    } finally {
      await close();
    }
  });

  it('on another origin: the frame is refused, the script gets nothing, the form is a 403', async () => {
    const framed = await open(other, 'iframe');
    try {
      await framed.tab.waitForTimeout(500);
      const frame = framed.tab.frames().find((f) => f !== framed.tab.mainFrame())!;
      expect(await frame.locator('form').count()).toBe(0);
    } finally {
      await framed.close();
    }
    const scripted = await open(other, 'script');
    try {
      await scripted.tab.waitForTimeout(1000);
      expect(await scripted.tab.locator('form.assent-form').count()).toBe(0);
      // The link to the hosted page stays, for anyone who wants to sign up there.
      expect(await scripted.tab.getByRole('link', { name: 'Subscribe to Demo Shop' }).getAttribute('href')).toBe(`${baseUrl}/s/demo?lang=en`);
      const posted = await scripted.tab.evaluate(async (action) => {
        try {
          await fetch(action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
          return 'read';
        } catch {
          return 'blocked';
        }
      }, `${baseUrl}/s/demo`);
      expect(posted).toBe('blocked');
    } finally {
      await scripted.close();
    }
    const plain = await open(other, 'plain', { javaScriptEnabled: false });
    try {
      await plain.tab.getByRole('checkbox', { name: 'Newsletter' }).check();
      await plain.tab.getByLabel('Email address').fill('elsewhere@example.com');
      const [response] = await Promise.all([plain.tab.waitForResponse(`${baseUrl}/s/demo`), plain.tab.getByRole('button', { name: 'Subscribe' }).click()]);
      expect(response.status()).toBe(403);
    } finally {
      await plain.close();
    }
    expect((await api('/sites/demo/contacts/lookup', { method: 'POST', body: JSON.stringify({ email: 'elsewhere@example.com' }) })).status).toBe(404);
  });

  it('has no serious or critical axe-core violations on the embedded form, in both languages', async () => {
    const found: string[] = [];
    for (const lang of ['en', 'ja']) {
      const context = await browser!.newContext({ bypassCSP: true, locale: lang === 'ja' ? 'ja-JP' : 'en-GB' });
      try {
        const tab = await context.newPage();
        await tab.goto(`${baseUrl}/s/demo/embed?lang=${lang}`);
        found.push(...describeViolations(`iframe page (${lang})`, await runAxe(tab)));
        // The script embed inside a host page, in the language its snippet asks for.
        await tab.goto(`${hosts[allowed]!.origin}/${lang === 'ja' ? 'script-ja' : 'script'}.html`);
        await tab.locator(`form.assent-form[lang="${lang}"]`).waitFor({ timeout: 10_000 });
        found.push(...describeViolations(`script embed (${lang})`, await runAxe(tab)));
        if (lang === 'ja') await tab.screenshot({ path: `${SHOTS}/embed-script-ja.png`, fullPage: true });
      } finally {
        await context.close();
      }
    }
    expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
  });
});
