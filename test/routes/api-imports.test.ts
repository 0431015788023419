import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import type { Deps } from '../../src/deps.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { sha256Hex, randomId } from '../../src/domain/ids.ts';
import { importConsents } from '../../src/domain/import-consents.ts';
import { GENESIS, sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { seedDemoSiteIfEmpty } from '../../src/domain/seed-demo.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { ADMIN_KEY, BASE_URL, confirmPath, fixedClock, makeTestApp, memoryMailer, silentLog, TEST_ENCRYPTION_KEYS, TEST_SECRET, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const post = (path: string, body: unknown) =>
  t.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify(body) });
const importBatch = (body: unknown, site = 'demo') => post(`/api/v1/sites/${site}/imports`, body);
const contactId = async (email: string) => (await (await post('/api/v1/sites/demo/contacts/lookup', { email })).json()).contact.id as string;
const eventsOf = async (id: string) =>
  (await (await t.request(`/api/v1/sites/demo/contacts/${id}/events`, { headers: auth })).json()).events as Record<string, unknown>[];
const count = (table: 'consent_events' | 'contacts' | 'imports' | 'consents' | 'consent_texts') =>
  t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));

async function confirmed(email: string, categories: string[]) {
  await t.signup({ email, categories });
  const [mail] = await t.deliver();
  t.clock.advance(60_000);
  await t.request(confirmPath(mail!), { method: 'POST', headers: { 'User-Agent': 'Phone/1' } });
  await t.deliver();
}

const paper = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  categories: ['newsletter'],
  method: 'paper',
  occurredAt: '2026-10-01T09:00:00Z',
  evidence: 'Signed form #1234, kept at the Shibuya shop',
  consentText: 'Yes, send me the newsletter.',
  locale: 'ja',
  ...extra,
});

