// A site's kinds of email in the console: added with texts per language, moved, archived and
// offered again, re-described (a change of purpose or frequency asks "minor or material"),
// through the rules the API applies; the signup page shows each change at once.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const post = (cookie: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.request(`/admin/sites/demo/categories${path}`, withCookie(cookie, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } }));

async function apiCategories(): Promise<{ key: string; archived: boolean; position: number; translations: Record<string, Record<string, string>>; materialChangeAt: string | null; channels: string[] }[]> {
  return (await (await t.request('/api/v1/sites/demo', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()).site.categories;
}

const signupBoxes = async () => [...(await (await t.request('/s/demo')).text()).matchAll(/<input type="checkbox"[^>]*value="([\w-]+)"/g)].map((m) => m[1]);

const EVENTS = {
  key: 'events',
  kind: 'opt_in',
  channels: 'email',
  'en.name': 'Events',
  'en.description': 'Invitations to tastings in the shop.',
  'en.purpose': 'To invite you to our events.',
  'en.frequency': 'A few times a year',
  'ja.name': 'イベント',
  'ja.description': '店舗での試飲会のご案内です。',
  'ja.purpose': 'イベントにご招待するため。',
  'ja.frequency': '年に数回',
};

describe('categories in the console', () => {
  it('an editor adds one with texts in both languages: the API has it and the signup page offers it', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    expect(await signupBoxes()).not.toContain('events');
    const added = await post(cookie, '', EVENTS);
    expect(added.status).toBe(303);
    expect(await (await t.request(added.headers.get('Location')!, withCookie(cookie))).text()).toContain('Events is added and offered on the pages.');
    const events = (await apiCategories()).find((category) => category.key === 'events');
    expect(events?.translations.ja).toEqual({ name: 'イベント', description: '店舗での試飲会のご案内です。', purpose: 'イベントにご招待するため。', frequency: '年に数回' });
    expect(await signupBoxes()).toContain('events');
  });

  it('adds one without the second language, which is optional', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    const onlyEn = Object.fromEntries(Object.entries(EVENTS).filter(([field]) => !field.startsWith('ja.')));
    expect((await post(cookie, '', onlyEn)).status).toBe(303);
    expect((await apiCategories()).find((category) => category.key === 'events')?.translations).toEqual({ en: expect.any(Object) });
  });

  it('refuses a bad key, a taken key, a missing default language and a half-filled one, saying where; nothing is added', async () => {
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    const before = await apiCategories();
    const badKey = await post(cookie, '', { ...EVENTS, key: 'Big Events!' });
    expect(badKey.status).toBe(400);
    expect(await badKey.text()).toContain('id="key-error">Use 1 to 50 of a-z, 0-9 and “-”.');
    const taken = await post(cookie, '', { ...EVENTS, key: 'newsletter' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('This site has a category with this key already.');
    const noEnglish = await post(cookie, '', { ...EVENTS, 'en.name': '', 'en.description': '', 'en.purpose': '', 'en.frequency': '' });
    expect(noEnglish.status).toBe(400);
    expect(await noEnglish.text()).toContain('Required: English is the site’s default language.');
    const half = await post(cookie, '', { ...EVENTS, 'ja.purpose': '', 'ja.frequency': '\n' }, {});
    expect(half.status).toBe(400);
    const halfHtml = await half.text();
    expect(halfHtml).toContain('id="ja.purpose-error">Fill this in: at most 1000 characters, on one line.');
    expect(halfHtml).toContain('id="ja.frequency-error">');
    // What was typed stays.
    expect(halfHtml).toContain('value="イベント"');
    expect(await apiCategories()).toEqual(before);
  });

  it('moves one down, archives it (the signup page drops it, its consents stay) and offers it again', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    await t.signup({ email: 'reader@example.com', categories: ['newsletter'] });
    expect(await signupBoxes()).toEqual(['newsletter', 'offers']);
    expect((await post(cookie, '/newsletter/move', { position: '1' })).status).toBe(303);
    expect(await signupBoxes()).toEqual(['offers', 'newsletter']);

    const archived = await post(cookie, '/newsletter/archive', {});
    expect(archived.status).toBe(303);
    expect(await (await t.request(archived.headers.get('Location')!, withCookie(cookie))).text()).toContain('Newsletter is archived');
    expect(await signupBoxes()).toEqual(['offers']);
    expect(await t.consents('reader@example.com')).toEqual({ newsletter: 'pending' });
    expect((await post(cookie, '/newsletter/unarchive', {})).status).toBe(303);
    expect(await signupBoxes()).toEqual(['offers', 'newsletter']);
    expect((await post(cookie, '/newsletter/move', { position: 'first' })).status).toBe(400);
    expect((await post(cookie, '/nothing/archive', {})).status).toBe(404);
  });

  it('asks "minor or material" when the purpose changes, saves nothing until answered, then records a material change', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    const page = await (await t.request('/admin/sites/demo/categories/newsletter', withCookie(cookie))).text();
    expect(page).toContain('value="Newsletter"');
    expect(page).toContain('>商品とお知らせのご案内のため。</textarea>');
    const before = (await apiCategories()).find((category) => category.key === 'newsletter')!;
    // The form as the page fills it in.
    const stored = { channels: 'email', ...Object.fromEntries(Object.entries(before.translations).flatMap(([locale, texts]) => Object.entries(texts).map(([field, text]) => [`${locale}.${field}`, text]))) };

    // A new name alone is no change of terms: saved at once.
    expect((await post(cookie, '/newsletter', { ...stored, 'en.name': 'The Letter' })).status).toBe(303);
    const changed = { ...stored, 'en.name': 'The Letter', 'en.frequency': 'Every day' };
    const asked = await post(cookie, '/newsletter', changed);
    expect(asked.status).toBe(400);
    const askedHtml = await asked.text();
    expect(askedHtml).toContain('Is it a minor or a material change?');
    expect(askedHtml).toContain('Consents given before stop allowing mail until each person grants again');
    expect(askedHtml).toContain('value="Every day"');
    expect((await apiCategories()).find((category) => category.key === 'newsletter')!.translations.en!.frequency).toBe(before.translations.en!.frequency);

    const saved = await post(cookie, '/newsletter', { ...changed, termsChange: 'material' });
    expect(saved.status).toBe(303);
    const after = (await apiCategories()).find((category) => category.key === 'newsletter')!;
    expect(after.translations.en).toMatchObject({ name: 'The Letter', frequency: 'Every day' });
    expect(after.materialChangeAt).not.toBeNull();
    expect(await (await t.request(saved.headers.get('Location')!, withCookie(cookie))).text()).toContain('Last material change:');

    const emptied = await post(cookie, '/newsletter', { ...changed, 'ja.name': '' });
    expect(emptied.status).toBe(400);
    expect(await emptied.text()).toContain('id="ja.name-error"');
  });

  it('offers a category by SMS too when both boxes are ticked, and refuses none ticked', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    const body = new URLSearchParams({ ...EVENTS });
    body.append('channels', 'sms');
    const both = await t.request('/admin/sites/demo/categories', withCookie(cookie, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    expect(both.status).toBe(303);
    expect((await apiCategories()).find((category) => category.key === 'events')).toMatchObject({ channels: ['email', 'sms'] });
    const { channels: _ignored, ...noChannel } = EVENTS;
    const none = await post(cookie, '', { ...noChannel, key: 'quiet' });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choose email, SMS or both.');
    expect((await apiCategories()).some((category) => category.key === 'quiet')).toBe(false);
  });

  it('shows a viewer the categories without a way to change them; another site’s editor and a stranger see nothing', async () => {
    const viewer = (await signedInOperator(t, 'viewer@shop.example', 'viewer')).cookie;
    const list = await (await t.request('/admin/sites/demo/categories', withCookie(viewer))).text();
    expect(list).toContain('Newsletter');
    expect(list).not.toContain('Archive');
    expect(list).not.toContain('Add a kind of email');
    expect(await (await t.request('/admin/sites/demo/categories/newsletter', withCookie(viewer))).text()).not.toContain('>Save<');
    const before = await apiCategories();
    expect((await post(viewer, '', EVENTS)).status).toBe(403);
    expect((await post(viewer, '/newsletter/archive', {})).status).toBe(403);
    expect((await post(viewer, '/newsletter/move', { position: '1' })).status).toBe(403);
    expect((await post(viewer, '/newsletter', { 'en.name': 'Taken' })).status).toBe(403);

    await addTeaSite(t);
    const teaEditor = (await signedInOperator(t, 'tea@shop.example', 'editor', 'tea')).cookie;
    expect((await t.request('/admin/sites/demo/categories', withCookie(teaEditor))).status).toBe(404);
    expect((await post(teaEditor, '/newsletter/archive', {})).status).toBe(404);
    expect((await t.request('/admin/sites/demo/categories')).status).toBe(303);
    const owner = (await signedInOperator(t, 'owner@shop.example', 'owner')).cookie;
    expect((await post(owner, '', EVENTS, { Origin: 'https://evil.example' })).status).toBe(403);
    expect(await apiCategories()).toEqual(before);
  });
});
