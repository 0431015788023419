import { beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const MINUTE = 60_000;

function api(path: string, method = 'GET', body?: unknown, key = ADMIN_KEY) {
  return t.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const SHOP = {
  id: 'shop',
  name: 'Shop',
  legalName: 'Shop Ltd',
  postalAddress: '1 High Street, London',
  inquiryContact: 'privacy@shop.example',
  privacyPolicyUrl: 'https://shop.example/privacy',
  privacyPolicyVersion: 'v1',
  defaultLocale: 'en',
  timeZone: 'Europe/London',
  allowedOrigins: ['https://shop.example'],
};

const TEXTS = { name: 'Recipes', description: 'Weekly recipes.', purpose: 'To inspire you.', frequency: 'Weekly' };

const consentOf = (html: string) => /name="consent" value="([0-9a-f]{64})"/.exec(html)?.[1];
const checkboxes = (html: string) => [...html.matchAll(/<input type="checkbox"[^>]*value="([\w-]+)"/g)].map((m) => m[1]);

describe('sites', () => {
  it('takes an accent colour dark enough for white text (WCAG AA) and refuses a light one, saying why', async () => {
    const created = await api('/sites', 'POST', { ...SHOP, accentColor: '#0F766E' });
    expect(created.status).toBe(201);
    expect((await created.json()).site).toMatchObject({ accentColor: '#0f766e', logoPath: null });
    // Yellow on white is 1.07:1: buttons would be unreadable.
    const light = await api('/sites/shop', 'PATCH', { accentColor: '#ffd700' });
    expect(light.status).toBe(400);
    expect((await light.json()).error.details).toEqual([{ path: 'accentColor', message: expect.stringContaining('4.5:1') }]);
    const notColour = await api('/sites/shop', 'PATCH', { accentColor: 'blue' });
    expect((await notColour.json()).error.details).toEqual([{ path: 'accentColor', message: 'Must be a colour like #1d4ed8.' }]);
    expect((await (await api('/sites/shop')).json()).site.accentColor).toBe('#0f766e');
    const cleared = await api('/sites/shop', 'PATCH', { accentColor: null });
    expect((await cleared.json()).site.accentColor).toBeNull();
  });

  it('takes a default country for phone numbers and the SMS rates notice, and a category offered by SMS', async () => {
    await api('/sites', 'POST', SHOP);
    expect((await (await api('/sites/shop')).json()).site).toMatchObject({ defaultCountry: null, smsRatesNotice: false });
    const patched = await api('/sites/shop', 'PATCH', { defaultCountry: 'jp', smsRatesNotice: true });
    expect((await patched.json()).site).toMatchObject({ defaultCountry: 'JP', smsRatesNotice: true });
    const notCountry = await api('/sites/shop', 'PATCH', { defaultCountry: 'Japan' });
    expect((await notCountry.json()).error.details).toEqual([{ path: 'defaultCountry', message: 'Must be a two-letter country code such as JP or US.' }]);

    const both = await api('/sites/shop/categories', 'POST', { key: 'alerts', kind: 'opt_in', translations: { en: TEXTS }, channels: ['email', 'sms'] });
    expect((await both.json()).category.channels).toEqual(['email', 'sms']);
    const twice = await api('/sites/shop/categories', 'POST', { key: 'again', kind: 'opt_in', translations: { en: TEXTS }, channels: ['sms', 'sms'] });
    expect((await twice.json()).error.details).toEqual([{ path: 'channels', message: 'Name each channel once.' }]);
    const none = await api('/sites/shop/categories/alerts', 'PATCH', { channels: [] });
    expect(none.status).toBe(400);
    const smsOnly = await api('/sites/shop/categories/alerts', 'PATCH', { channels: ['sms'] });
    expect((await smsOnly.json()).category.channels).toEqual(['sms']);
  });

  it('creates, reads and updates a site', async () => {
    const created = await api('/sites', 'POST', SHOP);
    expect(created.status).toBe(201);
    expect((await created.json()).site).toMatchObject({ ...SHOP, senderAddress: null, categories: [] });
    const read = await (await api('/sites/shop')).json();
    expect(read.site).toMatchObject({ id: 'shop', allowedOrigins: ['https://shop.example'], timeZone: 'Europe/London' });

    const patched = await api('/sites/shop', 'PATCH', { name: 'Shop 2', senderAddress: 'news@shop.example', allowedOrigins: [] });
    expect(patched.status).toBe(200);
    expect((await patched.json()).site).toMatchObject({ name: 'Shop 2', legalName: 'Shop Ltd', senderAddress: 'news@shop.example', allowedOrigins: [] });
    expect((await t.request('/s/shop')).status).toBe(200);
  });

  it('reads the demo site with its categories in every locale', async () => {
    const { site } = await (await api('/sites/demo')).json();
    expect(site.categories.map((c: { key: string }) => c.key)).toEqual(['newsletter', 'offers', 'account']);
    expect(site.categories[0]).toMatchObject({ kind: 'opt_in', archived: false, archivedAt: null, translations: { en: { name: 'Newsletter' }, ja: { name: 'ニュースレター' } } });
  });

  it('refuses bad fields with one detail each', async () => {
    const res = await api('/sites', 'POST', {
      ...SHOP,
      id: 'Bad Id',
      privacyPolicyUrl: 'http://shop.example/privacy',
      timeZone: 'Mars/Olympus',
      defaultLocale: 'fr',
      allowedOrigins: ['https://shop.example/path'],
      name: '',
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    const paths = error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['allowedOrigins.0', 'defaultLocale', 'id', 'name', 'privacyPolicyUrl', 'timeZone']);
    expect((await api('/sites/demo', 'PATCH', { timeZone: 'Nowhere/Land' })).status).toBe(400);
    expect((await api('/sites/demo', 'PATCH', { privacyPolicyUrl: 'javascript:alert(1)' })).status).toBe(400);
    expect((await api('/sites', 'POST', { ...SHOP, id: 'x'.repeat(51) })).status).toBe(400);
  });

  it('answers 409 for a taken id and 404 for an unknown site', async () => {
    const taken = await api('/sites', 'POST', { ...SHOP, id: 'demo' });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toMatchObject({ code: 'conflict', details: [{ path: 'id' }] });
    expect((await api('/sites/nope')).status).toBe(404);
    expect((await api('/sites/nope', 'PATCH', { name: 'x' })).status).toBe(404);
    expect((await api('/sites/nope/categories', 'POST', { key: 'a', kind: 'opt_in', translations: { en: TEXTS } })).status).toBe(404);
  });

  it('lets only an all-sites key create a site, and a site key only its own site', async () => {
    const { key } = await createApiKey(t.deps, { siteId: 'demo' });
    const refused = await api('/sites', 'POST', SHOP, key);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');
    expect((await api('/sites', 'POST', SHOP)).status).toBe(201);
    expect((await api('/sites/demo', 'GET', undefined, key)).status).toBe(200);
    expect((await api('/sites/shop', 'GET', undefined, key)).status).toBe(403);
    expect((await api('/sites/shop/categories', 'POST', { key: 'a', kind: 'opt_in', translations: { en: TEXTS } }, key)).status).toBe(403);
    expect((await api('/sites/shop/categories/a/archive', 'POST', undefined, key)).status).toBe(403);
    expect((await api('/sites/demo/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations: { en: TEXTS } }, key)).status).toBe(201);
  });
});

describe('categories', () => {
  it('adds a category to the signup page, after the others unless placed', async () => {
    const res = await api('/sites/demo/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations: { en: TEXTS } });
    expect(res.status).toBe(201);
    expect((await res.json()).category).toEqual({ key: 'recipes', kind: 'opt_in', position: 3, archived: false, archivedAt: null, translations: { en: TEXTS }, materialChangeAt: null, channels: ['email'] });
    const html = await (await t.request('/s/demo')).text();
    expect(checkboxes(html)).toEqual(['newsletter', 'offers', 'recipes']);
    expect(html).toContain('To inspire you.');
    // Japanese falls back to the default locale's text until translated.
    expect(await (await t.request('/s/demo?lang=ja')).text()).toContain('Recipes');
    expect((await t.signup({ email: 'a@example.com', categories: ['recipes'] })).status).toBe(200);
    expect(await t.consents('a@example.com')).toEqual({ recipes: 'pending' });
  });

  it('refuses a taken key, a missing default-locale text and bad fields', async () => {
    const taken = await api('/sites/demo/categories', 'POST', { key: 'newsletter', kind: 'opt_in', translations: { en: TEXTS } });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.details).toEqual([{ path: 'key', message: 'Taken.' }]);
    const noDefault = await api('/sites/demo/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations: { ja: TEXTS } });
    expect(noDefault.status).toBe(400);
    expect((await noDefault.json()).error.details).toEqual([{ path: 'translations.en', message: expect.any(String) }]);
    const bad = await api('/sites/demo/categories', 'POST', { key: 'Re cipes', kind: 'sometimes', translations: { en: { ...TEXTS, name: '' } } });
    expect(bad.status).toBe(400);
    const paths = (await bad.json()).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['key', 'kind', 'translations.en.name']);
  });

  it('renames per locale, adds a translation, and reorders', async () => {
    const renamed = await api('/sites/demo/categories/newsletter', 'PATCH', { translations: { ja: { name: 'お知らせ' } } });
    expect(renamed.status).toBe(200);
    const { category } = await renamed.json();
    expect(category.translations.ja).toMatchObject({ name: 'お知らせ', frequency: '月1回' });
    expect(category.translations.en.name).toBe('Newsletter');
    expect(await (await t.request('/s/demo?lang=ja')).text()).toContain('お知らせ');

    await api('/sites/demo/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations: { en: TEXTS } });
    const partial = await api('/sites/demo/categories/recipes', 'PATCH', { translations: { ja: { name: 'レシピ' } } });
    expect(partial.status).toBe(400);
    expect((await partial.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'translations.ja.description',
      'translations.ja.frequency',
      'translations.ja.purpose',
    ]);
    const ja = { name: 'レシピ', description: '毎週のレシピ。', purpose: 'ひらめきのため。', frequency: '毎週' };
    // A first text in a locale states its purpose and frequency: a change of terms for its readers.
    expect((await api('/sites/demo/categories/recipes', 'PATCH', { translations: { ja } })).status).toBe(400);
    expect((await api('/sites/demo/categories/recipes', 'PATCH', { translations: { ja }, termsChange: 'minor' })).status).toBe(200);
    expect(await (await t.request('/s/demo?lang=ja')).text()).toContain('毎週のレシピ。');

    expect((await api('/sites/demo/categories/recipes', 'PATCH', { position: -1 })).status).toBe(400);
    expect((await api('/sites/demo/categories/recipes', 'PATCH', { position: 0 })).status).toBe(200);
    expect(checkboxes(await (await t.request('/s/demo')).text())).toEqual(['recipes', 'newsletter', 'offers']);
    const order = (await (await api('/sites/demo')).json()).site.categories.map((c: { key: string; position: number }) => [c.key, c.position]);
    expect(order).toEqual([['recipes', 0], ['newsletter', 1], ['offers', 2], ['account', 3]]);
    await api('/sites/demo/categories', 'POST', { key: 'tips', kind: 'opt_in', translations: { en: TEXTS }, position: 1 });
    expect(checkboxes(await (await t.request('/s/demo')).text())).toEqual(['recipes', 'tips', 'newsletter', 'offers']);
    expect((await api('/sites/demo/categories/nope', 'PATCH', { position: 0 })).status).toBe(404);
  });

  it('archiving hides a category from the pages and refuses it at signup, keeping its history', async () => {
    await t.signup({ email: 'pat@example.com', categories: ['newsletter', 'offers'] });
    const [confirmation] = await t.deliver();
    await t.request(confirmPath(confirmation!), { method: 'POST' });
    const [welcome] = await t.deliver();
    const manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
    const eventsBefore = await t.events('pat@example.com');

    const archived = await api('/sites/demo/categories/offers/archive', 'POST');
    expect(archived.status).toBe(200);
    const { category } = await archived.json();
    expect(category).toMatchObject({ key: 'offers', archived: true, archivedAt: t.clock.now().toISOString() });
    // Archiving again keeps the first date.
    t.clock.advance(MINUTE);
    expect((await (await api('/sites/demo/categories/offers/archive', 'POST')).json()).category.archivedAt).toBe(category.archivedAt);
    expect((await (await api('/sites/demo')).json()).site.categories.find((c: { key: string }) => c.key === 'offers').archived).toBe(true);

    expect(checkboxes(await (await t.request('/s/demo')).text())).toEqual(['newsletter']);
    const preferences = await (await t.request(manage)).text();
    expect(preferences).not.toContain('value="offers"');
    expect(preferences).toContain('value="newsletter"');
    t.clock.advance(11 * MINUTE);
    const refused = await t.signup({ email: 'new@example.com', categories: ['offers'] });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('does not exist');

    // Nothing is deleted: the events, the consent and the proof still name it.
    expect(await t.events('pat@example.com')).toEqual(eventsBefore);
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });
    const contactId = (await t.contact('pat@example.com')).id;
    const history = await (await api(`/sites/demo/contacts/${contactId}/events`)).json();
    expect(history.events.some((e: { category: string }) => e.category === 'offers')).toBe(true);

    // "Unsubscribe from all" still stops it.
    const html = await (await t.request(manage)).text();
    await t.request(`${manage}/unsubscribe-all`, { method: 'POST', body: new URLSearchParams({ consent: consentOf(html)! }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(await t.consents('pat@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });

    const back = await api('/sites/demo/categories/offers/unarchive', 'POST');
    expect((await back.json()).category).toMatchObject({ archived: false, archivedAt: null });
    expect(checkboxes(await (await t.request('/s/demo')).text())).toEqual(['newsletter', 'offers']);
    expect((await api('/sites/demo/categories/nope/archive', 'POST')).status).toBe(404);
  });
});

describe('changing the wording', () => {
  it.each([
    ['a category text', () => api('/sites/demo/categories/newsletter', 'PATCH', { translations: { en: { description: 'Fresh news every month.' } } }), 'Fresh news every month.'],
    ['the policy version', () => api('/sites/demo', 'PATCH', { privacyPolicyVersion: '2026-12' }), '2026-12'],
  ])('%s: the page shows the new wording with a new hash; old events keep the old text', async (_, change, shown) => {
    const before = await (await t.request('/s/demo')).text();
    const oldHash = consentOf(before)!;
    await t.signup({ email: 'first@example.com', categories: ['newsletter'] });

    expect((await change()).status).toBe(200);
    const after = await (await t.request('/s/demo')).text();
    const newHash = consentOf(after)!;
    expect(after).toContain(shown);
    expect(newHash).not.toBe(oldHash);

    // A form loaded before the change no longer matches (the person is shown the new wording).
    const stale = new URLSearchParams({ email: 'late@example.com', name: '', consent: oldHash, lang: 'en', categories: 'newsletter' });
    const staleRes = await t.request('/s/demo', { method: 'POST', body: stale, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(staleRes.status).toBe(409);

    expect((await t.signup({ email: 'second@example.com', categories: ['newsletter'] })).status).toBe(200);
    expect((await t.events('first@example.com')).map((e) => e.consent_text_sha256)).toEqual([oldHash]);
    expect((await t.events('second@example.com')).map((e) => e.consent_text_sha256)).toEqual([newHash]);
    const texts = await t.db.selectFrom('consent_texts').selectAll().where('sha256', 'in', [oldHash, newHash]).execute();
    expect(texts).toHaveLength(2);
    expect(texts.find((row) => row.sha256 === newHash)!.text).toContain(shown);
    expect(texts.find((row) => row.sha256 === oldHash)!.text).not.toContain(shown);
  });
});
