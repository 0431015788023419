// A saved proof bundle verifies on its own, and every kind of edit names the first event that
// no longer verifies: an edited field, an edited canonical form, a removed event, an edited
// wording or form, a recomputed seal where the chain can see it.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { sealLedger } from '../../src/domain/ledger-seal.ts';
import { verifyProofBundle } from '../../src/domain/proof-verify.ts';
import { ADMIN_KEY, BASE_URL, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Bundle {
  contact: { id: string };
  events: { id: number; occurredAt: string; method: string; canonical: string; previousSeal: string; seal: string; consentTextSha256: string | null; formSha256: string | null; actor: string | null }[];
  consentTexts: Record<string, { text: string }>;
  forms: Record<string, { content: string }>;
  ledger: { genesis: string; head: { eventId: number; hash: string } | null };
}

/**
 * Alice signs up for two kinds (one form), Bob signs up between her steps, she confirms (an
 * email link: a neighbour pair), then unsubscribes from offers on the page. Sealed.
 */
async function aliceBundle(): Promise<Bundle> {
  const page = await (await t.request('/s/demo')).text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)![1]!;
  const signup = (email: string, categories: string[]) => {
    const body = new URLSearchParams({ email, consent: field('consent'), form: field('form'), lang: 'en' });
    for (const key of categories) body.append('categories', key);
    return t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'TestBrowser/1.0' } });
  };
  expect((await signup('alice@example.com', ['newsletter', 'offers'])).status).toBe(200);
  const [mail] = await t.deliver();
  expect((await signup('bob@example.com', ['offers'])).status).toBe(200);
  t.clock.advance(60_000);
  expect((await t.request(confirmPath(mail!), { method: 'POST' })).status).toBe(200);
  const links = await (await t.request('/api/v1/sites/demo/contacts/links', { method: 'POST', headers: auth, body: JSON.stringify({ email: 'alice@example.com', category: 'offers' }) })).json();
  expect((await t.request(links.unsubscribeUrl.slice(BASE_URL.length), { method: 'POST', body: new URLSearchParams({ unsubscribe: 'page' }) })).status).toBe(200);
  await sealLedger(t.deps);
  const { id } = await t.contact('alice@example.com');
  return (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json();
}

const copy = (bundle: Bundle): Bundle => structuredClone(bundle);

beforeEach(async () => {
  t = await makeTestApp();
});

describe('the proof bundle’s chain', () => {
  it('carries each event’s canonical form, the seal before it and its own, and the head at export', async () => {
    const bundle = await aliceBundle();
    const seals = await t.db.selectFrom('ledger_seals').select(['event_id', 'hash']).orderBy('event_id').execute();
    const sealOf = new Map(seals.map((s) => [s.event_id, s.hash]));
    expect(bundle.events.map((e) => e.id)).toEqual([1, 2, 4, 5, 6]);
    for (const event of bundle.events) {
      expect(event.seal).toBe(sealOf.get(event.id));
      expect(event.previousSeal).toBe(event.id === 1 ? 'assent-ledger-v1' : sealOf.get(event.id - 1));
      expect(sha256(`${event.previousSeal}\n${event.canonical}`)).toBe(event.seal);
    }
    expect(JSON.parse(bundle.events[0]!.canonical)).toEqual([
      1, 'demo', bundle.contact.id, 'newsletter', 'email', 'requested', 'signup_form', '2026-11-01T09:00:00.000Z',
      'https://assent.test/s/demo?lang=en', bundle.events[0]!.consentTextSha256, '2026-01', 'en', expect.stringMatching(/^[0-9a-f]{64}$/),
      { contact_seq: 0, form_sha256: bundle.events[0]!.formSha256 },
    ]);
    expect(bundle.ledger).toEqual({ genesis: 'assent-ledger-v1', rule: expect.stringContaining('SHA-256(previousSeal + "\\n" + canonical)'), head: { eventId: 6, hash: sealOf.get(6) } });
  });

  it('the printable page shows each sealed form and both seals, the head, and how to verify it', async () => {
    const bundle = await aliceBundle();
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const html = await (await t.request(`/api/v1/sites/demo/contacts/${bundle.contact.id}/proof?format=html`, { headers: auth })).text();
    for (const event of bundle.events) {
      expect(html).toContain(`<code>${escape(event.canonical)}</code>`);
      expect(html).toContain(`<code>${event.previousSeal}</code>`);
    }
    expect(html).toContain('How to verify this record');
    expect(html).toContain(`GET /api/v1/sites/demo/contacts/${bundle.contact.id}/proof`);
    expect(html).toContain('<code>npm run cli -- proof verify FILE</code>');
    expect(html).toContain('<code>npm run cli -- ledger verify</code>');
    expect(html).toContain(`Ledger head when this record was made: event 6, <code>${bundle.ledger.head!.hash}</code>`);
    const ja = await (await t.request(`/api/v1/sites/demo/contacts/${bundle.contact.id}/proof?format=html&lang=ja`, { headers: auth })).text();
    expect(ja).toContain('この記録の検証方法');
    expect(ja).toContain(`この記録を作成した時点の台帳の先頭：イベント 6、<code>${bundle.ledger.head!.hash}</code>`);
  });

  it('verifies as saved', async () => {
    const report = await verifyProofBundle(await aliceBundle());
    expect(report).toEqual({
      ok: true, site: 'demo', contact: expect.any(String), events: 5, linked: 3, uncounted: 0, wordings: 1, forms: 1,
      head: { eventId: 6, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }, problem: null,
    });
  });
});