describe('POST /api/v1/sites/{site}/imports', () => {
  it('creates contacts and granted consents with their evidence, dated and attributed', async () => {
    const res = await importBatch({
      importId: 'shop-1',
      items: [paper('alice@example.com'), paper('bob@example.com', { categories: ['newsletter', 'offers'], method: 'web_form', sourceUrl: 'https://fair.example/booth', evidence: undefined, consentText: undefined, locale: undefined })],
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ importId: 'shop-1', replayed: false, granted: 3, skipped: 0, refused: 0 });
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted' });
    expect(await t.consents('bob@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    const alice = await t.contact('alice@example.com');
    expect(alice.email).toBe('alice@example.com');
    expect(alice.locale).toBe('ja');
    expect(body.items[0]).toEqual({ index: 0, status: 'imported', contactId: alice.id, categories: [{ category: 'newsletter', status: 'granted' }] });

    const [event] = await eventsOf(alice.id);
    expect(event).toMatchObject({
      category: 'newsletter',
      action: 'granted',
      method: 'paper',
      occurredAt: '2026-10-01T09:00:00.000Z',
      locale: 'ja',
      evidence: 'Signed form #1234, kept at the Shibuya shop',
      actor: 'api_key:admin',
      ip: null,
      consentText: { sha256: await sha256Hex('Yes, send me the newsletter.'), text: 'Yes, send me the newsletter.' },
    });
    const bobEvents = await eventsOf(await contactId('bob@example.com'));
    expect(bobEvents.map((e) => [e.category, e.method, e.sourceUrl, e.evidence])).toEqual([
      ['newsletter', 'web_form', 'https://fair.example/booth', null],
      ['offers', 'web_form', 'https://fair.example/booth', null],
    ]);
    // The evidence is stored encrypted.
    const stored = await t.db.selectFrom('event_evidence').select('note').where('note', 'is not', null).execute();
    expect(stored.map((r) => r.note!.startsWith('enc:'))).toEqual([true]);
  });

  it('lists every bad item by index and field and writes nothing', async () => {
    const before = await Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consent_texts')]);
    const res = await importBatch({
      importId: 'bad-1',
      items: [
        paper('fine@example.com'),
        paper('not an address'),
        paper('c@example.com', { categories: ['newsletter', 'nope', 'account'] }),
        paper('d@example.com', { occurredAt: '2026-12-01T00:00:00Z' }),
        paper('e@example.com', { occurredAt: 'yesterday', sourceUrl: 'javascript:alert(1)', locale: 'xx' }),
      ],
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.details.map((d: { path: string }) => d.path)).toEqual([
      'items.1.email',
      'items.2.categories.1',
      'items.2.categories.2',
      'items.3.occurredAt',
      'items.4.occurredAt',
      'items.4.sourceUrl',
      'items.4.locale',
    ]);
    expect(await Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consent_texts')])).toEqual(before);
    // Schema errors are reported per item too.
    const schema = await importBatch({ importId: 'bad-2', items: [paper('a@example.com', { method: 'fax' })] });
    expect(schema.status).toBe(400);
    expect((await schema.json()).error.details[0].path).toBe('items.0.method');
  });

  it('replays the same importId without writing, and refuses a different body under it', async () => {
    const body = { importId: 'once', items: [paper('alice@example.com')] };
    const first = await importBatch(body);
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const events = await count('consent_events');
    t.clock.advance(3_600_000);
    const again = await importBatch(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...firstBody, replayed: true });
    expect(await count('consent_events')).toBe(events);
    const other = await importBatch({ importId: 'once', items: [paper('mallory@example.com')] });
    expect(other.status).toBe(409);
    expect((await other.json()).error.code).toBe('conflict');
    expect(await count('consent_events')).toBe(events);
    const row = await t.db.selectFrom('imports').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ site_id: 'demo', id: 'once', item_count: 1, api_key_id: 'admin' });
  });

  it('never overrides a later withdrawal, and skips what is already granted', async () => {
    await confirmed('quit@example.com', ['newsletter', 'offers']);
    const links = await (await post('/api/v1/sites/demo/contacts/links', { email: 'quit@example.com', category: 'newsletter' })).json();
    const unsub = await t.request(new URL(links.unsubscribeUrl).pathname, {
      method: 'POST',
      headers: { Origin: 'none', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.status).toBeLessThan(400);
    expect(await t.consents('quit@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'granted' });
    const events = await count('consent_events');
    const res = await importBatch({ importId: 'old-paper', items: [paper('quit@example.com', { categories: ['newsletter', 'offers'] })] });
    expect(res.status).toBe(201);
    expect((await res.json()).items[0].categories).toEqual([
      { category: 'newsletter', status: 'skipped', reason: 'withdrawn_later' },
      { category: 'offers', status: 'skipped', reason: 'already_granted' },
    ]);
    expect(await t.consents('quit@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'granted' });
    expect(await count('consent_events')).toBe(events);
    // Consent given after the withdrawal does count.
    t.clock.advance(86_400_000);
    const later = await importBatch({ importId: 'new-paper', items: [paper('quit@example.com', { occurredAt: t.clock.now().toISOString() })] });
    expect((await later.json()).granted).toBe(1);
    expect(await t.consents('quit@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('refuses an erased address, per item, and imports the rest', async () => {
    await confirmed('gone@example.com', ['newsletter']);
    const id = await contactId('gone@example.com');
    expect((await t.request(`/api/v1/sites/demo/contacts/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    const events = await count('consent_events');
    const res = await importBatch({ importId: 'mixed', items: [paper('GONE@example.com'), paper('new@example.com')] });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.items[0]).toEqual({ index: 0, status: 'refused', reason: 'erased' });
    expect(body.items[1].status).toBe('imported');
    expect(body).toMatchObject({ granted: 1, refused: 1 });
    expect(await count('consent_events')).toBe(events + 1);
    expect(await t.consents('gone@example.com')).toEqual({ newsletter: 'withdrawn' });
  });

  it('answers 404 for an unknown site', async () => {
    const res = await importBatch({ importId: 'x', items: [paper('a@example.com')] }, 'nowhere');
    expect(res.status).toBe(404);
  });

  it('keeps the seal verifying across imports, and the seal covers the actor', async () => {
    await confirmed('own@example.com', ['newsletter']);
    expect(await sealLedger(t.deps)).toBeGreaterThan(0);
    // Events without an actor hash exactly as before the actor existed (13 columns, then only
    // what migration 0015 added, in its trailing object).
    const seals = await t.db.selectFrom('ledger_seals').selectAll().orderBy('event_id').execute();
    const rows = await t.db.selectFrom('consent_events').selectAll().orderBy('id').execute();
    let previous = GENESIS;
    for (const [i, e] of rows.entries()) {
      const old: unknown[] = [e.id, e.site_id, e.contact_id, e.category_key, e.channel, e.action, e.method, e.occurred_at, e.source_url, e.consent_text_sha256, e.policy_version, e.locale, e.evidence_mac];
      expect(e.actor).toBeNull();
      old.push({ contact_seq: e.contact_seq, ...(e.form_sha256 ? { form_sha256: e.form_sha256 } : {}) });
      previous = await sha256Hex(`${previous}\n${JSON.stringify(old)}`);
      expect(seals[i]!.hash).toBe(previous);
    }
    expect((await importBatch({ importId: 'seal', items: [paper('alice@example.com')] })).status).toBe(201);
    await sealLedger(t.deps);
    expect(await verifyLedger(t.deps)).toMatchObject({ ok: true, problem: null });
    // Forging the actor breaks the chain at that event (triggers are lifted only to simulate tampering).
    const imported = rows.length + 1;
    t.sqlite.exec('DROP TRIGGER consent_events_no_update');
    t.sqlite.prepare('UPDATE consent_events SET actor = NULL WHERE id = ?').run(imported);
    expect((await verifyLedger(t.deps)).problem).toEqual({ kind: 'altered', eventId: imported });
    t.sqlite.prepare("UPDATE consent_events SET actor = 'api_key:admin' WHERE id = ?").run(imported);
    t.sqlite.prepare('UPDATE event_evidence SET note = ? WHERE event_id = ?').run(await t.deps.cipher.encrypt('forged'), imported);
    expect((await verifyLedger(t.deps)).problem).toEqual({ kind: 'evidence_altered', eventId: imported });
  });
});

describe('migration 0009', () => {
  it('leaves a ledger sealed before it verifying, after it and after imports', async () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-migrations-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0009')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite, db, atomic } = openSqlite(':memory:');
    migrate(sqlite, before);
    const clock = fixedClock();
    const config = parseConfig({ TOKEN_SECRETS: TEST_SECRET, LOOKUP_KEY: 'l'.repeat(40), ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, BASE_URL, ADMIN_API_KEY: ADMIN_KEY, RESEND_API_KEY: 're_test_stand_in' });
    const deps: Deps = {
      db, atomic, clock, config, mailer: memoryMailer(), tokens: createTokens(config.tokenSecrets, clock),
      cipher: createFieldCipher(config.encryptionKeys), log: silentLog, newId: randomId, mailQueued: () => {},
    };
    await seedDemoSiteIfEmpty(deps);
    // The ledger as the code before 0009 wrote it (no actor column yet).
    sqlite.prepare("INSERT INTO contacts (id, site_id, email, email_hash, locale, created_at, updated_at) VALUES ('c1', 'demo', 'x', 'h1', 'en', ?, ?)").run(clock.now().toISOString(), clock.now().toISOString());
    const event = sqlite.prepare("INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale) VALUES ('demo', 'c1', 'newsletter', 'email', ?, 'signup_form', ?, 'en')");
    event.run('requested', clock.now().toISOString());
    event.run('confirmed', clock.now().toISOString());
    // Sealed by the pre-0009 schema: the rows have no actor at all.
    expect(await sealLedger(deps)).toBe(2);

    expect(migrate(sqlite)).toEqual(readdirSync(MIGRATIONS_DIR).filter((n) => n >= '0009').sort());
    expect(await verifyLedger(deps)).toMatchObject({ ok: true, sealed: 2 });
    clock.advance(60_000);
    const outcome = await importConsents(deps, 'demo', { apiKeyId: 'admin' }, { importId: 'after', items: [{ email: 'a@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-01-01T00:00:00Z', evidence: 'CRM export 2026-01' }] });
    expect(outcome).toMatchObject({ kind: 'done', result: { granted: 1 } });
    expect(await sealLedger(deps)).toBe(1);
    expect(await verifyLedger(deps)).toMatchObject({ ok: true, sealed: 3, events: 3 });
  });
});
