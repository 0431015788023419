// SMS consent on the two doors of a site's own page: the plain HTML snippet and the script embed
// (form.json and its JSON POST). The same boxes, notice, number field and sentence as the hosted
// page, under the embedded wording's hash; an SMS signup is answered with our code page (a 303
// for the plain form, a link in JSON for the script), where the code is typed. A site that
// offers nothing by SMS gets byte for byte the snippet and form.json it had before.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const RETURN_TO = `${SHOP}/thanks`;

const patch = (path: string, body: unknown) => t.request(`/api/v1${path}`, { method: 'PATCH', headers: auth, body: JSON.stringify(body) });
const channels = async (category: string, list: string[]) => expect((await patch(`/sites/demo/categories/${category}`, { channels: list })).status).toBe(200);

beforeEach(async () => {
  t = await makeTestApp();
  expect((await patch('/sites/demo', { allowedOrigins: [SHOP], defaultCountry: 'JP', smsRatesNotice: true })).status).toBe(200);
});

const offerSms = () => channels('offers', ['email', 'sms']);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const consentOf = (html: string) => /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
const formOf = (html: string) => /name="form" value="([0-9a-f]{64})"/.exec(html)![1]!;

async function snippets(lang = 'en') {
  const res = await t.request(`/api/v1/sites/demo/embed?lang=${lang}&returnTo=${encodeURIComponent(RETURN_TO)}`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as { iframe: string; html: string; script: string };
}

async function formJsonText(lang = 'en') {
  const res = await t.request(`/s/demo/form.json?lang=${lang}`, { headers: { Origin: SHOP } });
  expect(res.status).toBe(200);
  return res.text();
}

const formJson = async (lang = 'en') => JSON.parse(await formJsonText(lang)) as Record<string, any>;

function postJson(body: Record<string, unknown>, origin = SHOP) {
  return t.request('/s/demo', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Origin: origin, 'User-Agent': 'HostBrowser/1' } });
}

function postForm(fields: Record<string, string | string[]>, headers: Record<string, string>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'ShopVisitor/1', ...headers } });
}

