import { beforeEach, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../src/db/schema.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { manageUrl } from '../../src/domain/links.ts';
import { optOutLink, smsOptOutLine } from '../../src/domain/sms-opt-out.ts';
import { BASE_URL, TEST_IP, makeTestApp, type TestApp } from '../helpers/test-app.ts';
import { SMS_ENV, offerOnSms, smsContact, smsEvents, statuses, twilioInbound } from '../helpers/sms-contacts.ts';

const PHONE = '+819012345678';
let t: TestApp;
let alice: ContactRow;

beforeEach(async () => {
  t = await makeTestApp(SMS_ENV);
  await offerOnSms(t);
  alice = await smsContact(t, { phone: PHONE, email: 'alice@example.com', sms: { newsletter: 'granted', offers: 'granted' }, email_consents: { newsletter: 'granted', offers: 'granted' } });
});

/** The link's path, its code written as the batch that sends the SMS would write it. */
async function linkPath(contact = alice, scope?: string): Promise<string> {
  const link = await optOutLink(t.deps, { siteId: contact.site_id, contactId: contact.id }, scope);
  await t.deps.atomic(link.queries);
  return link.url.slice(BASE_URL.length);
}

const press = (path: string, headers: Record<string, string> = {}) =>
  t.request(path, { method: 'POST', body: new URLSearchParams({ page_lang: 'en' }), headers: { 'User-Agent': 'PhoneBrowser/3.0', ...headers } });
const eventCount = async () => (await t.db.selectFrom('consent_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
const codeRows = async () => t.db.selectFrom('opt_out_codes').selectAll().orderBy('created_at').execute();

describe('optOutLink', () => {
  it('makes {BASE_URL}/x/{code} with the INSERT for the caller’s batch, then reuses that code', async () => {
    const first = await optOutLink(t.deps, { siteId: 'demo', contactId: alice.id });
    expect(first.url).toBe(`${BASE_URL}/x/${first.code}`);
    expect(first.code).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{10}$/);
    expect(first.queries).toHaveLength(1);
    expect(await codeRows()).toEqual([]);
    await t.deps.atomic(first.queries);
    const again = await optOutLink(t.deps, { siteId: 'demo', contactId: alice.id });
    expect(again).toEqual({ url: first.url, code: first.code, queries: [] });
    expect(await codeRows()).toEqual([expect.objectContaining({ code: first.code, contact_id: alice.id, channel: 'sms', scope: '*' })]);
  });

  it('gives two requests racing for one contact the same code, and writes one row', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => optOutLink(t.deps, { siteId: 'demo', contactId: alice.id })));
    expect(a!.code).toBe(b!.code);
    await Promise.all([t.deps.atomic(a!.queries), t.deps.atomic(b!.queries)]);
    expect(await codeRows()).toHaveLength(1);
  });

  it('gives each scope and each contact a code of its own', async () => {
    const bob = await smsContact(t, { phone: '+819087654321', sms: { offers: 'granted' } });
    const codes = await Promise.all([
      optOutLink(t.deps, { siteId: 'demo', contactId: alice.id }),
      optOutLink(t.deps, { siteId: 'demo', contactId: alice.id }, 'offers'),
      optOutLink(t.deps, { siteId: 'demo', contactId: bob.id }),
    ]);
    expect(new Set(codes.map((link) => link.code)).size).toBe(3);
  });
});

describe('smsOptOutLine', () => {
  it('says in the contact’s language that the link opts out, in a few characters', () => {
    const url = `${BASE_URL}/x/k7m2xq9wpa`;
    expect(smsOptOutLine('en', url)).toBe(`Opt out: ${url}`);
    expect(smsOptOutLine('ja', url)).toBe(`配信停止はこちら：${url}`);
    // English stays in GSM-7; Japanese leaves most of a 70-character UCS-2 segment for the message.
    expect(smsOptOutLine('en', url)).toMatch(/^[\x20-\x7e]+$/);
    expect(smsOptOutLine('ja', url).length - url.length).toBeLessThanOrEqual(10);
  });
});

