// Sends of text messages: POST /sites/{site}/sends with "channel": "sms" and `phones` records a
// campaign for the numbers eligible by their SMS consent (checkSmsEligibility), on channel sms,
// and starts the contact's evidence hold as an email send does; every other number is named
// with its reason, and nothing is recorded for one withdrawn before the write.
import { beforeEach, describe, expect, it } from 'vitest';
import { phoneLookupHash } from '../../src/sms/phone.ts';
import { smsContact } from '../helpers/sms-contacts.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const api = async (method: string, path: string, body?: unknown) => {
  const res = await t.request(`/api/v1/sites/demo${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const sends = () => t.db.selectFrom('sends').select(['campaign', 'contact_id', 'category_key', 'channel', 'sent_at', 'recorded_by']).orderBy('id').execute();
const contactOf = async (phone: string) =>
  t.db.selectFrom('contacts').selectAll().where('phone_hash', '=', await phoneLookupHash(t.config.lookupKey, phone)).executeTakeFirstOrThrow();

const GRANTED = '+819012345678';
const WITHDRAWN = '+819087654321';
const PENDING = '+818012345678';
const EMAIL_ONLY = '+817012345678';
const UNKNOWN = '+819011112222';

/** Consent to texts imported through the API, as a shop would record its paper slips. */
async function importSms(phone: string, categories = ['offers'], email?: string) {
  const res = await api('POST', '/imports', {
    importId: `sms-${phone}`,
    items: [{ phone, ...(email ? { email } : {}), channel: 'sms', categories, method: 'web_form', occurredAt: '2026-10-01T00:00:00Z' }],
  });
  expect(res.status).toBe(201);
  return (await contactOf(phone)).id;
}

beforeEach(async () => {
  t = await makeTestApp();
  expect((await api('PATCH', '/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
  expect((await api('PATCH', '', { defaultCountry: 'JP' })).status).toBe(200);
});

describe('POST /api/v1/sites/{site}/sends with channel sms', () => {
  it('records the campaign for the numbers eligible for texts only, and says why not for the others', async () => {
    const granted = await importSms(GRANTED);
    await smsContact(t, { phone: WITHDRAWN, sms: { offers: 'withdrawn' } });
    await smsContact(t, { phone: PENDING, sms: { offers: 'pending' } });
    // Granted by email only: no SMS consent for the number at all.
    await smsContact(t, { phone: EMAIL_ONLY, email: 'emailonly@example.com', email_consents: { offers: 'granted' } });
    t.clock.advance(60_000);
    const res = await api('POST', '/sends', {
      campaign: '2026-12-sale',
      category: 'offers',
      channel: 'sms',
      phones: [GRANTED, WITHDRAWN, PENDING, EMAIL_ONLY, UNKNOWN, '090-1234-5678'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      campaign: '2026-12-sale',
      category: 'offers',
      channel: 'sms',
      recorded: 1,
      alreadyRecorded: 0,
      skipped: [
        { phone: WITHDRAWN, reason: 'withdrawn' },
        { phone: PENDING, reason: 'pending' },
        { phone: EMAIL_ONLY, reason: 'not_found' },
        { phone: UNKNOWN, reason: 'not_found' },
        { phone: '090-1234-5678', reason: 'invalid' },
      ],
    });
    expect(await sends()).toEqual([
      { campaign: '2026-12-sale', contact_id: granted, category_key: 'offers', channel: 'sms', sent_at: '2026-11-01T09:01:00.000Z', recorded_by: 'api_key:admin' },
    ]);
    // The hold's clock runs from the send, as for email.
    expect((await contactOf(GRANTED)).last_sent_at).toBe('2026-11-01T09:01:00.000Z');
    expect((await contactOf(WITHDRAWN)).last_sent_at).toBeNull();
    const proof = (await api('GET', `/contacts/${granted}/proof`)).body;
    expect(proof.sends).toEqual([{ campaign: '2026-12-sale', category: 'offers', channel: 'sms', sentAt: '2026-11-01T09:01:00.000Z' }]);
    // The audit row names the contact the send was recorded for.
    const audit = (await (await t.request('/api/v1/audit', { headers: auth })).json()) as { entries: { route: string; contactIds: string[] }[] };
    expect(audit.entries.find((entry) => entry.route.endsWith('/sends'))!.contactIds).toEqual([granted]);
  });

  it('records a campaign once per contact, category and channel: a repeat records nothing, an email send of it is its own', async () => {
    const both = await importSms(GRANTED, ['offers'], 'both@example.com');
    await api('POST', '/imports', { importId: 'email', items: [{ email: 'both@example.com', categories: ['offers'], method: 'web_form', occurredAt: '2026-10-01T00:00:00Z' }] });
    const first = await api('POST', '/sends', { campaign: 'c1', category: 'offers', channel: 'sms', phones: [GRANTED, GRANTED] });
    expect(first.body).toMatchObject({ recorded: 1, alreadyRecorded: 0, skipped: [] });
    t.clock.advance(1000);
    const again = await api('POST', '/sends', { campaign: 'c1', category: 'offers', channel: 'sms', phones: [GRANTED] });
    expect(again.body).toMatchObject({ recorded: 0, alreadyRecorded: 1, skipped: [] });
    const byEmail = await api('POST', '/sends', { campaign: 'c1', category: 'offers', emails: ['both@example.com'] });
    expect(byEmail.body).toEqual({ campaign: 'c1', category: 'offers', recorded: 1, alreadyRecorded: 0, skipped: [] });
    expect((await sends()).map((s) => [s.contact_id, s.channel, s.sent_at])).toEqual([
      [both, 'sms', '2026-11-01T09:00:00.000Z'],
      [both, 'email', '2026-11-01T09:00:01.000Z'],
    ]);
    expect((await contactOf(GRANTED)).last_sent_at).toBe('2026-11-01T09:00:01.000Z');
  });

  it('records nothing for a number withdrawn between the check and the write, nor for an erased contact', async () => {
    const dan = await importSms(GRANTED);
    const erin = await importSms(WITHDRAWN);
    expect((await api('DELETE', `/contacts/${erin}`)).status).toBe(200);
    const { atomic } = t.deps;
    t.deps.atomic = async (queries) => {
      t.deps.atomic = atomic;
      await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('contact_id', '=', dan).where('channel', '=', 'sms').execute();
      return atomic(queries);
    };
    const res = await api('POST', '/sends', { campaign: 'c2', category: 'offers', channel: 'sms', phones: [GRANTED, WITHDRAWN] });
    expect(res.body).toMatchObject({
      recorded: 0,
      skipped: [
        // An erased contact's number is forgotten: nobody has it now.
        { phone: WITHDRAWN, reason: 'not_found' },
        { phone: GRANTED, reason: 'withdrawn' },
      ],
    });
    expect(await sends()).toEqual([]);
    expect((await contactOf(GRANTED)).last_sent_at).toBeNull();
  });

  it('an exempt category goes by text to customers only', async () => {
    await importSms(GRANTED);
    const res = await api('POST', '/sends', { campaign: 'order-42', category: 'account', channel: 'sms', phones: [GRANTED] });
    // Imported with an express basis, never confirmed: not a customer.
    expect(res.body).toMatchObject({ recorded: 0, skipped: [{ phone: GRANTED, reason: 'not_customer' }] });
  });

  it.each([
    ['numbers without channel sms', { campaign: 'c', category: 'offers', phones: [GRANTED] }, 'channel'],
    ['addresses with channel sms', { campaign: 'c', category: 'offers', channel: 'sms', emails: ['a@example.com'] }, 'channel'],
    ['both lists', { campaign: 'c', category: 'offers', channel: 'sms', phones: [GRANTED], emails: ['a@example.com'] }, 'channel'],
    ['no numbers', { campaign: 'c', category: 'offers', channel: 'sms', phones: [] }, 'phones'],
    ['10,001 numbers', { campaign: 'c', category: 'offers', channel: 'sms', phones: Array.from({ length: 10_001 }, (_, i) => `+8190${String(i).padStart(8, '0')}`) }, 'phones'],
    ['an unknown channel', { campaign: 'c', category: 'offers', channel: 'fax', phones: [GRANTED] }, 'channel'],
  ])('refuses %s, naming the field', async (_label, body, field) => {
    await importSms(GRANTED);
    const res = await api('POST', '/sends', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await sends()).toEqual([]);
  });
});