describe('a tampered bundle', () => {
  let bundle: Bundle;
  beforeEach(async () => {
    bundle = await aliceBundle();
  });
  const problem = async (edited: Bundle) => (await verifyProofBundle(edited)).problem;

  it('an edited field names its event', async () => {
    const edited = copy(bundle);
    edited.events[2]!.occurredAt = '2026-10-01T09:00:00.000Z';
    expect(await problem(edited)).toEqual({
      eventId: 4,
      message: 'event 4: the bundle says occurredAt is "2026-10-01T09:00:00.000Z", but the sealed event says "2026-11-01T09:01:00.000Z"',
    });
    const actor = copy(bundle);
    actor.events[1]!.actor = 'api_key:forged';
    expect((await problem(actor))?.eventId).toBe(2);
    const form = copy(bundle);
    form.events[0]!.formSha256 = null;
    expect((await problem(form))?.message).toContain('event 1: the bundle says formSha256 is null');
  });

  it('an edited canonical form (and the field with it) names its event', async () => {
    const edited = copy(bundle);
    edited.events[3]!.canonical = edited.events[3]!.canonical.replace('"confirmation_link"', '"signup_form"');
    edited.events[3]!.method = 'signup_form';
    expect(await problem(edited)).toEqual({
      eventId: 5,
      message: 'event 5: its canonical form, with the seal before it, does not hash to its seal: the canonical form or a seal was edited',
    });
  });

  it('a removed event names the next one', async () => {
    for (const removed of [0, 1, 3]) {
      const edited = copy(bundle);
      const next = edited.events[removed + 1]!.id;
      edited.events.splice(removed, 1);
      expect((await problem(edited))?.eventId, `removing events[${removed}]`).toBe(next);
      expect((await problem(edited))?.message).toMatch(/but the bundle has only \d of the contact's events before it: one was removed$/);
    }
    const two = copy(bundle);
    two.events.splice(0, 2);
    expect((await problem(two))?.message).toContain('event 4: it was the contact\'s event number 3, but the bundle has only 0 of the contact\'s events before it: 2 were removed');
  });

  it('an edit with a recomputed seal shows where the next event is its neighbour, or it is the head', async () => {
    // Event 4 (confirmed) and 5 are neighbours: forging 4 and sealing it anew breaks 5's link.
    const edited = copy(bundle);
    const four = edited.events[2]!;
    four.canonical = four.canonical.replace('2026-11-01T09:01:00.000Z', '2026-10-01T09:01:00.000Z');
    four.occurredAt = '2026-10-01T09:01:00.000Z';
    four.seal = sha256(`${four.previousSeal}\n${four.canonical}`);
    expect(await problem(edited)).toEqual({ eventId: 4, message: 'event 4: its seal is not the one the next event in the ledger (event 5) was chained to: it was edited' });
    // The last event is the head: its seal must be the head's.
    const last = copy(bundle);
    const six = last.events[4]!;
    six.canonical = six.canonical.replace('"unsubscribe_page"', '"preference_page"');
    six.method = 'preference_page';
    six.seal = sha256(`${six.previousSeal}\n${six.canonical}`);
    expect(await problem(last)).toEqual({ eventId: 6, message: "event 6: it is the ledger's head at export, but the head hash is not its seal" });
  });

  it('an edited wording or form names the first event that points at it', async () => {
    const wording = copy(bundle);
    const sha = wording.events[0]!.consentTextSha256!;
    wording.consentTexts[sha]!.text = wording.consentTexts[sha]!.text.replace('I agree', 'I do not object');
    expect((await problem(wording))?.message).toBe(`event 1: the wording ${sha} it names was edited: its text no longer hashes to its name`);
    const form = copy(bundle);
    const formSha = form.events[0]!.formSha256!;
    form.forms[formSha]!.content = form.forms[formSha]!.content.replace('<input type="checkbox"', '<input type="checkbox" checked');
    expect((await problem(form))?.message).toBe(`event 1: the form ${formSha} it names was edited: its content no longer hashes to its name`);
    const gone = copy(bundle);
    gone.forms = {};
    expect((await problem(gone))?.message).toBe(`event 1: the form ${formSha} it names is not in the bundle`);
  });

  it('events of someone else, events out of order, and unsealed events do not verify', async () => {
    const bob = await t.contact('bob@example.com');
    const bobBundle: Bundle = await (await t.request(`/api/v1/sites/demo/contacts/${bob.id}/proof`, { headers: auth })).json();
    const mixed = copy(bundle);
    mixed.events.splice(2, 0, bobBundle.events[0]!);
    expect((await problem(mixed))?.message).toMatch(/^event 3: the bundle says contact is "\w+", but the sealed event says "\w+"$/);
    const swapped = copy(bundle);
    [swapped.events[1], swapped.events[2]] = [swapped.events[2]!, swapped.events[1]!];
    expect((await problem(swapped))?.message).toBe('event 4: it comes before event 2: the bundle lists events in ledger order');
    await t.signup({ email: 'alice@example.com', categories: ['offers'] });
    const fresh: Bundle = await (await t.request(`/api/v1/sites/demo/contacts/${bundle.contact.id}/proof`, { headers: auth })).json();
    expect(await problem(fresh)).toEqual({ eventId: 7, message: 'event 7: it is not sealed yet (the server seals every 2 s): export the bundle again' });
  });

  it('what is not a bundle says so', async () => {
    expect((await verifyProofBundle([]))?.problem).toEqual({ eventId: null, message: 'this is not a proof bundle (not a JSON object)' });
    expect((await verifyProofBundle({ events: [] }))?.problem?.eventId).toBeNull();
  });
});

describe('bundles of every kind of history verify', () => {
  it('an imported consent, and a contact erased since (its erasure events counted too)', async () => {
    const imported = await t.request('/api/v1/sites/demo/imports', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ importId: 'shop-1', items: [{ email: 'paper@example.com', categories: ['offers', 'newsletter'], method: 'in_store', occurredAt: '2026-10-05T12:00:00Z', evidence: 'Card #1', consentText: 'Yes, send me Demo Shop’s newsletter and offers.' }] }),
    });
    expect(imported.status).toBe(201);
    const { id } = await t.contact('paper@example.com');
    expect((await t.request(`/api/v1/sites/demo/contacts/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    await sealLedger(t.deps);
    const bundle = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json();
    expect(bundle.events.map((e: { action: string }) => e.action)).toEqual(['granted', 'granted', 'erased', 'erased']);
    expect(await verifyProofBundle(bundle)).toMatchObject({ ok: true, events: 4, uncounted: 0, problem: null });
  });
});

describe('an imported consent’s basis', () => {
  it('verifies as sealed, and an edited basis or relationship date names its event', async () => {
    const res = await t.request('/api/v1/sites/demo/imports', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        importId: 'shop-1',
        items: [{ email: 'buyer@example.com', categories: ['newsletter'], method: 'in_store', occurredAt: '2026-10-01T09:00:00Z', basis: 'implied_purchase', relationshipAt: '2026-09-30', consentText: 'Yes, mail me.', evidence: 'till receipt 77' }],
      }),
    });
    expect(res.status).toBe(201);
    await sealLedger(t.deps);
    const { id } = await t.contact('buyer@example.com');
    type WithBasis = Omit<Bundle, 'events'> & { events: (Bundle['events'][number] & { basis: string; relationshipAt: string })[] };
    const bundle = (await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json()) as WithBasis;
    expect(bundle.events[0]).toMatchObject({ basis: 'implied_purchase', relationshipAt: '2026-09-30' });
    expect((await verifyProofBundle(bundle)).ok).toBe(true);
    const upgraded = structuredClone(bundle);
    upgraded.events[0]!.basis = 'express';
    expect((await verifyProofBundle(upgraded)).problem).toMatchObject({ eventId: bundle.events[0]!.id, message: expect.stringContaining('basis') });
    const later = structuredClone(bundle);
    later.events[0]!.relationshipAt = '2026-11-30';
    expect((await verifyProofBundle(later)).problem).toMatchObject({ eventId: bundle.events[0]!.id, message: expect.stringContaining('relationshipAt') });
  });
});

describe('an erasure', () => {
  it('counts its events in the contact’s history, so a bundle cut before them is caught', async () => {
    const bundle = await aliceBundle();
    await t.request(`/api/v1/sites/demo/contacts/${bundle.contact.id}`, { method: 'DELETE', headers: auth });
    await sealLedger(t.deps);
    type WithActions = Omit<Bundle, 'events'> & { events: (Bundle['events'][number] & { action: string })[] };
    const erased = (await (await t.request(`/api/v1/sites/demo/contacts/${bundle.contact.id}/proof`, { headers: auth })).json()) as WithActions;
    const seqs = erased.events.map((e) => (JSON.parse(e.canonical) as unknown[]).at(-1) as { contact_seq?: number });
    expect(seqs.map((s) => s.contact_seq)).toEqual(erased.events.map((_, i) => i));
    expect(erased.events.filter((e) => e.action === 'erased')).toHaveLength(2);
    expect((await verifyProofBundle(erased)).ok).toBe(true);
    // The erasure's first event removed: its second names the gap.
    const cut = structuredClone(erased);
    const first = cut.events.findIndex((e) => e.action === 'erased');
    cut.events.splice(first, 1);
    expect((await verifyProofBundle(cut)).problem?.message).toContain('removed');
  });
});
