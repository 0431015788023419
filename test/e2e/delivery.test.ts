// How the pages reach a real browser (Debian's Chromium): opened on another host name than
// BASE_URL's, they still load their stylesheet and their forms still post; a repeat visit takes
// the stylesheet, htmx and the favicon from the cache.
//
// Needs /usr/bin/chromium and fonts-noto-cjk: run scripts/ensure-chromium.sh first. Screenshots
// for a human go to /tmp/assent-e2e/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, noBrowser, submitAndWait } from '../helpers/browser.ts';
import { removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

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
});

function backgroundOf(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}
