// The weight budget: every public page, with the stylesheet, scripts and favicon it loads, at
// most 50 KB over the wire from the real server with compression on (first visit: nothing
// cached). A repeat visit loads only the page: its assets are immutable under hashed names.
// WEIGHT_STATS=1 prints the figures per page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevMail } from '../../src/mail/dev-mailbox.ts';
import { rawRequest, type RawResponse } from '../helpers/raw-http.ts';
import { removeTempDirs, startServer, urlsIn, waitFor, type ServerProcess } from '../helpers/server-process.ts';

const BUDGET = 50 * 1024;
const BROWSER = { 'Accept-Encoding': 'gzip, deflate, br, zstd', 'User-Agent': 'Mozilla/5.0 (weight test)' };
let server: ServerProcess;

beforeAll(async () => {
  // A tight link limit, so the 429 page can be weighed too.
  server = await startServer({ env: { RATE_LIMIT_LINKS: '60/10m' } });
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

interface Weight {
  status: number;
  page: number;
  assets: Record<string, number>;
  /** Page and assets, each as its headers and (compressed) body. */
  total: number;
}

const transferred = (answer: RawResponse) => answer.headerBytes + answer.body.length;

/** Loads a page as a browser with an empty cache would: the page, then each asset it links. */
type Init = { method?: string; body?: string; headers?: Record<string, string> };

async function weigh(path: string, init: Init = {}): Promise<Weight & { html: string }> {
  const headers: Record<string, string> = { ...BROWSER };
  if (init.method === 'POST') Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url });
  const answer = await rawRequest(server.url + path, { ...init, headers: { ...headers, ...init.headers } });
  const html = answer.text();
  const assets: Record<string, number> = {};
  for (const [, href, src] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"/g)) {
    // Ours under whichever host name the page names; a third party's (Turnstile) is not ours to weigh.
    const url = new URL((href ?? src)!, server.url + path);
    if (url.port !== String(server.port)) continue;
    const asset = await rawRequest(server.url + url.pathname, { headers: BROWSER });
    expect(asset.status, url.pathname).toBe(200);
    // Cached for good on the first visit: a repeat visit does not ask for it again.
    expect(asset.headers['cache-control'], url.pathname).toBe('public, max-age=31536000, immutable');
    assets[url.pathname] = transferred(asset);
  }
  const page = transferred(answer);
  return { status: answer.status, page, assets, total: page + Object.values(assets).reduce((a, b) => a + b, 0), html };
}

async function mailTo(email: string, linkPart: string): Promise<string> {
  const mail = await waitFor(async () => {
    const mails = (await (await server.fetch('/dev/mailbox.json')).json()) as DevMail[];
    return mails.find((m) => m.to.includes(email) && m.text.includes(linkPart));
  }, { what: `a mail with ${linkPart}` });
  return new URL(urlsIn(mail.text).find((url) => url.includes(linkPart))!).pathname;
}

describe('page weight on the real server', () => {
  it('every public page with what it loads stays within 50 KB, and a repeat visit loads only the page', async () => {
    const weights: Record<string, Weight> = {};
    const record = async (name: string, path: string, init?: Init) => {
      const { html, ...weight } = await weigh(path, init);
      weights[name] = weight;
      return html;
    };

    const signup = await record('signup (en)', '/s/demo?lang=en');
    await record('signup (ja)', '/s/demo?lang=ja');
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(signup)![1]!;
    await record('signup with errors', '/s/demo', { method: 'POST', body: `lang=en&consent=${consent}&email=nope` });
    const email = 'weight@example.com';
    await record('check your inbox', '/s/demo', { method: 'POST', body: `lang=en&consent=${consent}&email=${email}&categories=newsletter&categories=offers` });

    const confirm = await mailTo(email, '/c/');
    await record('confirm', confirm);
    await record('confirmed', confirm, { method: 'POST', body: '' });
    await record('broken link', '/c/not-a-token');

    const unsubscribe = await mailTo(email, '/u/');
    const manage = await mailTo(email, '/p/');
    // A history of a dozen events with two wordings, as a person who changed their mind has.
    for (const categories of ['newsletter', '', 'newsletter&categories=offers', 'offers']) {
      const page = await (await server.fetch(manage)).text();
      const shown = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
      await server.fetch(manage, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `consent=${shown}&shown=newsletter&shown=offers${categories ? `&categories=${categories}` : ''}`,
      });
    }
    await record('preferences (en)', `${manage}?lang=en`);
    await record('preferences (ja)', `${manage}?lang=ja`);
    await record('unsubscribe', unsubscribe);
    const unsubscribed = await record('unsubscribed', unsubscribe, { method: 'POST', body: 'unsubscribe=page' });
    const undo = /name="undo" value="([^"]+)"/.exec(unsubscribed)![1]!;
    await record('restored', `${unsubscribe}/undo`, { method: 'POST', body: `undo=${undo}` });
    await record('new unsubscribe link', '/u/request-link');
    await record('new link sent', '/u/request-link', { method: 'POST', body: 'lang=en&email=someone%40example.com' });
    await record('not found', '/s/no-such-site');
    await record('forbidden', '/s/demo', { method: 'POST', body: 'email=x', headers: { Origin: 'https://elsewhere.example' } });
    await record('too large', '/s/demo', { method: 'POST', body: `email=${'a'.repeat(40 * 1024)}` });
    for (let i = 0; i < 60; i++) await server.fetch('/c/not-a-token');
    await record('too many requests', '/c/not-a-token');

    expect(weights['confirm']!.status).toBe(200);
    expect(weights['restored']!.status).toBe(200);
    expect(weights['too many requests']!.status).toBe(429);
    expect(weights['too large']!.status).toBe(413);
    expect(weights['forbidden']!.status).toBe(403);
    // The preference page loads htmx: the heaviest page, the one the budget is about.
    expect(Object.keys(weights['preferences (en)']!.assets).some((path) => path.includes('htmx'))).toBe(true);

    if (process.env.WEIGHT_STATS) {
      for (const [name, w] of Object.entries(weights)) {
        console.log(`${name.padEnd(22)} ${String(w.status).padEnd(4)} page ${String(w.page).padStart(6)} B  assets ${String(w.total - w.page).padStart(6)} B  first visit ${String(w.total).padStart(6)} B  repeat ${String(w.page).padStart(6)} B`);
      }
    }
    const over = Object.entries(weights).filter(([, w]) => w.total > BUDGET).map(([name, w]) => `${name}: ${w.total} bytes`);
    expect(over).toEqual([]);
  });
});
