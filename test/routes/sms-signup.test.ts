// SMS double opt-in through the real app: SMS boxes on the hosted form, a 6-digit code texted to
// the number, typed on the page the signup answers with; the tries and the codes per number are
// limited inside the writes, so parallel requests get no more than one at a time would.
import { beforeEach, describe, expect, it } from 'vitest';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  const api = (path: string, body: unknown) =>
    t.request(`/api/v1${path}`, { method: 'PATCH', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect((await api('/sites/demo', { defaultCountry: 'JP', smsRatesNotice: true })).status).toBe(200);
  expect((await api('/sites/demo/categories/offers', { channels: ['email', 'sms'] })).status).toBe(200);
});

async function formPage(lang = 'en') {
  const html = await (await t.request(`/s/demo?lang=${lang}`)).text();
  return { html, consent: /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!, form: /name="form" value="([0-9a-f]{64})"/.exec(html)![1]! };
}

async function signupSms(fields: { phone: string; sms?: string[]; email?: string; categories?: string[]; lang?: string }) {
  const { consent, form } = await formPage(fields.lang);
  const body = new URLSearchParams({ email: fields.email ?? '', name: '', consent, form, lang: fields.lang ?? 'en', phone: fields.phone });
  for (const key of fields.sms ?? ['offers']) body.append('sms_categories', key);
  for (const key of fields.categories ?? []) body.append('categories', key);
  return t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'TestBrowser/1.0' } });
}

