// A category-scoped unsubscribe page also offers "stop all marketing email" on the same page
// (CAN-SPAM: the choices include all commercial mail, in one page visit), with the same Undo
// rules as its own button: a signed token naming exactly the withdrawals that press wrote.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../src/db/schema.ts';
import { unsubscribeUrl } from '../../src/domain/links.ts';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let contact: ContactRow;
let scoped: string;
const ALICE = 'alice@example.com';

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: ALICE, categories: ['newsletter', 'offers'] });
  expect((await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST' })).status).toBe(200);
  contact = await t.contact(ALICE);
  scoped = (await unsubscribeUrl(t.deps, contact, 'offers')).slice(BASE_URL.length);
});

const press = (value: 'page' | 'all', p = scoped) =>
  t.request(p, { method: 'POST', body: new URLSearchParams({ unsubscribe: value }), headers: { 'User-Agent': 'Clicker/2.0' } });
const undoTokenOf = (html: string) => /<input type="hidden" name="undo" value="([^"]*)"\/>/.exec(html)?.[1] ?? null;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('“Stop all marketing email” on a scoped unsubscribe page', () => {
  it('is a second button on the page, in the contact’s language, and the GET changes nothing', async () => {
    const before = await t.events(ALICE);
    const html = await (await t.request(scoped)).text();
    const forms = html.match(/<form method="post" action="[^"]+"[^>]*>[\s\S]*?<\/form>/g)!;
    expect(forms).toHaveLength(2);
    expect(forms[0]).toContain('value="page"');
    expect(forms[1]).toContain(`action="${scoped}"`);
    expect(forms[1]).toContain('<input type="hidden" name="unsubscribe" value="all"/>');
    expect(forms[1]).toContain('Or stop every marketing email from Demo Shop at once.');
    expect(forms[1]).toContain('Stop all marketing email</button>');
    expect(await t.events(ALICE)).toEqual(before);

    await t.signup({ email: 'hanako@example.jp', categories: ['newsletter', 'offers'], lang: 'ja' });
    const hanako = await t.contact('hanako@example.jp');
    const ja = await (await t.request((await unsubscribeUrl(t.deps, hanako, 'offers')).slice(BASE_URL.length))).text();
    expect(ja).toContain('すべての広告メールを停止する</button>');
    expect(ja).toContain('Demo Shop からのすべての広告メールを、まとめて停止することもできます。');
  });

  it('is not offered where the link already stops everything', async () => {
    const all = (await unsubscribeUrl(t.deps, contact)).slice(BASE_URL.length);
    const html = await (await t.request(all)).text();
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).not.toContain('value="all"');
  });

  it('withdraws every opt-in category, archived ones too, and says so', async () => {
    const archived = await t.request('/api/v1/sites/demo/categories/newsletter/archive', {
      method: 'POST',
      headers: { Authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(archived.status).toBe(200);
    const res = await press('all');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('You will no longer receive the emails you chose from Demo Shop.');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(withdrawn.map((e) => e.category_key)).toEqual(['newsletter', 'offers']);
    for (const event of withdrawn) expect(event).toMatchObject({ method: 'unsubscribe_page', ip: TEST_IP, user_agent: 'Clicker/2.0' });
  });

  it('offers Undo naming exactly its withdrawals, which puts both back once', async () => {
    const html = await (await press('all')).text();
    const token = undoTokenOf(html)!;
    const withdrawn = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(claimsOf(token)).toMatchObject({ pur: 'undo', sub: contact.id, evs: withdrawn.map((e) => e.id) });
    const undo = () => t.request(`${scoped}/undo`, { method: 'POST', body: new URLSearchParams({ undo: token }) });
    const restored = await undo();
    expect(restored.status).toBe(200);
    const page = await restored.text();
    expect(page).toContain('<li>Newsletter</li>');
    expect(page).toContain('<li>Offers</li>');
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'granted' });
    expect((await undo()).status).toBe(400);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('after the category’s own button, stops the rest; the Undo of each press names only its own', async () => {
    const first = undoTokenOf(await (await press('page')).text())!;
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    const second = undoTokenOf(await (await press('all')).text())!;
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const events = (await t.events(ALICE)).filter((e) => e.action === 'withdrawn');
    expect(claimsOf(first).evs).toEqual([events[0]!.id]);
    expect(claimsOf(second).evs).toEqual([events[1]!.id]);
    expect(events.map((e) => e.category_key)).toEqual(['offers', 'newsletter']);
    // Pressing it again writes nothing and offers nothing to undo.
    const count = (await t.events(ALICE)).length;
    expect(undoTokenOf(await (await press('all')).text())).toBeNull();
    expect(await t.events(ALICE)).toHaveLength(count);
  });

  it('a mailbox provider’s one-click on a scoped link still stops only its category', async () => {
    const res = await t.request(scoped, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click&unsubscribe=all',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'none' },
    });
    expect(res.status).toBe(200);
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('from a link revoked since it was mailed: stops everything, opens nothing (no Undo)', async () => {
    await t.request(`/api/v1/sites/demo/contacts/${contact.id}/revoke-links`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-admin-key-0123456789' },
    });
    const html = await (await press('all')).text();
    expect(await t.consents(ALICE)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect(undoTokenOf(html)).toBeNull();
    expect(html).not.toContain('/p/');
  });
});