const codeOf = (body: string) => /(\d{6})/.exec(body)![1]!;
const enter = (path: string, code: string) => t.request(path, { method: 'POST', body: new URLSearchParams({ code }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

async function smsEvents() {
  return t.db.selectFrom('consent_events').select(['category_key', 'action', 'method', 'source_url', 'form_sha256', 'consent_text_sha256']).where('channel', '=', 'sms').orderBy('id').execute();
}

async function storedForm(sha: string) {
  const res = await t.request(`/api/v1/sites/demo/forms/${sha}`, { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { form: { door: string; content: string; consentTextSha256?: string } }).form;
}

describe('a site that offers nothing by SMS', () => {
  // What the snippets and form.json were before SMS reached them (computed at f5082e4 with this
  // setup). form.json names its renderer, /embed.js by its hash, which changes with the script
  // itself: that one member and the hash over it are left out. A deliberate change of the demo
  // site's texts or of a template changes these too; an accidental one must not.
  const BEFORE = {
    en: {
      html: '33f6853b4f2a6fb66db10369c88b580ec9d7e4aa73714f4f16c241b647deceb5',
      script: 'd9e0547393d00c4271e6625ef5fe463b269120219dd7dcfc7997ebaa53995bbc',
      form: '0f3f774148f8efce9e49c4931ca8bd187348d522066bed35046f25573cb0883f',
    },
    ja: {
      html: '8265b8e44e86c90080de7980a34a991d07ee3861fb388d9cb9b5cfbe2affb47b',
      script: 'ab607969b08db25d44e7b871b1a0fda1adbb0cea8f19527891ebc8ee5ab77cd4',
      form: 'd8492f62368b77c5e1dd040df0c5c117ff1b57ac2b434e2f093128bf7ed230e2',
    },
  };
  const withoutRenderer = (text: string) => text.replace(/"renderer":"embed\.js\/[0-9a-f]+",/, '').replace(/,"formSha256":"[0-9a-f]{64}"\}$/, '}');

  it('gets the snippet and form.json it had before SMS, byte for byte', async () => {
    for (const lang of ['en', 'ja'] as const) {
      const { html, script } = await snippets(lang);
      expect(html).not.toContain('sms_categories');
      expect(sha256(html)).toBe(BEFORE[lang].html);
      expect(sha256(script)).toBe(BEFORE[lang].script);
      const form = await formJsonText(lang);
      expect(form).not.toContain('"sms"');
      expect(sha256(withoutRenderer(form))).toBe(BEFORE[lang].form);
    }
  });

  it('gets them back exactly once its category is no longer sent by SMS', async () => {
    const before = { ...(await snippets()), form: await formJsonText() };
    await offerSms();
    const during = { ...(await snippets()), form: await formJsonText() };
    expect(during.html).not.toBe(before.html);
    expect(during.form).not.toBe(before.form);
    expect(during.script).toBe(before.script);
    await channels('offers', ['email']);
    expect({ ...(await snippets()), form: await formJsonText() }).toEqual(before);
  });
});

describe('the plain HTML snippet of a site that offers SMS', () => {
  it('has the hosted page’s SMS boxes (unticked), rates notice, number field and SMS sentence, under the embedded wording’s hash', async () => {
    await offerSms();
    const { html } = await snippets();
    expect(html).toContain('<input type="checkbox" name="sms_categories" value="offers" id="assent-sms-offers" aria-describedby="assent-sms-offers-details"/>');
    expect(html).toContain('<strong>Offers by SMS</strong>');
    expect(html).not.toContain('id="assent-sms-newsletter"');
    expect(html).toContain('<legend>By text message (SMS)</legend>');
    expect(html).toContain('<p>Msg &amp; data rates may apply.</p>');
    expect(html).toContain('<label for="assent-phone">Mobile number</label>');
    expect(html).toContain('<p id="assent-phone-hint">For the text messages you tick. We send a code to check it.</p>');
    expect(html).toContain('<input type="tel" name="phone" id="assent-phone" autocomplete="tel" inputmode="tel" maxlength="40" aria-describedby="assent-phone-hint"/>');
    expect(html).toContain('<p>I also agree that Demo Shop K.K. may send the text messages I have ticked to the mobile number I entered.');
    // Texts only is a valid choice: the browser must not insist on an address.
    expect(html).toContain('<input type="email" name="email" id="assent-email" autocomplete="email" maxlength="254"/>');
    // One embedded wording for the three doors.
    const form = await formJson();
    expect(consentOf(html)).toBe(form.consent.sha256);
    expect(consentOf(await (await t.request('/s/demo/embed?lang=en')).text())).toBe(form.consent.sha256);
    const ja = (await snippets('ja')).html;
    expect(ja).toMatch(/<strong>[^<]+（SMS）<\/strong>/);
    expect(ja).toContain('通信料がかかる場合があります。');
    expect(ja).toContain('「停止」と返信するか');
  });

  it('offers a category sent by SMS only in the SMS boxes, not as an email', async () => {
    await channels('newsletter', ['sms']);
    const { html } = await snippets();
    expect(html).not.toContain('name="categories" value="newsletter"');
    expect(html).toContain('name="sms_categories" value="newsletter"');
    expect(html).not.toContain('name="sms_categories" value="offers"');
    const form = await formJson();
    expect(form.categories.map((c: { key: string }) => c.key)).toEqual(['offers']);
    expect(form.sms.categories.map((c: { key: string }) => c.key)).toEqual(['newsletter']);
  });

  it('posted from the site’s page with SMS boxes ticked: a 303 to our code page (not return_to), the code texted and typed there, the snippet named in the evidence', async () => {
    await offerSms();
    const { html } = await snippets();
    const fields = { lang: 'en', consent: consentOf(html), form: formOf(html), return_to: RETURN_TO, email: '', name: '', website: '', phone: '090-1234-5678', sms_categories: 'offers' };
    const res = await postForm(fields, { Origin: SHOP, Referer: `${SHOP}/` });
    expect(res.status).toBe(303);
    const codePage = res.headers.get('Location')!;
    expect(codePage).toMatch(/^\/s\/demo\/sms\/[\w.-]+\?lang=en$/);
    const [text] = await t.deliverSms();
    expect(text!.to).toBe('+819012345678');
    const page = await t.request(codePage);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('+81 ** **** 5678');
    expect((await enter(codePage, codeOf(text!.body))).status).toBe(200);
    const events = await smsEvents();
    expect(events.map((e) => `${e.action} ${e.method}`)).toEqual(['requested embedded_form', 'confirmed sms_code']);
    expect(events[0]).toMatchObject({ category_key: 'offers', source_url: `${SHOP}/`, form_sha256: formOf(html), consent_text_sha256: consentOf(html) });
    // The stored screen is the snippet the person saw, SMS boxes and all.
    const screen = await storedForm(formOf(html));
    expect(screen.door).toBe('html');
    expect(screen.content).toBe(html.replace(/<input type="hidden" name="form"[^>]*>\n/, ''));
  });

  it('with both an address and a number: the mail and the code, and the code page says to check the inbox too', async () => {
    await offerSms();
    const { html } = await snippets();
    const res = await postForm(
      { lang: 'en', consent: consentOf(html), form: formOf(html), return_to: RETURN_TO, email: 'plain-both@example.com', categories: 'newsletter', phone: '+81 90 2222 3333', sms_categories: 'offers' },
      { Origin: SHOP },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toMatch(/&email=1$/);
    expect(await t.deliver()).toHaveLength(1);
    expect(await t.deliverSms()).toHaveLength(1);
    expect(await t.consents('plain-both@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
  });
});

describe('the script embed of a site that offers SMS', () => {
  it('form.json carries the SMS part, worded as the hosted page words it, and the stored screen is that document', async () => {
    await offerSms();
    const form = await formJson();
    expect(form.categories.map((c: { key: string }) => c.key)).toEqual(['newsletter', 'offers']);
    expect(form.sms).toEqual({
      legend: 'By text message (SMS)',
      categories: [
        {
          key: 'offers',
          label: 'Offers by SMS',
          description: 'Discounts, sales and coupons.',
          purpose: 'To send you promotions and special prices.',
          frequency: 'Weekly',
        },
      ],
      ratesNotice: 'Msg & data rates may apply.',
      phone: 'Mobile number',
      phoneHint: 'For the text messages you tick. We send a code to check it.',
      statement: expect.stringMatching(/^I also agree that Demo Shop K\.K\. may send the text messages I have ticked/),
      openCode: 'Enter the code',
    });
    const ja = await formJson('ja');
    expect(ja.sms).toMatchObject({ legend: 'SMS（ショートメッセージ）で受け取る', ratesNotice: '通信料がかかる場合があります。', phone: '携帯電話番号', openCode: 'コードを入力する' });
    expect(ja.sms.categories[0].label).toMatch(/（SMS）$/);
    // Without the rates notice, none is shown.
    await patch('/sites/demo', { smsRatesNotice: false });
    expect((await formJson()).sms.ratesNotice).toBeNull();
    expect((await snippets()).html).not.toContain('Msg &amp; data rates');
  });

  it('a JSON SMS signup is answered with our code page’s address, the code texted, confirmed on that page, the document named in the evidence', async () => {
    await offerSms();
    const text = await formJsonText();
    const form = JSON.parse(text) as Record<string, any>;
    const res = await postJson({
      email: '', name: '', categories: [], sms_categories: ['offers'], phone: '090-1234-5678',
      consent: form.consent.sha256, form: form.formSha256, lang: 'en', website: '', page: `${SHOP}/blog/post-1`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    const answer = (await res.json()) as { status: string; codeUrl: string; title: string; paragraphs: string[] };
    expect(answer).toEqual({
      status: 'sms_code',
      codeUrl: expect.stringMatching(new RegExp(`^${BASE_URL.replace(/\./g, '\\.')}/s/demo/sms/[\\w.-]+\\?lang=en$`)),
      title: 'Check your phone',
      paragraphs: ['We sent a 6-digit code by SMS to the mobile number you entered. Open our code page and enter it there to confirm the text messages you chose.'],
    });
    const [sms] = await t.deliverSms();
    expect(sms!.to).toBe('+819012345678');
    const codePage = answer.codeUrl.slice(BASE_URL.length);
    expect(await (await t.request(codePage)).text()).toContain('+81 ** **** 5678');
    expect((await enter(codePage, codeOf(sms!.body))).status).toBe(200);
    const events = await smsEvents();
    expect(events.map((e) => `${e.action} ${e.method}`)).toEqual(['requested embedded_form', 'confirmed sms_code']);
    expect(events[0]).toMatchObject({ source_url: `${SHOP}/blog/post-1`, form_sha256: form.formSha256, consent_text_sha256: form.consent.sha256 });
    const screen = await storedForm(form.formSha256);
    expect(screen.door).toBe('script');
    // form.json is exactly the stored document with its own hash appended.
    expect(`${screen.content.slice(0, -1)},"formSha256":${JSON.stringify(form.formSha256)}}`).toBe(text);
    expect(JSON.parse(screen.content).sms.categories.map((c: { key: string }) => c.key)).toEqual(['offers']);
  });

  it('with an address too: the code page’s address says so, and the answer tells to check the inbox', async () => {
    await offerSms();
    const form = await formJson('ja');
    const res = await postJson({ email: 'script-both@example.com', categories: ['newsletter'], sms_categories: ['offers'], phone: '+81 90 4444 5555', consent: form.consent.sha256, form: form.formSha256, lang: 'ja' });
    const answer = (await res.json()) as { status: string; codeUrl: string; title: string; paragraphs: string[] };
    expect(answer.status).toBe('sms_code');
    expect(answer.codeUrl).toMatch(/\?lang=ja&email=1$/);
    expect(answer.title).toBe('SMSをご確認ください');
    expect(answer.paragraphs).toHaveLength(2);
    expect(answer.paragraphs[1]).toContain('受信箱をご確認ください');
    expect(await t.deliver()).toHaveLength(1);
    expect(await t.deliverSms()).toHaveLength(1);
  });

  it('errors come back in JSON tied to the number field; nothing recorded or texted', async () => {
    await offerSms();
    const form = await formJson();
    const base = { email: '', categories: [], sms_categories: ['offers'], consent: form.consent.sha256, form: form.formSha256, lang: 'en' };
    const missing = await postJson({ ...base, phone: '' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ status: 'invalid', message: 'Please correct the highlighted fields.', errors: { phone: 'Enter your mobile number for the text messages you ticked.' } });
    const fixed = await postJson({ ...base, phone: '03-1234-5678' });
    expect(((await fixed.json()) as { errors: Record<string, string> }).errors.phone).toContain('cannot receive text messages');
    const unknown = await postJson({ ...base, phone: '090-1234-5678', sms_categories: ['newsletter'] });
    expect(((await unknown.json()) as { errors: Record<string, string> }).errors.categories).toContain('does not exist');
    // The hosted page's wording is not the embedded one.
    const hosted = consentOf(await (await t.request('/s/demo?lang=en')).text());
    expect((await postJson({ ...base, phone: '090-1234-5678', consent: hosted })).status).toBe(409);
    expect(await smsEvents()).toEqual([]);
    expect(await t.deliverSms()).toEqual([]);
  });

  it('from another origin: refused before anything is recorded or texted, with no CORS answer', async () => {
    await offerSms();
    const form = await formJson();
    const res = await postJson({ email: '', categories: [], sms_categories: ['offers'], phone: '090-1234-5678', consent: form.consent.sha256, form: form.formSha256, lang: 'en' }, EVIL);
    expect(res.status).toBe(403);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await smsEvents()).toEqual([]);
    expect(await t.deliverSms()).toEqual([]);
  });
});
