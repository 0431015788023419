import { beforeEach, describe, expect, it } from 'vitest';
import { emailLookupHash, emailLookupHasher } from '../../src/domain/email-address.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const post = (path: string, body: unknown) =>
  t.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const eligibility = (category: string, emails: string[], site = 'demo') => post(`/api/v1/sites/${site}/eligibility`, { category, emails });
const results = async (category: string, emails: string[]) => {
  const res = await eligibility(category, emails);
  expect(res.status).toBe(200);
  return (await res.json()).results;
};
const erase = (id: string, site = 'demo') => t.request(`/api/v1/sites/${site}/contacts/${id}`, { method: 'DELETE', headers: auth });

async function confirmed(email: string, categories: string[]) {
  await t.signup({ email, categories });
  const [mail] = await t.deliver();
  t.clock.advance(60_000);
  await t.request(confirmPath(mail!), { method: 'POST', headers: { 'User-Agent': 'Phone/1' } });
  await t.deliver();
}

describe('POST /api/v1/sites/{site}/eligibility', () => {
  it('answers each address in request order with its reason', async () => {
    await confirmed('granted@example.com', ['newsletter']);
    await t.signup({ email: 'pending@example.com', categories: ['newsletter'] });
    await t.deliver(); // mailed, never confirmed
    await confirmed('quit@example.com', ['newsletter']);
    const manage = await post('/api/v1/sites/demo/contacts/lookup', { email: 'quit@example.com' });
    const quit = (await manage.json()).contact.id;
    await confirmed('erased@example.com', ['newsletter']);
    const erasedId = (await (await post('/api/v1/sites/demo/contacts/lookup', { email: 'erased@example.com' })).json()).contact.id;
    expect((await erase(erasedId)).status).toBe(200);
    // Withdraw through the ledger's own path: the unsubscribe link's one-click POST.
    const links = await (await post('/api/v1/sites/demo/contacts/links', { email: 'quit@example.com', category: 'newsletter' })).json();
    await t.request(new URL(links.unsubscribeUrl).pathname, { method: 'POST', headers: { Origin: 'none', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(quit).toBeTruthy();

    const emails = ['GRANTED@example.com', 'pending@example.com', 'quit@example.com', 'erased@example.com', 'nobody@example.com', 'not an address', 'granted@example.com'];
    expect(await results('newsletter', emails)).toEqual([
      { email: 'GRANTED@example.com', eligible: true },
      { email: 'pending@example.com', eligible: false, reason: 'pending' },
      { email: 'quit@example.com', eligible: false, reason: 'withdrawn' },
      { email: 'erased@example.com', eligible: false, reason: 'erased' },
      { email: 'nobody@example.com', eligible: false, reason: 'not_found' },
      { email: 'not an address', eligible: false, reason: 'invalid' },
      { email: 'granted@example.com', eligible: true },
    ]);
    // Exempt: every known customer (confirmed once) that is not erased; an opt-in never asked for: not_found.
    expect(await results('account', emails.slice(0, 5))).toEqual([
      { email: 'GRANTED@example.com', eligible: true },
      { email: 'pending@example.com', eligible: false, reason: 'not_customer' },
      { email: 'quit@example.com', eligible: true },
      { email: 'erased@example.com', eligible: false, reason: 'erased' },
      { email: 'nobody@example.com', eligible: false, reason: 'not_found' },
    ]);
    expect((await results('offers', ['granted@example.com']))[0]).toEqual({ email: 'granted@example.com', eligible: false, reason: 'not_found' });
  });

  it('refuses an unknown site, an unknown category, too many addresses and malformed bodies', async () => {
    expect((await eligibility('newsletter', ['a@example.com'], 'nope')).status).toBe(404);
    const unknown = await eligibility('nope', ['a@example.com']);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({ code: 'invalid_request', details: [{ path: 'category' }] });
    const many = await eligibility('newsletter', Array.from({ length: 10_001 }, (_, i) => `u${i}@example.com`));
    expect(many.status).toBe(400);
    expect((await many.json()).error.details[0].path).toBe('emails');
    for (const body of ['{"category":', { category: 'newsletter' }, { category: 'newsletter', emails: 'a@example.com' }, { category: 'newsletter', emails: [42] }, { emails: [] }]) {
      const res = await post('/api/v1/sites/demo/eligibility', body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    expect((await t.request('/api/v1/sites/demo/eligibility', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
  });

  it('hashes like emailLookupHash', async () => {
    const hash = await emailLookupHasher(t.config.lookupKey);
    for (const email of [' Alice@Example.COM ', 'ユーザー@例え.jp']) expect(await hash(email)).toBe(await emailLookupHash(t.config.lookupKey, email));
  });

  it('answers 10,000 addresses in well under a second (10,000 contacts, half of them asked)', async () => {
    const hash = await emailLookupHasher(t.config.lookupKey);
    const now = t.clock.now().toISOString();
    const insert = t.sqlite.prepare(
      "INSERT INTO contacts (id, site_id, email, email_hash, name, locale, created_at, updated_at) VALUES (?, 'demo', ?, ?, NULL, 'en', ?, ?)",
    );
    const consent = t.sqlite.prepare(
      "INSERT INTO consents (contact_id, category_key, channel, site_id, status, updated_at) VALUES (?, 'newsletter', 'email', 'demo', ?, ?)",
    );
    const rows = await Promise.all(Array.from({ length: 10_000 }, async (_, i) => [`c${i}`, `known${i}@example.com`, await hash(`known${i}@example.com`)] as const));
    t.sqlite.transaction(() => {
      for (const [id, email, h] of rows) {
        insert.run(id, email, h, now, now);
        consent.run(id, Number(id.slice(1)) % 3 === 0 ? 'withdrawn' : 'granted', now);
      }
    })();
    const emails = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? `known${i}@example.com` : `unknown${i}@example.com`));
    await results('newsletter', emails.slice(0, 10)); // warm up
    const start = performance.now();
    const answer = await results('newsletter', emails);
    const ms = performance.now() - start;
    expect(answer).toHaveLength(10_000);
    expect(answer[0]).toEqual({ email: 'known0@example.com', eligible: false, reason: 'withdrawn' });
    expect(answer[1]).toEqual({ email: 'unknown1@example.com', eligible: false, reason: 'not_found' });
    expect(answer[2]).toEqual({ email: 'known2@example.com', eligible: true });
    if (process.env.ASSENT_TEST_LOG) console.log(`eligibility: 10,000 addresses in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});

describe('DELETE /api/v1/sites/{site}/contacts/{id}', () => {
  async function aliceId() {
    await confirmed('Alice@Example.com', ['newsletter', 'offers']);
    return (await (await post('/api/v1/sites/demo/contacts/lookup', { email: 'alice@example.com' })).json()).contact.id as string;
  }

  it('erases address, name and evidence, records `erased` per category, withdraws all, suppresses the hash', async () => {
    const id = await aliceId();
    const res = await erase(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ contact: { id, erasedAt: t.clock.now().toISOString() } });
    const row = await t.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: '', name: null });
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    const events = await t.events('alice@example.com');
    expect(events.slice(-2).map((e) => `${e.category_key}:${e.action}:${e.method}`)).toEqual([
      'newsletter:erased:erasure_request',
      'offers:erased:erasure_request',
    ]);
    expect(events.every((e) => e.ip === null && e.user_agent === null)).toBe(true);
    const list = await (await t.request('/api/v1/sites/demo/suppressions', { headers: auth })).json();
    expect(list).toEqual({ suppressions: [{ hash: await emailLookupHash(t.config.lookupKey, 'alice@example.com'), createdAt: t.clock.now().toISOString() }], nextBefore: null });
    const audit = await (await t.request(`/api/v1/audit?contact=${id}`, { headers: auth })).json();
    expect(audit.entries[0]).toMatchObject({ method: 'DELETE', contactId: id, status: 200 });
    // The ledger still verifies, erased events included, once sealed.
    await sealLedger(t.deps);
    expect(await verifyLedger(t.deps)).toMatchObject({ ok: true, problem: null });
  });

  it('is harmless twice, and 404 for an unknown contact or site', async () => {
    const id = await aliceId();
    const first = await (await erase(id)).json();
    const eventsBefore = (await t.events('alice@example.com')).length;
    t.clock.advance(60_000);
    const again = await erase(id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await t.events('alice@example.com')).toHaveLength(eventsBefore);
    expect((await erase('nobody')).status).toBe(404);
    expect((await erase(id, 'nope')).status).toBe(404);
  });

  it('cancels queued mail, and the sender fails a blank address instead of sending it', async () => {
    await t.signup({ email: 'bob@example.com', categories: ['newsletter'] });
    const contact = await t.contact('bob@example.com');
    expect((await erase(contact.id)).status).toBe(200);
    const queued = await t.db.selectFrom('outbox').selectAll().where('contact_id', '=', contact.id).execute();
    expect(queued.map((m) => [m.status, m.to_address, m.last_error])).toEqual([['failed', '', 'recipient erased']]);
    // Even a blank row left queued (say, written by an older version) is not handed to the mailer.
    await t.db.updateTable('outbox').set({ status: 'queued' }).where('contact_id', '=', contact.id).execute();
    expect(await t.deliver()).toEqual([]);
    expect((await t.db.selectFrom('outbox').select('status').where('contact_id', '=', contact.id).executeTakeFirstOrThrow()).status).toBe('failed');
  });

  it('an erased address comes back only through a new double opt-in', async () => {
    const id = await aliceId();
    await erase(id);
    t.clock.advance(11 * 60_000);
    await t.signup({ email: 'alice@example.com', name: 'Alice Again', categories: ['newsletter'] });
    const again = await t.contact('alice@example.com');
    expect(again).toMatchObject({ id, email: 'alice@example.com', name: 'Alice Again', confirmed_at: null });
    const stored = await t.db.selectFrom('contacts').select('email').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.email).toMatch(/^enc:v1:/);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'pending', offers: 'withdrawn' });
    // Until confirmed: still suppressed, for every category.
    expect(await results('newsletter', ['alice@example.com'])).toEqual([{ email: 'alice@example.com', eligible: false, reason: 'erased' }]);
    expect(await results('account', ['alice@example.com'])).toEqual([{ email: 'alice@example.com', eligible: false, reason: 'erased' }]);
    const [mail] = await t.deliver();
    expect(mail!.to).toEqual(['alice@example.com']);
    t.clock.advance(60_000);
    await t.request(confirmPath(mail!), { method: 'POST' });
    expect(await results('newsletter', ['alice@example.com'])).toEqual([{ email: 'alice@example.com', eligible: true }]);
    expect(await results('offers', ['alice@example.com'])).toEqual([{ email: 'alice@example.com', eligible: false, reason: 'withdrawn' }]);
    expect((await (await t.request('/api/v1/sites/demo/suppressions', { headers: auth })).json()).suppressions).toEqual([]);
    await sealLedger(t.deps);
    expect((await verifyLedger(t.deps)).ok).toBe(true);
  });
});

describe('GET /api/v1/sites/{site}/suppressions', () => {
  it('pages newest first', async () => {
    const ids: string[] = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await t.signup({ email, categories: ['newsletter'] });
      ids.push((await t.contact(email)).id);
    }
    for (const id of ids) {
      t.clock.advance(1000);
      await erase(id);
    }
    const hashes = await Promise.all(['c', 'b', 'a'].map((l) => emailLookupHash(t.config.lookupKey, `${l}@example.com`)));
    const first = await (await t.request('/api/v1/sites/demo/suppressions?limit=2', { headers: auth })).json();
    expect(first.suppressions.map((s: { hash: string }) => s.hash)).toEqual(hashes.slice(0, 2));
    expect(first.nextBefore).toEqual(expect.any(Number));
    const second = await (await t.request(`/api/v1/sites/demo/suppressions?limit=2&before=${first.nextBefore}`, { headers: auth })).json();
    expect(second).toEqual({ suppressions: [{ hash: hashes[2], createdAt: expect.any(String) }], nextBefore: null });
    expect((await t.request('/api/v1/sites/nope/suppressions', { headers: auth })).status).toBe(404);
    expect((await t.request('/api/v1/sites/demo/suppressions?limit=0', { headers: auth })).status).toBe(400);
  });
});
