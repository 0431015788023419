// A site in the console: the last 30 days per category from the ledger, the ledger's state and
// its verification on demand, for the operators who may see the site and no one else.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const signedIn = async (email: string, role: string, siteId?: string) => (await signedInOperator(t, email, role, siteId)).cookie;



const figuresOf = (html: string, category: string) => {
  const section = html.slice(html.indexOf(`id="figures-${category}"`));
  const value = (label: string) => new RegExp(`<dt>${label}[^]*?</dt><dd>([^<]*)</dd>`).exec(section)?.[1];
  return { signups: value('Signups'), confirmed: value('Confirmed'), rate: value('Confirmation rate'), withdrawn: value('Withdrawn'), net: value('Net growth') };
};

describe('the site page', () => {
  it('counts the last 30 days from the ledger: signups, confirmations and their rate, withdrawals, net growth', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    for (const email of ['a@example.com', 'b@example.com']) await t.signup({ email, categories: ['newsletter'] });
    const [first] = await t.deliver();
    await t.request(confirmPath(first!), { method: 'POST' });
    const [welcome] = await t.deliver();
    const oneClick = new URL(welcome!.headers!['List-Unsubscribe']!.slice(1, -1)).pathname;
    await t.request(oneClick, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'none' } });

    const res = await t.request('/admin/sites/demo', withCookie(owner));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('The last 30 days');
    expect(figuresOf(html, 'newsletter')).toEqual({ signups: '2', confirmed: '1', rate: '50 %', withdrawn: '1', net: '0' });
    expect(figuresOf(html, 'offers')).toMatchObject({ signups: '0', rate: 'no signups' });
    expect(html).toMatch(/<svg class="figure-chart"[^>]*role="img"/);
  });

  it('shows the ledger state and verifies the whole ledger on demand', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    await (await import('../../src/domain/ledger-seal.ts')).sealLedger(t.deps);
    const page = await (await t.request('/admin/sites/demo', withCookie(owner))).text();
    expect(page).toMatch(/Sealed up to event \d+/);
    expect(page).toMatch(/<code class="hash">[0-9a-f]{64}<\/code>/);
    const verified = await t.request('/admin/sites/demo/verify', withCookie(owner, { method: 'POST' }));
    expect(verified.status).toBe(200);
    expect(await verified.text()).toMatch(/Verified: \d+ events, \d+ sealed/);
  });

  it('is shown in Japanese, numbers and all', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    const html = await (await t.request('/admin/sites/demo?lang=ja', withCookie(owner))).text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('過去30日間');
  });

  it('is a 404 for a site the operator may not see, as for one that does not exist', async () => {
    await addTeaSite(t);
    const editor = await signedIn('editor@tea.example', 'editor', 'tea');
    expect((await t.request('/admin/sites/tea', withCookie(editor))).status).toBe(200);
    for (const path of ['/admin/sites/demo', '/admin/sites/nope']) {
      const res = await t.request(path, withCookie(editor));
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('Demo Shop');
    }
    expect((await t.request('/admin/sites/demo/verify', withCookie(editor, { method: 'POST' }))).status).toBe(404);
  });
});