const codeOf = (body: string) => /(\d{6})/.exec(body)![1]!;
const enter = (path: string, code: string) => t.request(path, { method: 'POST', body: new URLSearchParams({ code }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

async function smsConsents() {
  const rows = await t.db.selectFrom('consents').select(['category_key', 'channel', 'status']).where('channel', '=', 'sms').orderBy('category_key').execute();
  return Object.fromEntries(rows.map((r) => [r.category_key, r.status]));
}

describe('SMS signup', () => {
  it('offers SMS boxes, unticked, with the number field, the rates notice and the SMS sentence in the wording', async () => {
    const { html } = await formPage();
    expect(html).toContain('<input type="checkbox" name="sms_categories" value="offers" id="sms-offers" aria-describedby="sms-offers-details"/>');
    expect(html).not.toContain('value="newsletter" id="sms-newsletter"');
    expect(html).toContain('type="tel" name="phone"');
    expect(html).toContain('Msg &amp; data rates may apply.');
    expect(html).toContain('by replying STOP');
    // The address is needed only for the emails ticked: not required, and the page says so.
    expect(html).toContain('Leave it empty if you want text messages only.');
    expect(html).not.toMatch(/<input type="email"[^>]*required/);
    const ja = (await formPage('ja')).html;
    expect(ja).toContain('通信料がかかる場合があります。');
    expect(ja).toContain('「停止」と返信するか');
  });

  it('texts a code to the number typed the Japanese way; the right code confirms, in the ledger with the SMS channel, and a welcome text follows', async () => {
    const answered = await signupSms({ phone: '０９０ー１２３４ー５６７８' });
    expect(answered.status).toBe(303);
    const codePath = answered.headers.get('Location')!;
    expect(codePath).toMatch(/^\/s\/demo\/sms\/[\w.-]+\?lang=en$/);
    const [text] = await t.deliverSms();
    expect(text!.to).toBe('+819012345678');
    expect(text!.body).toMatch(/^Demo Shop: your code is \d{6}\. It works for 10 minutes\./);
    expect(await smsConsents()).toEqual({ offers: 'pending' });

    const page = await (await t.request(codePath)).text();
    expect(page).toContain('+81 ** **** 5678');
    const wrongCode = codeOf(text!.body) === '000000' ? '111111' : '000000';
    const wrong = await enter(codePath, wrongCode);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That code is not right. 4 tries are left.');
    const right = await enter(codePath, codeOf(text!.body));
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('Your number is confirmed');
    expect(await smsConsents()).toEqual({ offers: 'granted' });
    const events = await t.db.selectFrom('consent_events').select(['category_key', 'channel', 'action', 'method']).where('channel', '=', 'sms').orderBy('id').execute();
    expect(events).toEqual([
      { category_key: 'offers', channel: 'sms', action: 'requested', method: 'signup_form' },
      { category_key: 'offers', channel: 'sms', action: 'confirmed', method: 'sms_code' },
    ]);
    const [welcome] = await t.deliverSms();
    expect(welcome!.body).toContain('Demo Shop: you will get Offers');
    expect(welcome!.body).toContain('Reply STOP to stop.');
    // Every text ends with the same short opt-out link, the code's too.
    const optOut = /\nOpt out: https:\/\/assent\.test(\/x\/[a-z2-9]{10})$/.exec(welcome!.body)?.[1];
    expect(optOut).toBeDefined();
    expect(text!.body.endsWith(`Opt out: https://assent.test${optOut}`)).toBe(true);
    // A second press of the same code changes nothing.
    expect((await enter(codePath, codeOf(text!.body))).status).toBe(400);
    // The link stops the texts: a press on its page, not the opening.
    expect((await t.request(optOut!)).status).toBe(200);
    expect(await smsConsents()).toEqual({ offers: 'granted' });
    const stopped = await t.request(optOut!, { method: 'POST', headers: { 'User-Agent': 'Phone/1.0' } });
    expect(stopped.status).toBe(200);
    expect(await smsConsents()).toEqual({ offers: 'withdrawn' });
    // Every step is in the proof, by channel, with its method.
    const contact = await t.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    const proof = await (await t.request(`/api/v1/sites/demo/contacts/${contact.id}/proof`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json();
    expect(proof.events.map((e: { channel: string; action: string; method: string }) => `${e.channel} ${e.action} ${e.method}`)).toEqual([
      'sms requested signup_form',
      'sms confirmed sms_code',
      'sms withdrawn sms_link',
    ]);
    await sealLedger(t.deps);
    expect(await verifyLedger(t.deps)).toMatchObject({ ok: true });
  });

  it('takes an address and a number in one form: the email confirms by link, the SMS by code, one contact with both', async () => {
    const answered = await signupSms({ phone: '+81 90 1111 2222', email: 'both@example.com', categories: ['newsletter'] });
    expect(answered.headers.get('Location')).toMatch(/&email=1$/);
    expect(await (await t.request(answered.headers.get('Location')!)).text()).toContain('check your inbox too');
    expect(await t.deliver()).toHaveLength(1);
    expect(await t.deliverSms()).toHaveLength(1);
    const contacts = await t.db.selectFrom('contacts').select(['id', 'phone_hash']).execute();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.phone_hash).not.toBeNull();
  });

  it('refuses a missing, an invalid and a fixed-line number, saying so, and records nothing', async () => {
    const missing = await signupSms({ phone: '' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Enter your mobile number for the text messages you ticked.');
    expect(await (await signupSms({ phone: '12' })).text()).toContain('Enter a mobile number like 090-1234-5678');
    expect(await (await signupSms({ phone: '03-1234-5678' })).text()).toContain('This number cannot receive text messages.');
    expect(await (await signupSms({ phone: '090-1234-5678', sms: ['newsletter'] })).text()).toContain('does not exist');
    expect(await t.db.selectFrom('consent_events').select('id').execute()).toEqual([]);
    expect(await t.deliverSms()).toEqual([]);
  });

  it('says how many tries are left after each wrong code, counting this one', async () => {
    const answered = await signupSms({ phone: '090-5555-6666' });
    const codePath = answered.headers.get('Location')!;
    const [text] = await t.deliverSms();
    const wrong = codeOf(text!.body) === '000000' ? '111111' : '000000';
    expect(await (await enter(codePath, wrong)).text()).toContain('4 tries are left.');
    expect(await (await enter(codePath, wrong)).text()).toContain('3 tries are left.');
  });

  it('counts every try before comparing: 10 parallel guesses take 5 tries, and then even the right code is refused', async () => {
    const answered = await signupSms({ phone: '090-3333-4444' });
    const codePath = answered.headers.get('Location')!;
    const [text] = await t.deliverSms();
    const right = codeOf(text!.body);
    const wrong = right === '000000' ? '111111' : '000000';
    const answers = await Promise.all(Array.from({ length: 10 }, () => enter(codePath, wrong)));
    expect(answers.every((res) => res.status === 400)).toBe(true);
    expect(await t.db.selectFrom('sms_codes').select('attempts').executeTakeFirstOrThrow()).toEqual({ attempts: 5 });
    const late = await enter(codePath, right);
    expect(await late.text()).toContain('This code has no tries left or has run out.');
    expect(await smsConsents()).toEqual({ offers: 'pending' });
  });

  it('sends at most 3 codes an hour to a number, even for parallel signups, and more after the hour', async () => {
    await Promise.all(Array.from({ length: 6 }, () => signupSms({ phone: '090-5555-6666' })));
    expect(await t.db.selectFrom('sms_codes').select('id').execute()).toHaveLength(3);
    expect(await t.deliverSms()).toHaveLength(3);
    const page = (await signupSms({ phone: '090-5555-6666' })).headers.get('Location')!;
    const resent = await t.request(`${page.split('?')[0]}/resend`, { method: 'POST' });
    expect(await resent.text()).toContain('A new code is on its way, if the limits allow one');
    expect(await t.deliverSms()).toHaveLength(0);
    t.clock.advance(61 * 60_000);
    // The page's link has run out by now (30 minutes); a new signup gets a code again.
    expect((await t.request(`${page.split('?')[0]}/resend`, { method: 'POST' })).status).toBe(400);
    await signupSms({ phone: '090-5555-6666' });
    expect(await t.deliverSms()).toHaveLength(1);
  });

  it('erases a number with its contact: gone with its hash, its SMS consents withdrawn, queued texts dropped; the number may sign up afresh', async () => {
    const answered = await signupSms({ phone: '090-2468-1357' });
    const [text] = await t.deliverSms();
    await enter(answered.headers.get('Location')!, codeOf(text!.body));
    // The welcome text is still queued when the erasure comes.
    const contact = await t.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    const erased = await t.request(`/api/v1/sites/demo/contacts/${contact.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(erased.status).toBe(200);
    expect(await t.db.selectFrom('contacts').select(['email', 'phone', 'phone_hash']).where('id', '=', contact.id).executeTakeFirstOrThrow()).toEqual({ email: '', phone: null, phone_hash: null });
    expect(await smsConsents()).toEqual({ offers: 'withdrawn' });
    expect(await t.deliverSms()).toEqual([]);
    expect(await t.db.selectFrom('sms_outbox').select(['to_number', 'status']).where('kind', '=', 'sms_welcome').executeTakeFirstOrThrow()).toEqual({ to_number: '', status: 'failed' });
    const again = await signupSms({ phone: '090-2468-1357' });
    expect(again.status).toBe(303);
    expect(await t.deliverSms()).toHaveLength(1);
    expect(await t.db.selectFrom('contacts').select('id').execute()).toHaveLength(2);
  });

  it('answers eligibility for numbers on the sms channel: granted after the code, pending before, E.164 only', async () => {
    const eligibility = async (body: unknown) =>
      t.request('/api/v1/sites/demo/eligibility', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const answered = await signupSms({ phone: '090-1234-5678' });
    await signupSms({ phone: '090-8765-4321' });
    const [text] = await t.deliverSms();
    await enter(answered.headers.get('Location')!, codeOf(text!.body));
    const res = await eligibility({ category: 'offers', channel: 'sms', phones: ['+819012345678', '+819087654321', '+819011112222', '090-1234-5678'] });
    expect(res.status).toBe(200);
    expect((await res.json()).results).toEqual([
      { phone: '+819012345678', eligible: true },
      { phone: '+819087654321', eligible: false, reason: 'pending' },
      { phone: '+819011112222', eligible: false, reason: 'not_found' },
      { phone: '090-1234-5678', eligible: false, reason: 'invalid' },
    ]);
    // Consent by SMS is not consent by email.
    expect((await (await eligibility({ category: 'offers', channel: 'sms', phones: [] })).json()).results).toEqual([]);
    const mixed = await eligibility({ category: 'offers', channel: 'sms', emails: ['a@example.com'] });
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error.details[0].message).toContain('"channel": "sms"');
  });

  it('answers a forged or foreign code page as a broken link', async () => {
    expect((await t.request('/s/demo/sms/not-a-token')).status).toBe(400);
    const answered = await signupSms({ phone: '090-7777-8888' });
    const path = answered.headers.get('Location')!.replace('/s/demo/', '/s/other/');
    expect((await t.request(path)).status).toBe(400);
  });
});

describe('SMS contacts in the console', () => {
  it('finds a contact by number (typed the site’s way or in E.164) and shows its SMS consents; an unknown number is a 404', async () => {
    const { signedInOperator, withCookie } = await import('../helpers/console.ts');
    await signupSms({ phone: '090-1234-5678' });
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    for (const typed of ['090-1234-5678', '+81 90 1234 5678']) {
      const found = await t.request(`/admin/sites/demo/contacts?phone=${encodeURIComponent(typed)}`, withCookie(cookie));
      expect(found.status).toBe(303);
      const page = await (await t.request(found.headers.get('Location')!, withCookie(cookie))).text();
      expect(page).toContain('Contact +819012345678');
      expect(page).toMatch(/<td>Offers<\/td><td>SMS<\/td><td>waiting for confirmation<\/td>/);
    }
    const unknown = await t.request('/admin/sites/demo/contacts?phone=090-9999-0000', withCookie(cookie));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No contact with the number 090-9999-0000 on this site.');
  });
});

describe('SMS on the preference page', () => {
  it('shows the text messages next to the emails and stops one unticked, leaving the email consent alone', async () => {
    const answered = await signupSms({ phone: '090-1234-5678', email: 'both@example.com', categories: ['newsletter'] });
    const [confirmation] = await t.deliver();
    await t.request(confirmPathOf(confirmation!.text), { method: 'POST' });
    const [welcome] = await t.deliver();
    const manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
    const [code] = await t.deliverSms();
    await enter(answered.headers.get('Location')!, codeOf(code!.body));

    const page = await (await t.request(manage)).text();
    expect(page).toContain('Text messages (SMS)');
    expect(page).toContain('To +81 ** **** 5678.');
    expect(page).toMatch(/<input type="checkbox" name="sms_categories" value="offers" id="sms-offers" checked=""/);
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const saved = await t.request(`${manage}/sms`, { method: 'POST', body: new URLSearchParams({ consent, page_lang: 'en', shown: 'offers' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('The text messages you unticked are stopped.');
    expect(await smsConsents()).toEqual({ offers: 'withdrawn' });
    expect(await t.consents('both@example.com')).toMatchObject({ newsletter: 'granted' });
    const stop = await t.db.selectFrom('consent_events').select(['channel', 'action', 'method']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(stop).toEqual({ channel: 'sms', action: 'withdrawn', method: 'preference_page' });
  });
});

function confirmPathOf(text: string): string {
  return /https:\/\/assent\.test(\/c\/\S+)/.exec(text)![1]!;
}

describe('the API by number', () => {
  it('looks a contact up by its number in E.164, with its SMS consents, and refuses both or neither or a number as typed', async () => {
    await signupSms({ phone: '090-1234-5678' });
    const lookup = (body: unknown) =>
      t.request('/api/v1/sites/demo/contacts/lookup', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const found = await lookup({ phone: '+819012345678' });
    expect(found.status).toBe(200);
    expect((await found.json()).contact).toMatchObject({ email: '', phone: '+819012345678', consents: [{ category: 'offers', channel: 'sms', status: 'pending' }] });
    expect((await lookup({ phone: '+819099998888' })).status).toBe(404);
    expect((await lookup({ phone: '090-1234-5678' })).status).toBe(400);
    expect((await lookup({ phone: '+819012345678', email: 'a@example.com' })).status).toBe(400);
    expect((await lookup({})).status).toBe(400);
  });

  it('hands a sender the short opt-out link and the line to end each text with, the same link our own texts carry', async () => {
    await signupSms({ phone: '090-1234-5678', lang: 'ja' });
    const [code] = await t.deliverSms();
    const links = (body: unknown) =>
      t.request('/api/v1/sites/demo/contacts/sms-links', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const res = await links({ phone: '+819012345678' });
    expect(res.status).toBe(200);
    const { optOutUrl, text } = await res.json();
    expect(optOutUrl).toMatch(/^https:\/\/assent\.test\/x\/[a-z2-9]{10}$/);
    expect(text).toBe(`配信停止はこちら：${optOutUrl}`);
    expect(code!.body.endsWith(optOutUrl)).toBe(true);
    expect((await (await links({ phone: '+819012345678' })).json()).optOutUrl).toBe(optOutUrl);
    const offersOnly = await (await links({ phone: '+819012345678', category: 'offers' })).json();
    expect(offersOnly.optOutUrl).not.toBe(optOutUrl);
    expect((await links({ phone: '+819012345678', category: 'account' })).status).toBe(400);
    expect((await links({ phone: '+819099998888' })).status).toBe(404);
  });
});

describe('the code page', () => {
  it('speaks the language the person signed up in, not the browser’s, and keeps it on its forms', async () => {
    const answered = await signupSms({ phone: '090-1234-5678', lang: 'ja' });
    const path = answered.headers.get('Location')!;
    const bare = path.split('?')[0]!;
    const page = await (await t.request(bare, { headers: { 'Accept-Language': 'en-US' } })).text();
    expect(page).toContain('送信したコードを入力してください');
    expect(page).toContain(`action="${bare}?lang=ja"`);
    const wrong = await t.request(`${bare}?lang=ja`, { method: 'POST', body: new URLSearchParams({ code: '12' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'en-US' } });
    expect(await wrong.text()).toContain('コードの6桁の数字を入力してください。');
  });
});
