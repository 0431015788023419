// Imports of consents to text messages: items with a mobile number (E.164) and "channel": "sms"
// find or create their contact by the number's keyed hash (a contact known by its number alone
// when no one has it), are granted on channel sms with their evidence, and follow the rules
// email imports follow, per channel: replayed by importId, a later withdrawal wins, erased
// refused, all or nothing with every bad item named by field.
import { beforeEach, describe, expect, it } from 'vitest';
import { emailLookupHash } from '../../src/domain/email-address.ts';
import { phoneLookupHash } from '../../src/sms/phone.ts';
import { smsContact, smsEvents, statuses } from '../helpers/sms-contacts.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const api = async (method: string, path: string, body?: unknown) => {
  const res = await t.request(`/api/v1/sites/demo${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const count = (table: 'consent_events' | 'contacts' | 'imports' | 'consents' | 'consent_texts') =>
  t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
const written = () => Promise.all([count('consent_events'), count('contacts'), count('imports'), count('consents'), count('consent_texts')]);
const byPhone = async (phone: string) =>
  t.db.selectFrom('contacts').selectAll().where('phone_hash', '=', await phoneLookupHash(t.config.lookupKey, phone)).executeTakeFirstOrThrow();

const ALICE = '+819012345678';
const BOB = '+819087654321';

const smsItem = (phone: string | undefined, extra: Record<string, unknown> = {}) => ({
  ...(phone === undefined ? {} : { phone }),
  channel: 'sms',
  categories: ['offers'],
  method: 'in_store',
  occurredAt: '2026-10-01T09:00:00+09:00',
  evidence: 'Signed slip #77, kept at the Shibuya shop',
  consentText: 'Yes, send me offers by text message. I can reply STOP at any time.',
  ...extra,
});

beforeEach(async () => {
  t = await makeTestApp();
  expect((await api('PATCH', '/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
  expect((await api('PATCH', '', { defaultCountry: 'JP' })).status).toBe(200);
});

describe('POST /api/v1/sites/{site}/imports with channel sms', () => {
  it('creates contacts known by their number alone, granted on SMS with the evidence, the method and the actor', async () => {
    const res = await api('POST', '/imports', { importId: 'shop-sms-1', items: [smsItem(ALICE), smsItem(BOB, { method: 'event', locale: 'ja' })] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ importId: 'shop-sms-1', replayed: false, granted: 2, skipped: 0, refused: 0 });

    const alice = await byPhone(ALICE);
    expect(res.body.items[0]).toEqual({ index: 0, status: 'imported', contactId: alice.id, categories: [{ category: 'offers', status: 'granted' }] });
    // No address: the encryption of an empty one and a hash no address has, as an SMS signup stores it.
    expect(await t.deps.cipher.decrypt(alice.email)).toBe('');
    expect(alice.email).not.toBe('');
    expect(alice.email_hash).toBe(`none:${alice.id}`);
    expect(await t.deps.cipher.decrypt(alice.phone!)).toBe(ALICE);
    expect(alice.confirmed_at).toBeNull();
    expect(await statuses(t, alice.id, 'sms')).toEqual({ offers: 'granted' });
    expect(await statuses(t, alice.id, 'email')).toEqual({});

    const [event, ...more] = await smsEvents(t, alice.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      category_key: 'offers',
      channel: 'sms',
      action: 'granted',
      method: 'in_store',
      occurred_at: '2026-10-01T00:00:00.000Z',
      actor: 'api_key:admin',
      note: 'Signed slip #77, kept at the Shibuya shop',
      basis: 'express',
    });
    const wording = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', event!.consent_text_sha256!).executeTakeFirstOrThrow();
    expect(wording.text).toBe('Yes, send me offers by text message. I can reply STOP at any time.');
    const bob = await byPhone(BOB);
    expect(bob.locale).toBe('ja');
    expect((await smsEvents(t, bob.id)).map((e) => [e.channel, e.action, e.method])).toEqual([['sms', 'granted', 'event']]);

    // The API finds the contact by its number, and its texts are eligible now.
    const found = await api('POST', '/contacts/lookup', { phone: ALICE });
    expect(found.body.contact).toMatchObject({ id: alice.id, email: '', phone: ALICE, consents: [{ category: 'offers', channel: 'sms', status: 'granted' }] });
    const eligible = await api('POST', '/eligibility', { category: 'offers', channel: 'sms', phones: [ALICE, BOB] });
    expect(eligible.body.results).toEqual([
      { phone: ALICE, eligible: true },
      { phone: BOB, eligible: true },
    ]);
  });

  it('ties an address and a number in one item to one contact, and grants only the channel the item names', async () => {
    // carol has an address already; her number joins her contact, and only SMS is granted.
    await api('POST', '/imports', {
      importId: 'carol-email',
      items: [{ email: 'carol@example.com', categories: ['newsletter'], method: 'web_form', occurredAt: '2026-09-01T00:00:00Z' }],
    });
    const res = await api('POST', '/imports', {
      importId: 'mixed',
      items: [
        smsItem(ALICE, { email: 'carol@example.com' }),
        // dave is new: one contact with both, granted by email (the default channel); the number rides along.
        { email: 'dave@example.com', phone: BOB, categories: ['offers'], method: 'web_form', occurredAt: '2026-10-02T00:00:00Z' },
      ],
    });
    expect(res.status).toBe(201);
    const carol = await t.contact('carol@example.com');
    expect(await t.deps.cipher.decrypt(carol.phone!)).toBe(ALICE);
    expect(res.body.items[0].contactId).toBe(carol.id);
    expect(await statuses(t, carol.id, 'email')).toEqual({ newsletter: 'granted' });
    expect(await statuses(t, carol.id, 'sms')).toEqual({ offers: 'granted' });
    const dave = await t.contact('dave@example.com');
    expect(dave.phone_hash).toBe(await phoneLookupHash(t.config.lookupKey, BOB));
    expect(await statuses(t, dave.id, 'email')).toEqual({ offers: 'granted' });
    expect(await statuses(t, dave.id, 'sms')).toEqual({});

    // A number-only contact gets its address from an item that names both.
    await api('POST', '/imports', { importId: 'erin-sms', items: [smsItem('+818012345678')] });
    const erin = await byPhone('+818012345678');
    const both = await api('POST', '/imports', {
      importId: 'erin-email',
      items: [{ email: 'erin@example.com', phone: '+818012345678', categories: ['newsletter'], method: 'web_form', occurredAt: '2026-10-03T00:00:00Z' }],
    });
    expect(both.body.items[0].contactId).toBe(erin.id);
    const after = await t.contact('erin@example.com');
    expect(after.id).toBe(erin.id);
    expect(after.email_hash).toBe(await emailLookupHash(t.config.lookupKey, 'erin@example.com'));
    expect(await statuses(t, erin.id, 'sms')).toEqual({ offers: 'granted' });
    expect(await statuses(t, erin.id, 'email')).toEqual({ newsletter: 'granted' });
  });

  it('replays the same importId without writing anything', async () => {
    const body = { importId: 'once', items: [smsItem(ALICE), smsItem(ALICE, { categories: ['offers'], occurredAt: '2026-10-02T00:00:00Z' })] };
    const first = await api('POST', '/imports', body);
    expect(first.status).toBe(201);
    // The second item names the same number: one contact, already granted by the first.
    expect(first.body).toMatchObject({ granted: 1, skipped: 1 });
    expect(first.body.items[1].categories).toEqual([{ category: 'offers', status: 'skipped', reason: 'already_granted' }]);
    const before = await written();
    const again = await api('POST', '/imports', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await written()).toEqual(before);
    // A new import id for the same consent: already granted, nothing new in the ledger.
    const later = await api('POST', '/imports', { ...body, importId: 'twice' });
    expect(later.body).toMatchObject({ granted: 0, skipped: 2 });
    expect((await smsEvents(t, (await byPhone(ALICE)).id)).length).toBe(1);
  });

  it('skips a category withdrawn on SMS after the item’s date, while a withdrawal by email does not count for texts', async () => {
    // Withdrawn by SMS now (2026-11-01); an email consent withdrawn now too.
    const alice = await smsContact(t, { phone: ALICE, sms: { offers: 'withdrawn' } });
    const bob = await smsContact(t, { phone: BOB, email: 'bob@example.com', email_consents: { offers: 'withdrawn' } });
    const res = await api('POST', '/imports', { importId: 'late', items: [smsItem(ALICE), smsItem(BOB)] });
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([
      { index: 0, status: 'imported', contactId: alice.id, categories: [{ category: 'offers', status: 'skipped', reason: 'withdrawn_later' }] },
      { index: 1, status: 'imported', contactId: bob.id, categories: [{ category: 'offers', status: 'granted' }] },
    ]);
    expect(await statuses(t, alice.id, 'sms')).toEqual({ offers: 'withdrawn' });
    expect(await statuses(t, bob.id, 'sms')).toEqual({ offers: 'granted' });
    expect(await statuses(t, bob.id, 'email')).toEqual({ offers: 'withdrawn' });
    // Consent given after the withdrawal is imported.
    t.clock.advance(60_000);
    const after = await api('POST', '/imports', { importId: 'after', items: [smsItem(ALICE, { occurredAt: '2026-11-01T09:00:01Z' })] });
    expect(after.body.items[0].categories).toEqual([{ category: 'offers', status: 'granted' }]);
    expect(await statuses(t, alice.id, 'sms')).toEqual({ offers: 'granted' });
  });

  it('refuses an item whose address was erased, whichever channel it names', async () => {
    await api('POST', '/imports', { importId: 'gone-1', items: [{ email: 'gone@example.com', categories: ['offers'], method: 'web_form', occurredAt: '2026-09-01T00:00:00Z' }] });
    const gone = await t.contact('gone@example.com');
    expect((await api('DELETE', `/contacts/${gone.id}`)).status).toBe(200);
    const res = await api('POST', '/imports', { importId: 'gone-2', items: [smsItem(ALICE, { email: 'gone@example.com' })] });
    expect(res.body).toMatchObject({ granted: 0, refused: 1, items: [{ index: 0, status: 'refused', reason: 'erased' }] });
    expect(await t.db.selectFrom('contacts').select('id').where('phone_hash', '=', await phoneLookupHash(t.config.lookupKey, ALICE)).execute()).toEqual([]);
  });

  it('names every bad item by field and writes nothing', async () => {
    await smsContact(t, { phone: BOB, email: 'bob@example.com' });
    await smsContact(t, { phone: '+817012345678', email: 'frank@example.com' });
    const before = await written();
    const res = await api('POST', '/imports', {
      importId: 'bad-sms',
      items: [
        smsItem('+818011112222'),
        smsItem('090-1234-5678'),
        smsItem(ALICE, { categories: ['offers', 'newsletter'] }),
        smsItem(undefined),
        smsItem(undefined, { email: 'no-number@example.com' }),
        { phone: ALICE, categories: ['offers'], method: 'web_form', occurredAt: '2026-10-01T00:00:00Z' },
        smsItem('+81312345678'),
        smsItem('+817012345678', { email: 'bob@example.com' }),
        smsItem('+818099998888', { email: 'frank@example.com' }),
      ],
    });
    expect(res.status).toBe(400);
    const details = res.body.error.details as { path: string; message: string }[];
    expect(details).toEqual([
      { path: 'items.1.phone', message: 'Not a number in E.164 (a "+", the country code and the number, no spaces), e.g. +819012345678.' },
      { path: 'items.2.categories.1', message: '"newsletter" is not offered by SMS on this site.' },
      { path: 'items.3.phone', message: 'Neither an email address (email) nor a mobile number (phone): give one of them, or both.' },
      { path: 'items.4.phone', message: 'Required for channel "sms": the mobile number in E.164, e.g. +819012345678.' },
      { path: 'items.5.email', message: 'Required for channel "email" (the default): the address. For text messages to the number, give "channel": "sms".' },
      { path: 'items.6.phone', message: 'Not a mobile number: a text message cannot reach it.' },
      { path: 'items.7.phone', message: 'This number is another contact’s than the address’s.' },
      { path: 'items.8.phone', message: 'The contact of this address has another number.' },
    ]);
    expect(res.body.error.message).toBe('Some items are not valid; see details. Nothing was imported.');
    expect(await written()).toEqual(before);

    // The schema's own limits are per item and field too.
    const tooLong = await api('POST', '/imports', { importId: 'bad-2', items: [smsItem('+8'.padEnd(41, '1')), smsItem(ALICE, { channel: 'fax' })] });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.map((d: { path: string }) => d.path)).toEqual(['items.0.phone', 'items.1.channel']);
    expect(await written()).toEqual(before);
  });

  it('refuses two items that tie one number to two addresses in the same import', async () => {
    const before = await written();
    const res = await api('POST', '/imports', {
      importId: 'split',
      items: [smsItem(ALICE, { email: 'one@example.com' }), smsItem(ALICE, { email: 'two@example.com' })],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'items.1.email', message: 'The contact of this number has another address.' }]);
    expect(await written()).toEqual(before);
  });
});