describe('GET /x/{code}', () => {
  it('shows one button naming the site and every SMS, and changes nothing', async () => {
    const path = await linkPath();
    const before = await eventCount();
    for (const method of ['GET', 'HEAD']) {
      const response = await t.request(path, { method });
      expect(response.status).toBe(200);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
    }
    const html = await (await t.request(path)).text();
    expect(html).toContain('Stop all text messages from Demo Shop?');
    expect(html).toContain('This stops text messages only');
    expect(html).toContain(`action="${path}"`);
    expect(await eventCount()).toBe(before);
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('names the one category of a scoped code, in the contact’s language', async () => {
    const kenji = await smsContact(t, { phone: '+819087654321', locale: 'ja', sms: { offers: 'granted' } });
    const html = await (await t.request(await linkPath(kenji, 'offers'))).text();
    expect(html).toContain('Demo Shop からの「キャンペーン・クーポン」のSMSの配信を停止しますか？');
    expect(html).toContain('lang="ja"');
  });

  it('is 404 for an unknown code and for a malformed one', async () => {
    await linkPath();
    for (const path of ['/x/k7m2xq9wpa', '/x/ABCDEFGHJK', '/x/abc', '/x/0000000000', `/x/${'a'.repeat(11)}`]) {
      expect((await t.request(path)).status).toBe(404);
      expect((await press(path)).status).toBe(404);
    }
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'granted' });
  });
});

describe('POST /x/{code}', () => {
  it('stops every SMS with method sms_link and the request as evidence, and leaves email alone', async () => {
    const response = await press(await linkPath());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('You will get no more text messages from Demo Shop.');
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect(await statuses(t, alice.id, 'email')).toEqual({ newsletter: 'granted', offers: 'granted' });
    const withdrawals = (await smsEvents(t, alice.id)).filter((e) => e.action === 'withdrawn');
    expect(withdrawals.map((e) => [e.category_key, e.channel, e.method, e.ip, e.user_agent])).toEqual([
      ['newsletter', 'sms', 'sms_link', TEST_IP, 'PhoneBrowser/3.0'],
      ['offers', 'sms', 'sms_link', TEST_IP, 'PhoneBrowser/3.0'],
    ]);
    // Pressing again is harmless: nothing more is written.
    const before = await eventCount();
    expect((await press(await linkPath())).status).toBe(200);
    expect(await eventCount()).toBe(before);
    await sealLedger(t.deps);
    expect((await verifyLedger(t.deps)).ok).toBe(true);
  });

  it('a scoped code stops only its category', async () => {
    const response = await press(await linkPath(alice, 'offers'));
    expect(await response.text()).toContain('You will no longer get Offers by text message from Demo Shop.');
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('is refused from another site’s page (403), and nothing changes', async () => {
    const response = await press(await linkPath(), { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await statuses(t, alice.id)).toEqual({ newsletter: 'granted', offers: 'granted' });
  });

  it('tells an erased contact that nothing is sent any more', async () => {
    const path = await linkPath();
    await t.db.updateTable('contacts').set({ email: '' }).where('id', '=', alice.id).execute();
    for (const response of [await t.request(path), await press(path)]) {
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Nothing is sent to you any more');
    }
  });
});

describe('SMS events in the person’s history', () => {
  it('names category * as all text messages, and the SMS methods in words', async () => {
    await twilioInbound(t, { From: PHONE, Body: 'HELP' });
    await press(await linkPath(alice, 'offers'));
    const html = await (await t.request((await manageUrl(t.deps, alice)).slice(BASE_URL.length))).text();
    expect(html).toContain('You replied by SMS about all text messages by replying to a text message.');
    expect(html).toContain('You stopped Offers with the link in a text message.');
  });
});
