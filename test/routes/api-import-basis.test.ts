// Imports: offline consent needs its proof, and every imported consent states its basis.
import { beforeEach, describe, expect, it } from 'vitest';
import { importConsents } from '../../src/domain/import-consents.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp(); // the clock: 2026-11-01T09:00Z, 18:00 in the demo site's Asia/Tokyo
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const importBatch = (body: unknown) =>
  t.request('/api/v1/sites/demo/imports', { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify(body) });
const count = (table: 'consent_events' | 'contacts' | 'imports' | 'consent_texts') =>
  t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
const item = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  categories: ['newsletter'],
  method: 'in_store',
  occurredAt: '2026-10-01T09:00:00Z',
  evidence: 'Receipt #88, Shibuya shop',
  consentText: 'Yes, send me the newsletter.',
  ...extra,
});
const paths = async (res: Response) => (await res.json()).error.details.map((d: { path: string }) => d.path);

describe('offline consent needs its proof', () => {
  it.each(['paper', 'in_store', 'event', 'app'])('%s without consentText or evidence: 400 per item and field, nothing written', async (method) => {
    const before = await Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consent_texts')]);
    const res = await importBatch({
      importId: `no-proof-${method}`,
      items: [
        item('fine@example.com', { method }),
        item('a@example.com', { method, consentText: undefined }),
        item('b@example.com', { method, evidence: undefined }),
        item('c@example.com', { method, consentText: undefined, evidence: undefined }),
      ],
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.details).toEqual([
      { path: 'items.1.consentText', message: `Required for method "${method}": the exact wording the person agreed to.` },
      { path: 'items.2.evidence', message: expect.stringContaining(`Required for method "${method}": where the proof is kept`) },
      { path: 'items.3.consentText', message: expect.stringContaining('Required') },
      { path: 'items.3.evidence', message: expect.stringContaining('Required') },
    ]);
    expect(await Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consent_texts')])).toEqual(before);
  });

  it('another web form or a previous system needs neither (the form or the system is the record)', async () => {
    const res = await importBatch({
      importId: 'online',
      items: [
        item('web@example.com', { method: 'web_form', consentText: undefined, evidence: undefined, sourceUrl: 'https://shop.example/join' }),
        item('crm@example.com', { method: 'previous_system', consentText: undefined, evidence: undefined }),
      ],
    });
    expect(res.status).toBe(201);
    expect((await res.json()).granted).toBe(2);
  });
});

describe('the basis of an imported consent', () => {
  it('is express by default, and stored, sealed and shown with its relationship date', async () => {
    const res = await importBatch({
      importId: 'bases',
      items: [
        item('express@example.com'),
        item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2026-09-20' }),
        item('asker@example.com', { basis: 'implied_inquiry', relationshipAt: '2026-10-30' }),
        item('card@example.com', { basis: 'business_card', method: 'event', evidence: 'Card from the Osaka fair, box 3' }),
        item('customer@example.com', { basis: 'existing_customer', method: 'previous_system' }),
      ],
    });
    expect(res.status).toBe(201);
    const rows = await t.db.selectFrom('consent_events').select(['basis', 'relationship_at']).orderBy('id').execute();
    expect(rows).toEqual([
      { basis: 'express', relationship_at: null },
      { basis: 'implied_purchase', relationship_at: '2026-09-20' },
      { basis: 'implied_inquiry', relationship_at: '2026-10-30' },
      { basis: 'business_card', relationship_at: null },
      { basis: 'existing_customer', relationship_at: null },
    ]);

    const { id } = await t.contact('buyer@example.com');
    const events = (await (await t.request(`/api/v1/sites/demo/contacts/${id}/events`, { headers: auth })).json()).events;
    expect(events[0]).toMatchObject({ method: 'in_store', basis: 'implied_purchase', relationshipAt: '2026-09-20' });
    const bundle = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json();
    expect(bundle.events[0]).toMatchObject({ basis: 'implied_purchase', relationshipAt: '2026-09-20' });
    const html = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof?format=html`, { headers: auth })).text();
    expect(html).toContain('implied consent from a purchase on 2026-09-20');
    const ja = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof?format=html`, { headers: { ...auth, 'Accept-Language': 'ja' } })).text();
    expect(ja).toContain('購入（2026-09-20）による黙示の同意');

    // The seal covers the basis: rewriting it (triggers lifted only to simulate tampering) breaks the chain there.
    await sealLedger(t.deps);
    expect(await verifyLedger(t.deps)).toMatchObject({ ok: true, sealed: 5 });
    t.sqlite.exec('DROP TRIGGER consent_events_no_update');
    t.sqlite.exec("UPDATE consent_events SET relationship_at = '2026-10-31' WHERE id = 2");
    expect((await verifyLedger(t.deps)).problem).toEqual({ kind: 'altered', eventId: 2 });
    t.sqlite.exec("UPDATE consent_events SET relationship_at = '2026-09-20', basis = 'express' WHERE id = 2");
    expect((await verifyLedger(t.deps)).problem).toEqual({ kind: 'altered', eventId: 2 });
  });

  it('a value moved from the actor into the basis does not verify', async () => {
    await importBatch({ importId: 'one', items: [item('buyer@example.com', { basis: 'business_card', method: 'event' })] });
    await sealLedger(t.deps);
    t.sqlite.exec('DROP TRIGGER consent_events_no_update');
    t.sqlite.exec("UPDATE consent_events SET basis = actor, actor = NULL");
    expect((await verifyLedger(t.deps)).problem).toEqual({ kind: 'altered', eventId: 1 });
  });

  it('needs relationshipAt for an implied basis, refuses it for the others, and checks the date', async () => {
    const res = await importBatch({
      importId: 'bad-dates',
      items: [
        item('a@example.com', { basis: 'implied_purchase' }),
        item('b@example.com', { basis: 'implied_inquiry', relationshipAt: '2026-02-30' }),
        item('c@example.com', { basis: 'implied_purchase', relationshipAt: '2026-11-02' }),
        item('d@example.com', { basis: 'express', relationshipAt: '2026-10-01' }),
        item('e@example.com', { relationshipAt: '2026-10-01' }),
        item('f@example.com', { basis: 'existing_customer', relationshipAt: '2026-10-01' }),
        item('g@example.com', { basis: 'implied_purchase', relationshipAt: '2026-10-01T09:00:00Z' }),
      ],
    });
    expect(res.status).toBe(400);
    const { details } = (await res.json()).error;
    expect(details).toEqual([
      { path: 'items.0.relationshipAt', message: 'Required for basis "implied_purchase": the date of the purchase, YYYY-MM-DD.' },
      { path: 'items.1.relationshipAt', message: 'Not a date written YYYY-MM-DD, e.g. 2026-10-01.' },
      { path: 'items.2.relationshipAt', message: 'In the future.' },
      { path: 'items.3.relationshipAt', message: 'Only for basis "implied_purchase" or "implied_inquiry", not "express".' },
      { path: 'items.4.relationshipAt', message: expect.stringContaining('not "express"') },
      { path: 'items.5.relationshipAt', message: expect.stringContaining('not "existing_customer"') },
      { path: 'items.6.relationshipAt', message: expect.stringContaining('YYYY-MM-DD') },
    ]);
    expect(await count('consent_events')).toBe(0);
    const unknown = await importBatch({ importId: 'bad-basis', items: [item('h@example.com', { basis: 'legitimate_interest' })] });
    expect(unknown.status).toBe(400);
    expect(await paths(unknown)).toEqual(['items.0.basis']);
  });

  it('counts "the future" in the site’s days: a purchase today in Tokyo is fine while it is still yesterday in UTC', async () => {
    t.clock.set('2026-11-01T20:00:00.000Z'); // 05:00 on 2 November in Tokyo
    const res = await importBatch({
      importId: 'tokyo',
      items: [item('early@example.com', { occurredAt: '2026-11-01T19:00:00Z', basis: 'implied_purchase', relationshipAt: '2026-11-02' })],
    });
    expect(res.status).toBe(201);
  });
});

