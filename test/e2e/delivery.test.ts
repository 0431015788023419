// How the pages reach a real browser (Debian's Chromium): opened on another host name than
// BASE_URL's, they still load their stylesheet and their forms still post; the preference page
// weighs under 50 KB and a repeat visit fetches only the page (WEIGHT_STATS=1 prints the bytes
// Chromium counted); on a 360 px phone the
// purpose and frequency go under their labels, and Japanese lines break between phrases with no
// character left alone on a line.
//
// Needs /usr/bin/chromium and fonts-noto-cjk: run scripts/ensure-chromium.sh first. Screenshots
// for a human go to /tmp/assent-e2e/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { launchChromium, noBrowser, submitAndWait } from '../helpers/browser.ts';
import { removeTempDirs, startServer, submitSignup, urlsIn, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const SHOTS = '/tmp/assent-e2e';

let server: ServerProcess | undefined;
let browser: Browser | undefined;

describe.skipIf(noBrowser)('pages as Chromium gets them', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // BASE_URL says localhost (the default); the browser below goes to 127.0.0.1.
    server = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeTempDirs();
  }, 20_000);

  it('opened at 127.0.0.1 while BASE_URL says localhost: styled, and Subscribe works', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const stylesheets: string[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'stylesheet') stylesheets.push(`${r.status()} ${r.url()}`);
    });
    const opened = `http://127.0.0.1:${server!.port}/s/demo`;
    expect((await page.goto(opened))?.status()).toBe(200);
    expect(stylesheets).toEqual([expect.stringMatching(new RegExp(`^200 http://127\\.0\\.0\\.1:${server!.port}/static/app\\.[0-9a-f]{10}\\.css$`))]);
    expect(await backgroundOf(page)).toBe('rgb(244, 244, 245)');

    await page.getByLabel('Email address').fill('other-host@example.com');
    await page.getByRole('checkbox', { name: 'Newsletter' }).check();
    const response = await submitAndWait(page, page.getByRole('button', { name: 'Subscribe' }));
    expect(response.status()).toBe(200);
    expect(response.url()).toBe(opened);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');
    await page.screenshot({ path: join(SHOTS, 'other-host-check-inbox.png'), fullPage: true });
    await context.close();
  });

  describe('on a phone and in Japanese', () => {
    let pages: Record<string, string> = {};

    beforeAll(async () => {
      // A confirmed contact, for the link pages.
      const email = 'phone@example.com';
      expect((await submitSignup(server!, { email, categories: ['newsletter', 'offers'] })).status).toBe(200);
      const confirmation = await mailTo(email, '/c/');
      expect((await server!.fetch(pathIn(confirmation, '/c/'), { method: 'POST' })).status).toBe(200);
      const welcome = await mailTo(email, '/p/');
      const base = `http://localhost:${server!.port}`;
      pages = {
        signup: `${base}/s/demo`,
        preferences: base + pathIn(welcome, '/p/'),
        unsubscribe: base + pathIn(welcome, '/u/'),
        'new-link': `${base}/u/request-link`,
        confirm: base + pathIn(confirmation, '/c/'),
      };
    });

    it('the preference page: under 50 KB on the first visit, only the page itself on the next', async () => {
      const context = await browser!.newContext({ javaScriptEnabled: true, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const visit = async () => {
        const fetched = new Map<string, string>();
        const bytes = new Map<string, number>();
        const onResponse = (event: { requestId: string; response: { url: string; fromDiskCache?: boolean; fromMemoryCache?: boolean } }) => {
          if (!event.response.fromDiskCache && !event.response.fromMemoryCache) fetched.set(event.requestId, new URL(event.response.url).pathname);
        };
        const onFinished = (event: { requestId: string; encodedDataLength: number }) => bytes.set(event.requestId, event.encodedDataLength);
        // Blink's memory cache reports a hit here, not in responseReceived.
        const onCached = (event: { requestId: string }) => cached.add(event.requestId);
        const cached = new Set<string>();
        cdp.on('Network.responseReceived', onResponse);
        cdp.on('Network.loadingFinished', onFinished);
        cdp.on('Network.requestServedFromCache', onCached);
        await page.goto(pages.preferences!, { waitUntil: 'networkidle' });
        cdp.off('Network.responseReceived', onResponse);
        cdp.off('Network.loadingFinished', onFinished);
        cdp.off('Network.requestServedFromCache', onCached);
        for (const id of cached) fetched.delete(id);
        const paths = [...fetched.values()];
        const total = [...fetched.keys()].reduce((sum, id) => sum + (bytes.get(id) ?? 0), 0);
        return { paths, total };
      };
      const first = await visit();
      expect(first.paths.some((path) => /^\/static\/vendor\/htmx\.min\.[0-9a-f]{10}\.js$/.test(path))).toBe(true);
      expect(first.total).toBeLessThanOrEqual(50 * 1024);
      const repeat = await visit();
      expect(repeat.paths).toEqual([new URL(pages.preferences!).pathname]);
      if (process.env.WEIGHT_STATS) console.log(`Chromium, preference page: first visit ${first.total} B (${first.paths.length} requests), repeat ${repeat.total} B (${repeat.paths.length})`);
      await context.close();
    });

    it('on 360 px, purpose and frequency go under their labels; on 1280 px beside them', async () => {
      for (const [width, stacked] of [[360, true], [1280, false]] as const) {
        const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${pages.signup}?lang=en`);
        const boxes = await page.locator('.category dl').first().evaluate((dl) => {
          const [dt, dd] = [dl.querySelector('dt')!, dl.querySelector('dd')!].map((el) => el.getBoundingClientRect());
          return { dtLeft: dt!.left, dtBottom: dt!.bottom, ddLeft: dd!.left, ddTop: dd!.top, ddWidth: dd!.width };
        });
        if (stacked) {
          expect(boxes.ddLeft, `${width} px`).toBe(boxes.dtLeft);
          expect(boxes.ddTop).toBeGreaterThanOrEqual(boxes.dtBottom - 1);
          expect(boxes.ddWidth).toBeGreaterThan(200);
        } else {
          expect(boxes.ddLeft, `${width} px`).toBeGreaterThan(boxes.dtLeft + 40);
        }
        await context.close();
      }
    });

    it('breaks Japanese between phrases: no line of a single character, at 360 and 1280 px', async () => {
      const lonely: string[] = [];
      for (const width of [360, 1280]) {
        const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 }, locale: 'ja-JP' });
        const page = await context.newPage();
        for (const [name, url] of Object.entries(pages)) {
          for (const lang of ['ja', 'en']) {
            expect((await page.goto(`${url}?lang=${lang}`))?.ok(), `${name} ${lang}`).toBe(true);
            await page.screenshot({ path: join(SHOTS, `delivery-${name}-${lang}-${width}.png`), fullPage: true });
            if (lang === 'ja') lonely.push(...(await linesOfOneCharacter(page)).map((line) => `${name} at ${width} px: ${line}`));
          }
        }
        await context.close();
      }
      expect(lonely).toEqual([]);
    });
  });
});

async function mailTo(email: string, linkPart: string): Promise<DevMail> {
  return waitFor(async () => {
    const mails = (await (await server!.fetch('/dev/mailbox.json')).json()) as DevMail[];
    return mails.find((mail) => mail.to.includes(email) && mail.text.includes(linkPart));
  }, { what: `a mail with ${linkPart}` });
}

function pathIn(mail: DevMail, part: string): string {
  return new URL(urlsIn(mail.text).find((url) => url.includes(part))!).pathname;
}

/**
 * Every rendered line (of headings, paragraphs, list items, labels...) that holds a single
 * letter once punctuation is set aside, such as 「め。」 at the end of a sentence.
 */
function linesOfOneCharacter(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const block of document.querySelectorAll('h1, h2, h3, legend, p, li, dt, dd, summary, label, button')) {
      const lines: { top: number; text: string }[] = [];
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        // Off-screen helpers (the honeypot, the "opens in a new tab" note) are not read as lines.
        if (node.parentElement?.closest('.visually-hidden, .trap, pre')) continue;
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (!rect || rect.width === 0) continue;
          // Latin and CJK glyphs on one line differ in top by a few pixels.
          const line = lines.find((candidate) => Math.abs(candidate.top - rect.top) < rect.height / 2);
          if (line) line.text += node.data[i];
          else lines.push({ top: rect.top, text: node.data[i]! });
        }
      }
      if (lines.length < 2) continue;
      for (const line of lines) {
        if (line.text.replace(/[\s\p{P}]/gu, '').length === 1) found.push(`"${line.text.trim()}" in "${block.textContent!.trim().slice(0, 40)}"`);
      }
    }
    return found;
  });
}

function backgroundOf(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}
