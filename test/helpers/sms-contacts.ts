// Contacts with a mobile number and SMS consents, written through the domain's guarded write
// (changeQueries) as a signup would leave them, before the SMS signup flow exists to make them;
// and the signatures Twilio and a generic gateway put on their inbound webhooks.
import { createHmac } from 'node:crypto';
import type { ConsentStatus, ContactRow } from '../../src/db/schema.ts';
import { forgetSiteContent } from '../../src/db/site-content-cache.ts';
import { changeQueries } from '../../src/domain/consent-change.ts';
import { emailLookupHash } from '../../src/domain/email-address.ts';
import { phoneLookupHash } from '../../src/sms/phone.ts';
import { signedHeaders } from '../../src/webhooks/deliveries.ts';
import { BASE_URL, type TestApp } from './test-app.ts';

export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
export const SMS_INBOUND_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
/** Twilio configured (so /sms/inbound/twilio verifies) and the generic gateway's secret. */
export const SMS_ENV = {
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN,
  TWILIO_FROM: '+15005550006',
  SMS_INBOUND_SECRET,
};

/** Offers these demo categories on SMS as well as email. */
export async function offerOnSms(t: TestApp, keys: readonly string[] = ['newsletter', 'offers'], site = 'demo'): Promise<void> {
  await t.db.updateTable('categories').set({ channels: '["email","sms"]' }).where('site_id', '=', site).where('key', 'in', [...keys]).execute();
  forgetSiteContent(t.db);
}

export interface SmsContactFields {
  phone: string;
  email?: string;
  site?: string;
  locale?: string;
  /** category key -> status on SMS; granted ones come with the wording a signup would point at. */
  sms?: Record<string, ConsentStatus>;
  email_consents?: Record<string, ConsentStatus>;
}

/** A contact with this number (E.164) and these consents, each its own guarded ledger write. */
export async function smsContact(t: TestApp, fields: SmsContactFields): Promise<ContactRow> {
  const { deps, db } = t;
  const site = await db.selectFrom('sites').selectAll().where('id', '=', fields.site ?? 'demo').executeTakeFirstOrThrow();
  const id = deps.newId();
  const now = deps.clock.now().toISOString();
  const email = fields.email ?? '';
  const contact: ContactRow = {
    id,
    site_id: site.id,
    email: await deps.cipher.encrypt(email),
    email_hash: email ? await emailLookupHash(deps.config.lookupKey, email) : `none:${id}`,
    name: null,
    locale: fields.locale ?? 'en',
    confirmed_at: null,
    created_at: now,
    updated_at: now,
    token_epoch: 0,
    erasure_id: null,
    last_sent_at: null,
    evidence_purged_at: null,
    phone: await deps.cipher.encrypt(fields.phone),
    phone_hash: await phoneLookupHash(deps.config.lookupKey, fields.phone),
  };
  await db.insertInto('contacts').values(contact).execute();
  const wording = { sha256: null, policyVersion: site.privacy_policy_version };
  const evidence = { ip: '198.51.100.20', userAgent: 'SignupBrowser/1.0' };
  for (const [channel, consents] of [['sms', fields.sms ?? {}], ['email', fields.email_consents ?? {}]] as const) {
    for (const [key, status] of Object.entries(consents)) {
      const action = status === 'granted' ? 'granted' : status === 'pending' ? 'requested' : 'withdrawn';
      const batch = deps.newId();
      await deps.atomic(
        await changeQueries(deps, { site, contact }, { key, action, status, method: 'signup_form', guard: { notIn: [status] }, channel }, evidence, wording, now, batch),
      );
    }
  }
  return contact;
}

/** category key -> status of one contact on one channel. */
export async function statuses(t: TestApp, contactId: string, channel: 'sms' | 'email' = 'sms'): Promise<Record<string, ConsentStatus>> {
  const rows = await t.db.selectFrom('consents').select(['category_key', 'status']).where('contact_id', '=', contactId).where('channel', '=', channel).orderBy('category_key').execute();
  return Object.fromEntries(rows.map((row) => [row.category_key, row.status]));
}

/** A contact's ledger, each event with its note decrypted. */
export async function smsEvents(t: TestApp, contactId: string) {
  const rows = await t.db
    .selectFrom('consent_events as e')
    .leftJoin('event_evidence as v', 'v.event_id', 'e.id')
    .selectAll('e')
    .select(['v.note as encrypted_note', 'v.ip as encrypted_ip', 'v.user_agent as encrypted_user_agent'])
    .where('e.contact_id', '=', contactId)
    .orderBy('e.id')
    .execute();
  const decrypt = (value: string | null) => (value === null ? null : t.deps.cipher.decrypt(value));
  return Promise.all(
    rows.map(async ({ encrypted_note, encrypted_ip, encrypted_user_agent, ...row }) => ({
      ...row,
      note: await decrypt(encrypted_note),
      ip: await decrypt(encrypted_ip),
      user_agent: await decrypt(encrypted_user_agent),
    })),
  );
}

export const TWILIO_INBOUND_URL = `${BASE_URL}/sms/inbound/twilio`;

/** X-Twilio-Signature as Twilio computes it: base64 HMAC-SHA1 of the URL and each field, sorted, name then value. */
export function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const fields = Object.keys(params)
    .sort()
    .map((name) => name + params[name])
    .join('');
  return createHmac('sha1', token).update(url + fields, 'utf8').digest('base64');
}

let sids = 0;
/** A fresh Twilio message id (SM and 32 hex digits). */
export function newMessageSid(): string {
  return `SM${(++sids).toString(16).padStart(32, '0')}`;
}

/** POSTs an inbound SMS as Twilio does: form-encoded, signed with `token` (null: no signature). */
export function twilioInbound(
  t: TestApp,
  fields: { From: string; Body: string; MessageSid?: string; To?: string },
  token: string | null = TWILIO_AUTH_TOKEN,
) {
  const params: Record<string, string> = {
    ToCountry: 'US',
    To: fields.To ?? SMS_ENV.TWILIO_FROM,
    From: fields.From,
    Body: fields.Body,
    MessageSid: fields.MessageSid ?? newMessageSid(),
    AccountSid: SMS_ENV.TWILIO_ACCOUNT_SID,
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'TwilioProxy/1.1', Origin: 'none' };
  if (token !== null) headers['X-Twilio-Signature'] = twilioSignature(token, TWILIO_INBOUND_URL, params);
  return t.request('/sms/inbound/twilio', { method: 'POST', body: new URLSearchParams(params).toString(), headers });
}

/** POSTs an inbound SMS as a generic gateway does: JSON, Standard Webhooks-signed with `secret`. */
export async function genericInbound(t: TestApp, message: { id: string; from: string; to?: string; text: string }, secret = SMS_INBOUND_SECRET) {
  const body = JSON.stringify({ to: SMS_ENV.TWILIO_FROM, ...message });
  const headers = await signedHeaders(secret, `msg_${message.id}`, t.clock.now(), body);
  return t.request('/sms/inbound/generic', { method: 'POST', body, headers: { ...headers, Origin: 'none' } });
}
