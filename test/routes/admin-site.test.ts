// A site in the console: the last 30 days per category from the ledger, the ledger's state and
// its verification on demand, for the operators who may see the site and no one else.
import { beforeEach, describe, expect, it } from 'vitest';
import { createOperator } from '../../src/domain/operators.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const PASSWORD = 'correct horse battery staple';
const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
const withCookie = (cookie: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), Cookie: `assent_admin=${cookie}` } });

async function signedIn(email: string, role: string, siteId?: string) {
  const { setupUrl } = await createOperator(t.deps, { email, role, siteId });
  const res = await t.request(new URL(setupUrl).pathname, form({ password: PASSWORD, repeat: PASSWORD }));
  return /assent_admin=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')![1]!;
}

async function addTeaSite() {
  const res = await t.request('/api/v1/sites', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'tea', name: 'Tea House', legalName: 'Tea House K.K.', postalAddress: 'Kyoto', inquiryContact: 'hello@tea.example', privacyPolicyUrl: 'https://tea.example/privacy', privacyPolicyVersion: '1', defaultLocale: 'ja', timeZone: 'Asia/Tokyo' }),
  });
  expect(res.status).toBe(201);
}

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
    await addTeaSite();
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
