import { beforeEach, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../src/db/schema.ts';
import { changeQueries } from '../../src/domain/consent-change.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { STOP_KEYWORDS } from '../../src/sms/keywords.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  SMS_ENV,
  genericInbound,
  newMessageSid,
  offerOnSms,
  smsContact,
  smsEvents,
  statuses,
  twilioInbound,
} from '../helpers/sms-contacts.ts';

const PHONE = '+819012345678';
const OTHER_PHONE = '+819087654321';
const BOTH_GRANTED = { newsletter: 'granted', offers: 'granted' };
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

let t: TestApp;
let alice: ContactRow;

beforeEach(async () => {
  t = await makeTestApp(SMS_ENV);
  await offerOnSms(t);
  alice = await smsContact(t, { phone: PHONE, email: 'alice@example.com', sms: { newsletter: 'granted', offers: 'granted' }, email_consents: { newsletter: 'granted' } });
});

const summary = async (contact = alice) => (await smsEvents(t, contact.id)).map((e) => `${e.category_key}:${e.channel}:${e.action}:${e.method}`);
const replyOf = (twiml: string) => /<Message>([\s\S]*)<\/Message>/.exec(twiml)?.[1] ?? null;
const eventCount = async () => (await t.db.selectFrom('consent_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

async function ledgerVerifies() {
  await sealLedger(t.deps);
  const report = await verifyLedger(t.deps);
  expect(report.problem).toBeNull();
  expect(report.ok).toBe(true);
}

describe('POST /sms/inbound/twilio: STOP', () => {
  // Every keyword classifyReply knows, and the ones the FCC and Japanese senders name.
  const keywords = [...new Set([...STOP_KEYWORDS, 'ＳＴＯＰ', 'stop', 'Stop.', 'opt out'])];

  it.each(keywords)('"%s" withdraws every SMS consent, leaves email, and answers once without marketing', async (word) => {
    const response = await twilioInbound(t, { From: PHONE, Body: word });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/xml/);
    expect(replyOf(await response.text())).toBe('You will get no more texts from Demo Shop. Reply START to resume.');
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect(await statuses(t, alice.id, 'email')).toEqual({ newsletter: 'granted' });
    const withdrawals = (await smsEvents(t, alice.id)).filter((e) => e.action === 'withdrawn');
    expect(withdrawals.map((e) => [e.category_key, e.channel, e.method, e.note, e.user_agent])).toEqual([
      ['newsletter', 'sms', 'sms_reply', word, 'TwilioProxy/1.1'],
      ['offers', 'sms', 'sms_reply', word, 'TwilioProxy/1.1'],
    ]);
    await ledgerVerifies();
  });

  it('keeps the text encrypted at rest, and queues the consent.withdrawn webhook with method sms_reply', async () => {
    await t.db
      .insertInto('webhook_endpoints')
      .values({ id: 'wh1', site_id: 'demo', url: 'https://hooks.example/x', secret: 'enc', events: '["consent.withdrawn"]', created_at: t.clock.now().toISOString() } as never)
      .execute();
    await twilioInbound(t, { From: PHONE, Body: 'STOP' });
    const notes = await t.db.selectFrom('event_evidence').select('note').where('note', 'is not', null).execute();
    expect(notes.length).toBeGreaterThan(0);
    for (const { note } of notes) expect(note).not.toContain('STOP');
    const deliveries = await t.db.selectFrom('webhook_deliveries').select('payload').execute();
    expect(deliveries.map((d) => JSON.parse(d.payload).data)).toEqual([
      expect.objectContaining({ category: 'newsletter', channel: 'sms', action: 'withdrawn', method: 'sms_reply' }),
      expect.objectContaining({ category: 'offers', channel: 'sms', action: 'withdrawn', method: 'sms_reply' }),
    ]);
  });

  it('withdraws a pending SMS consent too, spends its open code and cancels the texts queued to it', async () => {
    const bob = await smsContact(t, { phone: OTHER_PHONE, sms: { offers: 'pending' } });
    const now = t.clock.now().toISOString();
    await t.db
      .insertInto('sms_codes')
      .values({ id: 'code1', site_id: 'demo', contact_id: bob.id, number_hash: 'h', code_hash: 'c', categories: '["offers"]', created_at: now, expires_at: now })
      .execute();
    await t.db
      .insertInto('sms_outbox')
      .values({ id: 'out1', site_id: 'demo', contact_id: bob.id, kind: 'verification', to_number: 'x', number_hash: 'h', body: 'code', status: 'queued', next_attempt_at: now, expires_at: null, in_doubt_since: null, last_error: null, provider_id: null, created_at: now, sent_at: null })
      .execute();
    await twilioInbound(t, { From: OTHER_PHONE, Body: 'STOP' });
    expect(await statuses(t, bob.id)).toEqual({ offers: 'withdrawn' });
    expect((await t.db.selectFrom('sms_codes').select('spent_at').executeTakeFirstOrThrow()).spent_at).toBe(now);
    expect(await t.db.selectFrom('sms_outbox').select(['status', 'last_error']).executeTakeFirstOrThrow()).toEqual({ status: 'failed', last_error: 'stopped by reply' });
    expect(await t.deliverSms()).toEqual([]);
  });

  it('stops SMS at every site where the number is a contact, and answers once naming each', async () => {
    await t.db.insertInto('sites').values({ ...(await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow()), id: 'cafe', name: 'Cafe Kumo' }).execute();
    await t.db.insertInto('categories').values({ site_id: 'cafe', key: 'news', kind: 'opt_in', position: 0, created_at: t.clock.now().toISOString(), channels: '["sms"]' }).execute();
    t.clock.advance(60_000);
    const atCafe = await smsContact(t, { phone: PHONE, site: 'cafe', sms: { news: 'granted' } });
    const response = await twilioInbound(t, { From: PHONE, Body: 'STOP' });
    expect(replyOf(await response.text())).toBe('You will get no more texts from Demo Shop, Cafe Kumo. Reply START to resume.');
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect(await statuses(t, atCafe.id)).toEqual({ news: 'withdrawn' });
  });

  it('answers in Japanese to a Japanese contact', async () => {
    const kenji = await smsContact(t, { phone: OTHER_PHONE, locale: 'ja', sms: { offers: 'granted' } });
    const response = await twilioInbound(t, { From: OTHER_PHONE, Body: '配信停止' });
    expect(replyOf(await response.text())).toBe('Demo ShopからのSMSの配信を停止しました。再開するには「START」と返信してください。');
    expect(await statuses(t, kenji.id)).toEqual({ offers: 'withdrawn' });
  });

  it('records a STOP that found nothing left to stop as a reply, with its text', async () => {
    await twilioInbound(t, { From: PHONE, Body: 'STOP' });
    const again = await twilioInbound(t, { From: PHONE, Body: 'STOP!!' });
    expect(replyOf(await again.text())).toContain('no more texts');
    expect((await smsEvents(t, alice.id)).at(-1)).toMatchObject({ category_key: '*', channel: 'sms', action: 'replied', method: 'sms_reply', note: 'STOP!!' });
    await ledgerVerifies();
  });

  it('leaves no granted SMS consent when a confirmation races it, whichever lands first', async () => {
    const site = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
    for (const confirmFirst of [true, false]) {
      const phone = confirmFirst ? '+819011112222' : '+819033334444';
      const contact = await smsContact(t, { phone, sms: { offers: 'pending' } });
      // What a code confirmation writes: pending -> granted, guarded by the status.
      const confirm = async () =>
        t.deps.atomic(
          await changeQueries(t.deps, { site, contact }, { key: 'offers', action: 'confirmed', status: 'granted', method: 'sms_code', guard: { in: ['pending'] }, channel: 'sms' }, { ip: null, userAgent: null }, { sha256: null, policyVersion: null }, t.clock.now().toISOString(), t.deps.newId()),
        );
      const stop = () => twilioInbound(t, { From: phone, Body: 'STOP' });
      if (confirmFirst) await Promise.all([confirm(), stop()]);
      else await Promise.all([stop(), confirm()]);
      expect(await statuses(t, contact.id)).toEqual({ offers: 'withdrawn' });
    }
  });
});

describe('POST /sms/inbound/twilio: the signature', () => {
  it('refuses a wrong or missing signature with 403, and nothing changes', async () => {
    for (const token of ['not-the-auth-token-0123456789', null]) {
      const response = await twilioInbound(t, { From: PHONE, Body: 'STOP' }, token);
      expect(response.status).toBe(403);
    }
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
    expect(await t.db.selectFrom('sms_inbound').selectAll().execute()).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    const params = { From: PHONE, Body: 'HELLO', MessageSid: newMessageSid() };
    const signed = await twilioInbound(t, params);
    expect(signed.status).toBe(200);
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'bm90IGEgc2lnbmF0dXJl', Origin: 'none' };
    const forged = await t.request('/sms/inbound/twilio', { method: 'POST', body: new URLSearchParams({ ...params, Body: 'STOP' }).toString(), headers });
    expect(forged.status).toBe(403);
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
  });

  it('is 403 for everyone when Twilio is not configured', async () => {
    t = await makeTestApp();
    expect((await twilioInbound(t, { From: PHONE, Body: 'STOP' })).status).toBe(403);
  });

  it('needs no Origin and no CSRF token (a provider posts it), and is not cached', async () => {
    const response = await twilioInbound(t, { From: PHONE, Body: 'HELP' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });
});

describe('POST /sms/inbound/twilio: START, HELP and other replies', () => {
  it('START gives back exactly what the latest STOP by reply took, as resubscribed', async () => {
    // offers stops by link before the STOP: START must not bring it back.
    const site = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
    await t.deps.atomic(
      await changeQueries(t.deps, { site, contact: alice }, { key: 'offers', action: 'withdrawn', status: 'withdrawn', method: 'sms_link', guard: { in: ['granted'] }, channel: 'sms' }, { ip: null, userAgent: null }, { sha256: null, policyVersion: null }, t.clock.now().toISOString(), t.deps.newId()),
    );
    t.clock.advance(60_000);
    await twilioInbound(t, { From: PHONE, Body: 'STOP' });
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    t.clock.advance(60_000);
    const response = await twilioInbound(t, { From: PHONE, Body: 'start' });
    expect(replyOf(await response.text())).toBe('You will get texts from Demo Shop again. Reply STOP to stop.');
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect((await smsEvents(t, alice.id)).at(-1)).toMatchObject({ category_key: 'newsletter', channel: 'sms', action: 'resubscribed', method: 'sms_reply', note: 'start', policy_version: '2026-01' });
    // A second START has nothing left to resume: recorded, not answered.
    const again = await twilioInbound(t, { From: PHONE, Body: 'START' });
    expect(await again.text()).toBe(EMPTY_TWIML);
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    expect((await summary()).slice(-3)).toEqual(['newsletter:sms:withdrawn:sms_reply', 'newsletter:sms:resubscribed:sms_reply', '*:sms:replied:sms_reply']);
    await ledgerVerifies();
  });

  it('START does not grant what was only pending before the STOP', async () => {
    const bob = await smsContact(t, { phone: OTHER_PHONE, sms: { offers: 'pending', newsletter: 'granted' } });
    await twilioInbound(t, { From: OTHER_PHONE, Body: 'STOP' });
    await twilioInbound(t, { From: OTHER_PHONE, Body: 'START' });
    expect(await statuses(t, bob.id)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('START after a later signup changed a category leaves that category alone', async () => {
    await twilioInbound(t, { From: PHONE, Body: 'STOP' });
    const site = await t.db.selectFrom('sites').selectAll().where('id', '=', 'demo').executeTakeFirstOrThrow();
    await t.deps.atomic(
      await changeQueries(t.deps, { site, contact: alice }, { key: 'offers', action: 'requested', status: 'pending', method: 'signup_form', guard: { notIn: ['granted'] }, channel: 'sms' }, { ip: null, userAgent: null }, { sha256: null, policyVersion: null }, t.clock.now().toISOString(), t.deps.newId()),
    );
    await twilioInbound(t, { From: PHONE, Body: 'START' });
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('HELP answers with the sender’s legal name, its inquiry contact and how to stop, and records a reply', async () => {
    const response = await twilioInbound(t, { From: PHONE, Body: 'help' });
    expect(replyOf(await response.text())).toBe('Demo Shop K.K., inquiries: privacy@example.com. Reply STOP to stop texts.');
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
    expect((await smsEvents(t, alice.id)).at(-1)).toMatchObject({ category_key: '*', channel: 'sms', action: 'replied', method: 'sms_reply', note: 'help' });
    await ledgerVerifies();
  });

  it('escapes the answer as XML', async () => {
    await t.db.updateTable('sites').set({ legal_name: 'Tom & Jerry <K.K.>' }).where('id', '=', 'demo').execute();
    const { forgetSiteContent } = await import('../../src/db/site-content-cache.ts');
    forgetSiteContent(t.db);
    const response = await twilioInbound(t, { From: PHONE, Body: 'HELP' });
    expect(await response.text()).toContain('<Message>Tom &amp; Jerry &lt;K.K.&gt;, inquiries: privacy@example.com. Reply STOP to stop texts.</Message>');
  });

  it('anything else changes nothing and gets no answer, but is recorded with its text', async () => {
    const text = 'please stop sending me offers';
    const response = await twilioInbound(t, { From: PHONE, Body: text });
    expect(await response.text()).toBe(EMPTY_TWIML);
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
    expect((await smsEvents(t, alice.id)).at(-1)).toMatchObject({ category_key: '*', channel: 'sms', action: 'replied', note: text });
  });

  it('an unknown number gets 200 and no answer, and nothing is recorded', async () => {
    const before = await eventCount();
    for (const body of ['STOP', 'HELP', 'hello']) {
      const response = await twilioInbound(t, { From: '+819055556666', Body: body });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(EMPTY_TWIML);
    }
    expect(await eventCount()).toBe(before);
    expect(await t.db.selectFrom('sms_inbound').selectAll().execute()).toEqual([]);
  });

  it('the same MessageSid delivered twice changes nothing the second time, nor answers again', async () => {
    const MessageSid = newMessageSid();
    const first = await twilioInbound(t, { From: PHONE, Body: 'HELP', MessageSid });
    expect(replyOf(await first.text())).not.toBeNull();
    const before = await summary();
    const second = await twilioInbound(t, { From: PHONE, Body: 'HELP', MessageSid });
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(EMPTY_TWIML);
    expect(await summary()).toEqual(before);
    // A STOP delivered twice at once: withdrawn once, one answer.
    const stopSid = newMessageSid();
    const answers = await Promise.all([1, 2, 3].map(() => Promise.resolve(twilioInbound(t, { From: PHONE, Body: 'STOP', MessageSid: stopSid })).then((r) => r.text())));
    expect(answers.filter((text) => replyOf(text) !== null)).toHaveLength(1);
    expect((await summary()).filter((line) => line.includes('withdrawn'))).toHaveLength(2);
  });

  it('an old STOP delivered again after a START does not stop anything again', async () => {
    const MessageSid = newMessageSid();
    await twilioInbound(t, { From: PHONE, Body: 'STOP', MessageSid });
    await twilioInbound(t, { From: PHONE, Body: 'START' });
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
    const before = await summary();
    const again = await twilioInbound(t, { From: PHONE, Body: 'STOP', MessageSid });
    expect(await again.text()).toBe(EMPTY_TWIML);
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
    expect(await summary()).toEqual(before);
  });
});

describe('POST /sms/inbound/generic', () => {
  it('acts on a validly signed JSON message and answers in JSON', async () => {
    const response = await genericInbound(t, { id: 'gw-1', from: PHONE, text: 'ストップ' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reply: 'You will get no more texts from Demo Shop. Reply START to resume.' });
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect((await smsEvents(t, alice.id)).at(-1)).toMatchObject({ channel: 'sms', action: 'withdrawn', method: 'sms_reply', note: 'ストップ' });
    const other = await genericInbound(t, { id: 'gw-2', from: PHONE, text: 'thanks' });
    expect(await other.json()).toEqual({ reply: null });
    // The same id again: nothing changes.
    const before = await summary();
    expect(await (await genericInbound(t, { id: 'gw-2', from: PHONE, text: 'thanks' })).json()).toEqual({ reply: null });
    expect(await summary()).toEqual(before);
  });

  it('refuses a wrong secret, a stale timestamp and an altered body with 403, and nothing changes', async () => {
    const wrong = await genericInbound(t, { id: 'gw-3', from: PHONE, text: 'STOP' }, `whsec_${Buffer.alloc(32, 9).toString('base64')}`);
    expect(wrong.status).toBe(403);
    const body = JSON.stringify({ id: 'gw-4', from: PHONE, text: 'STOP' });
    const { signedHeaders } = await import('../../src/webhooks/deliveries.ts');
    const stale = await signedHeaders(SMS_ENV.SMS_INBOUND_SECRET, 'msg_4', new Date(t.clock.now().getTime() - 10 * 60_000), body);
    expect((await t.request('/sms/inbound/generic', { method: 'POST', body, headers: { ...stale, Origin: 'none' } })).status).toBe(403);
    const fresh = await signedHeaders(SMS_ENV.SMS_INBOUND_SECRET, 'msg_5', t.clock.now(), body);
    const altered = body.replace('STOP', 'HELP');
    expect((await t.request('/sms/inbound/generic', { method: 'POST', body: altered, headers: { ...fresh, Origin: 'none' } })).status).toBe(403);
    expect((await t.request('/sms/inbound/generic', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })).status).toBe(403);
    expect(await statuses(t, alice.id)).toEqual(BOTH_GRANTED);
  });

  it('is 403 when SMS_INBOUND_SECRET is unset', async () => {
    t = await makeTestApp();
    expect((await genericInbound(t, { id: 'gw-6', from: PHONE, text: 'STOP' })).status).toBe(403);
  });

  it('answers 400 to a signed body that is not the expected JSON', async () => {
    const response = await genericInbound(t, { id: 'gw-7', from: PHONE, text: 'x'.repeat(1601) });
    expect(response.status).toBe(400);
  });
});
