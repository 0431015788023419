// The signup page is kept whole for a second (src/routes/signup-page-cache.ts). Whatever it
// keeps must still be the page each request would have got.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const SHOP = 'https://shop.example';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const page = async (path = '/s/demo', headers: Record<string, string> = {}) => (await t.request(path, { headers })).text();
const langOf = (html: string) => /<html lang="(\w+)"/.exec(html)?.[1];

describe('the kept signup page', () => {
  it('shows an operator’s change made through the API on the very next request', async () => {
    expect(await page()).toContain('Newsletter');
    const renamed = await t.request('/api/v1/sites/demo/categories/newsletter', { method: 'PATCH', headers: auth, body: JSON.stringify({ translations: { en: { name: 'Shop stories' } } }) });
    expect(renamed.status).toBe(200);
    const html = await page();
    expect(html).toContain('Shop stories');
    expect(html).not.toContain('>Newsletter<');
  });

  it('shows a change made by another process (straight into the database) within a second', async () => {
    expect(await page()).toContain('Newsletter');
    await t.db.updateTable('category_translations').set({ name: 'Renamed elsewhere' }).where('category_key', '=', 'newsletter').where('locale', '=', 'en').execute();
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(await page()).toContain('Renamed elsewhere');
  });

  it('is kept per language: ?lang=, Accept-Language and the site’s default each get their own page', async () => {
    expect(langOf(await page('/s/demo?lang=ja'))).toBe('ja');
    expect(langOf(await page('/s/demo'))).toBe('en');
    expect(langOf(await page('/s/demo', { 'Accept-Language': 'ja-JP,ja;q=0.9' }))).toBe('ja');
    expect(langOf(await page('/s/demo?lang=en', { 'Accept-Language': 'ja' }))).toBe('en');
    expect(langOf(await page('/s/demo'))).toBe('en');
  });

  it('is not what a cross-origin request gets: that one carries its CORS answer', async () => {
    await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [SHOP] }) });
    const plain = await t.request('/s/demo');
    expect(plain.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(plain.headers.get('Vary')).toMatch(/Origin/);
    const cross = await t.request('/s/demo', { headers: { Origin: SHOP } });
    expect(cross.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    expect(await cross.text()).toBe(await plain.text());
  });

  it('answers HEAD and the kept page with the same security headers', async () => {
    const first = await t.request('/s/demo');
    const kept = await t.request('/s/demo');
    const head = await t.request('/s/demo', { method: 'HEAD' });
    for (const name of ['Content-Security-Policy', 'X-Frame-Options', 'Referrer-Policy', 'Content-Type']) {
      expect(kept.headers.get(name)).toBe(first.headers.get(name));
      expect(head.headers.get(name)).toBe(first.headers.get(name));
    }
    expect(kept.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
  });
});