describe('an import over a granted consent', () => {
  const grants = async (email: string) =>
    (await t.events(email)).filter((e) => e.action === 'granted').map((e) => `${e.basis}:${e.relationship_at ?? '-'}`);
  const outcome = async (res: Response) => (await res.json()).items[0].categories[0];

  it('is recorded only when its basis lasts longer than the one in force', async () => {
    await importBatch({ importId: '1', items: [item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2025-06-01' })] });
    // An earlier purchase, or an inquiry (six months) after it, ends sooner: skipped.
    const earlier = await importBatch({ importId: '2', items: [item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2025-01-01' })] });
    expect(await outcome(earlier)).toEqual({ category: 'newsletter', status: 'skipped', reason: 'already_granted' });
    const inquiry = await importBatch({ importId: '3', items: [item('buyer@example.com', { basis: 'implied_inquiry', relationshipAt: '2025-07-01' })] });
    expect(await outcome(inquiry)).toMatchObject({ status: 'skipped', reason: 'already_granted' });
    // A later purchase renews the two years.
    const later = await importBatch({ importId: '4', items: [item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2026-10-15', occurredAt: '2026-10-15T10:00:00Z' })] });
    expect(await outcome(later)).toEqual({ category: 'newsletter', status: 'granted' });
    // Express consent replaces the implied basis; after it, nothing implied is recorded over it.
    const express = await importBatch({ importId: '5', items: [item('buyer@example.com', { occurredAt: '2026-10-20T10:00:00Z' })] });
    expect(await outcome(express)).toEqual({ category: 'newsletter', status: 'granted' });
    const after = await importBatch({ importId: '6', items: [item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2026-10-30' })] });
    expect(await outcome(after)).toMatchObject({ status: 'skipped', reason: 'already_granted' });
    expect(await grants('buyer@example.com')).toEqual(['implied_purchase:2025-06-01', 'implied_purchase:2026-10-15', 'express:-']);
    expect(await t.consents('buyer@example.com')).toEqual({ newsletter: 'granted' });
  });

  it('writes nothing when something else granted the category between its read and its write', async () => {
    await importBatch({ importId: '1', items: [item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2025-06-01' })] });
    const { atomic } = t.deps;
    let raced = false;
    const racing = {
      ...t.deps,
      async atomic(queries: Parameters<typeof atomic>[0]) {
        if (!raced) {
          raced = true;
          await importConsents(t.deps, 'demo', { apiKeyId: 'admin' }, { importId: 'other', items: [{ ...item('buyer@example.com'), method: 'in_store' as const }] });
        }
        return atomic(queries);
      },
    };
    const renewal = { ...item('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2026-10-15' }), method: 'in_store' as const, basis: 'implied_purchase' as const };
    await importConsents(racing, 'demo', { apiKeyId: 'admin' }, { importId: 'renewal', items: [renewal] });
    expect(raced).toBe(true);
    expect(await grants('buyer@example.com')).toEqual(['implied_purchase:2025-06-01', 'express:-']);
  });
});
