// Sends and the evidence they keep: POST /sites/{site}/sends records a campaign for the
// addresses eligible at that moment (and only inside the write), the links API can record one
// send, the proof lists sends and our own emails, and an erased contact that was mailed keeps
// its consent evidence under a hold until the last send + EVIDENCE_RETENTION.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { erasePersonalData } from '../../src/domain/erase-personal-data.ts';
import { purgeEndedHolds } from '../../src/domain/evidence-hold.ts';
import { purgeUnconfirmedSignups } from '../../src/domain/retention.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { recordPlans } from '../helpers/query-plans.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { SECRETS } from '../helpers/config-env.ts';

let t: TestApp;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const DAY = 86_400_000;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await t.request(`/api/v1/sites/demo${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

async function confirmed(email: string, categories = ['newsletter']) {
  await t.signup({ email, categories });
  const [mail] = await t.deliver();
  await t.request(confirmPath(mail!), { method: 'POST', headers: { 'User-Agent': 'Confirmer/1' } });
  await t.deliver();
  return (await t.contact(email)).id;
}

const proofOf = async (id: string) => (await api('GET', `/contacts/${id}/proof`)).body;

beforeEach(async () => {
  t = await makeTestApp();
});

describe('POST /api/v1/sites/{site}/sends', () => {
  it('records the campaign for the eligible addresses only, and says why not for the others', async () => {
    const alice = await confirmed('alice@example.com');
    await t.signup({ email: 'pending@example.com', categories: ['newsletter'] });
    t.clock.advance(60_000);
    const res = await api('POST', '/sends', {
      campaign: '2026-12-news',
      category: 'newsletter',
      emails: ['Alice@Example.com', 'pending@example.com', 'nobody@example.com', 'not an address'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      campaign: '2026-12-news',
      category: 'newsletter',
      recorded: 1,
      alreadyRecorded: 0,
      skipped: [
        { email: 'pending@example.com', reason: 'pending' },
        { email: 'nobody@example.com', reason: 'not_found' },
        { email: 'not an address', reason: 'invalid' },
      ],
    });
    const proof = await proofOf(alice);
    expect(proof.sends).toEqual([{ campaign: '2026-12-news', category: 'newsletter', channel: 'email', sentAt: '2026-11-01T09:01:00.000Z' }]);
    expect(proof.contact.lastSentAt).toBe('2026-11-01T09:01:00.000Z');
    expect(proof.consents.find((c: { category: string }) => c.category === 'newsletter').lastSentAt).toBe('2026-11-01T09:01:00.000Z');
    // The emails we sent ourselves: the confirmation and the welcome.
    expect(proof.emails.map((m: { kind: string; status: string }) => `${m.kind}:${m.status}`)).toEqual(['confirmation:sent', 'welcome:sent']);
    expect(proof.emails[0].subject).toBe('Confirm your subscription to Demo Shop');
    // The audit row names the contact the send was recorded for.
    const audit = (await (await t.request('/api/v1/audit', { headers: auth })).json()) as { entries: { route: string; contactIds: string[] }[] };
    expect(audit.entries.find((entry) => entry.route.endsWith('/sends'))!.contactIds).toEqual([alice]);
  });

  it('records a campaign once per contact and category (a repeated call, or two spellings)', async () => {
    await confirmed('bob@example.com');
    const first = await api('POST', '/sends', { campaign: 'c1', category: 'newsletter', emails: ['bob@example.com', 'BOB@example.com'] });
    expect(first.body).toMatchObject({ recorded: 1, alreadyRecorded: 0, skipped: [] });
    t.clock.advance(1000);
    const again = await api('POST', '/sends', { campaign: 'c1', category: 'newsletter', emails: ['bob@example.com'] });
    expect(again.body).toMatchObject({ recorded: 0, alreadyRecorded: 1, skipped: [] });
    expect(await t.db.selectFrom('sends').selectAll().execute()).toHaveLength(1);
  });

  it('an exempt category goes to customers (confirmed once), not to an unconfirmed stranger', async () => {
    await confirmed('carol@example.com');
    await t.signup({ email: 'stranger@example.com', categories: ['offers'] });
    const res = await api('POST', '/sends', { campaign: 'order-42', category: 'account', emails: ['carol@example.com', 'stranger@example.com'] });
    expect(res.body).toMatchObject({ recorded: 1, skipped: [{ email: 'stranger@example.com', reason: 'not_customer' }] });
  });

  it('records nothing for a contact withdrawn between the check and the write', async () => {
    const dan = await confirmed('dan@example.com');
    const { atomic } = t.deps;
    t.deps.atomic = async (queries) => {
      t.deps.atomic = atomic;
      await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('contact_id', '=', dan).execute();
      return atomic(queries);
    };
    const res = await api('POST', '/sends', { campaign: 'c2', category: 'newsletter', emails: ['dan@example.com'] });
    expect(res.body).toMatchObject({ recorded: 0, skipped: [{ email: 'dan@example.com', reason: 'withdrawn' }] });
    expect((await t.contact('dan@example.com')).last_sent_at).toBeNull();
  });

  it.each([
    ['an empty campaign', { campaign: '', category: 'newsletter', emails: ['a@example.com'] }, 'campaign'],
    ['a campaign of 101 characters', { campaign: 'x'.repeat(101), category: 'newsletter', emails: ['a@example.com'] }, 'campaign'],
    ['a campaign with a line break', { campaign: 'line\nbreak', category: 'newsletter', emails: ['a@example.com'] }, 'campaign'],
    ['an unknown category', { campaign: 'c', category: 'nope', emails: ['a@example.com'] }, 'category'],
    ['no addresses', { campaign: 'c', category: 'newsletter', emails: [] }, 'emails'],
    ['10,001 addresses', { campaign: 'c', category: 'newsletter', emails: Array.from({ length: 10_001 }, (_, i) => `a${i}@example.com`) }, 'emails'],
  ])('refuses %s, naming the field', async (_label, body, field) => {
    const res = await api('POST', '/sends', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await t.db.selectFrom('sends').selectAll().execute()).toEqual([]);
  });
});

describe('the links API with a campaign', () => {
  it('records the send when the address is eligible, and says so when it is not', async () => {
    await confirmed('erin@example.com');
    const ok = await api('POST', '/contacts/links', { email: 'erin@example.com', category: 'newsletter', campaign: 'welcome-series-1' });
    expect(ok.status).toBe(200);
    expect(ok.body.send).toEqual({ campaign: 'welcome-series-1', recorded: true });
    const no = await api('POST', '/contacts/links', { email: 'erin@example.com', category: 'offers', campaign: 'offers-1' });
    expect(no.body.send).toEqual({ campaign: 'offers-1', recorded: false, reason: 'not_found' });
    expect((await t.db.selectFrom('sends').select('campaign').execute()).map((r) => r.campaign)).toEqual(['welcome-series-1']);
  });

  it('needs a category with a campaign', async () => {
    await confirmed('finn@example.com');
    const res = await api('POST', '/contacts/links', { email: 'finn@example.com', campaign: 'c' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('category');
  });
});

describe('retention holds', () => {
  it('an erased contact that was mailed keeps its evidence, readable in the proof only, until the hold ends', async () => {
    const gina = await confirmed('gina@example.com');
    t.clock.advance(DAY);
    await api('POST', '/sends', { campaign: 'c', category: 'newsletter', emails: ['gina@example.com'] });
    t.clock.advance(DAY);
    expect((await api('DELETE', `/contacts/${gina}`)).status).toBe(200);

    const held = await proofOf(gina);
    expect(held.contact.email).toBe('');
    expect(held.hold).toEqual({ until: '2027-11-02T09:00:00.000Z', reason: expect.stringContaining('Act on Specified Electronic Mail') });
    const confirmedEvent = held.events.find((e: { action: string }) => e.action === 'confirmed');
    expect(confirmedEvent.userAgent).toBe('Confirmer/1');
    // Everywhere else the held evidence stays out of sight.
    const events = (await api('GET', `/contacts/${gina}/events`)).body.events as { userAgent: string | null }[];
    expect(events.every((e) => e.userAgent === null)).toBe(true);

    // The hold runs a year (EVIDENCE_RETENTION's default) from the send, not from the erasure.
    t.clock.advance(363 * DAY);
    expect(await purgeEndedHolds(t.deps)).toBe(0);
    t.clock.advance(DAY);
    expect(await purgeEndedHolds(t.deps)).toBe(1);
    expect(await purgeEndedHolds(t.deps)).toBe(0);
    const after = await proofOf(gina);
    expect(after.hold).toBeNull();
    expect(after.events.every((e: { userAgent: string | null; ip: string | null }) => e.userAgent === null && e.ip === null)).toBe(true);
    // The ledger itself stays, and verifies.
    expect(after.events.length).toBe(held.events.length);
    await sealLedger(t.deps);
    expect((await verifyLedger(t.deps)).ok).toBe(true);
  });

  it('a contact never mailed loses its evidence at once', async () => {
    const hal = await confirmed('hal@example.com');
    await api('DELETE', `/contacts/${hal}`);
    const proof = await proofOf(hal);
    expect(proof.hold).toBeNull();
    expect(proof.events.every((e: { userAgent: string | null }) => e.userAgent === null)).toBe(true);
  });

  it('follows EVIDENCE_RETENTION (default 1y, at least 31 days)', async () => {
    expect(parseConfig(SECRETS).evidenceRetentionSeconds).toBe(365 * 86400);
    expect(parseConfig({ ...SECRETS, EVIDENCE_RETENTION: '31d' }).evidenceRetentionSeconds).toBe(31 * 86400);
    expect(parseConfig({ ...SECRETS, EVIDENCE_RETENTION: '3y' }).evidenceRetentionSeconds).toBe(3 * 365 * 86400);
    expect(() => parseConfig({ ...SECRETS, EVIDENCE_RETENTION: '30d' })).toThrow(/EVIDENCE_RETENTION/);
    t = await makeTestApp({ EVIDENCE_RETENTION: '31d' });
    const ivy = await confirmed('ivy@example.com');
    await api('POST', '/sends', { campaign: 'c', category: 'newsletter', emails: ['ivy@example.com'] });
    await erasePersonalData(t.deps, ivy);
    expect((await proofOf(ivy)).hold.until).toBe('2026-12-02T09:00:00.000Z');
  });

  it('the unconfirmed purge spares a sign-up that was mailed, or had a grant once', async () => {
    await t.signup({ email: 'mailed@example.com', categories: ['offers'] });
    await t.signup({ email: 'granted-once@example.com', categories: ['offers'] });
    await t.signup({ email: 'stale@example.com', categories: ['offers'] });
    await t.deliver();
    // Mailed once (a notice recorded before exempt mail needed a customer): its record is evidence.
    await t.db.updateTable('contacts').set({ last_sent_at: t.clock.now().toISOString() }).where('id', '=', (await t.contact('mailed@example.com')).id).execute();
    const once = (await t.contact('granted-once@example.com')).id;
    await api('POST', '/imports', {
      importId: 'i1',
      items: [{ email: 'granted-once@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-10-01T00:00:00Z' }],
    });
    const links = await api('POST', '/contacts/links', { email: 'granted-once@example.com' });
    await t.request(new URL(links.body.unsubscribeUrl).pathname, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'none' } });
    expect(await t.consents('granted-once@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    t.clock.advance(31 * DAY);
    expect(await purgeUnconfirmedSignups(t.deps)).toBe(1);
    expect((await t.contact('mailed@example.com')).email).toBe('mailed@example.com');
    expect((await t.db.selectFrom('contacts').select('email').where('id', '=', once).executeTakeFirstOrThrow()).email).not.toBe('');
  });

  it('finds ended holds through an index of erased contacts still holding evidence, not by reading every contact', async () => {
    const plans = recordPlans(t.sqlite, (source) => source.includes('"evidence_purged_at" is null'));
    await purgeEndedHolds(t.deps);
    expect(plans).toContain('SEARCH contacts USING INDEX contacts_held_evidence (last_sent_at>? AND last_sent_at<?)');
    expect(plans.some((detail) => detail.startsWith('SCAN contacts'))).toBe(false);
  });
});
