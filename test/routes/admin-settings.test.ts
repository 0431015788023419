// A site's settings in the console: saved through the rules and the update the API uses, shown
// on the public pages and in the emails at once; bad fields answered per field, nothing saved;
// the logo checked by its bytes and served from our origin; viewers read only.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { ADMIN_KEY, BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

// The smallest PNG: a 1×1 transparent pixel.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (ch) => ch.charCodeAt(0));

async function apiSite() {
  return (await (await t.request('/api/v1/sites/demo', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()).site;
}

/** The settings form as the page shows it, with some fields changed. */
async function save(cookie: string, changes: Record<string, string>, headers: Record<string, string> = {}) {
  const site = await apiSite();
  const fields: Record<string, string> = {
    name: site.name,
    legalName: site.legalName,
    postalAddress: site.postalAddress,
    inquiryContact: site.inquiryContact,
    senderAddress: site.senderAddress ?? '',
    privacyPolicyUrl: site.privacyPolicyUrl,
    privacyPolicyVersion: site.privacyPolicyVersion,
    defaultLocale: site.defaultLocale,
    timeZone: site.timeZone,
    allowedOrigins: site.allowedOrigins.join('\n'),
    accentColor: site.accentColor ?? '',
    ...changes,
  };
  return t.request('/admin/sites/demo/settings', withCookie(cookie, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } }));
}

function uploadLogo(cookie: string, bytes: Uint8Array<ArrayBuffer>, name = 'logo.png', type = 'image/png') {
  const body = new FormData();
  body.set('logo', new File([bytes], name, { type }));
  return t.request('/admin/sites/demo/settings/logo', withCookie(cookie, { method: 'POST', body }));
}

describe('site settings in the console', () => {
  it('an editor changes the sender and the accent: the API, the signup page and the confirmation email show it at once', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    const page = await (await t.request('/admin/sites/demo/settings', withCookie(cookie))).text();
    expect(page).toContain('value="Demo Shop"');
    expect(await (await t.request('/s/demo')).text()).not.toContain('brand.css');

    const saved = await save(cookie, { legalName: 'Demo Shop K.K.', accentColor: '#0F766E', allowedOrigins: 'https://shop.example\n\nhttps://blog.shop.example' });
    expect(saved.status).toBe(303);
    expect(await (await t.request(saved.headers.get('Location')!, withCookie(cookie))).text()).toContain('Saved.');
    expect(await apiSite()).toMatchObject({ legalName: 'Demo Shop K.K.', accentColor: '#0f766e', allowedOrigins: ['https://shop.example', 'https://blog.shop.example'] });

    // The kept signup page is forgotten by the console's change, as by the API's.
    const signup = await (await t.request('/s/demo')).text();
    expect(signup).toContain('<link rel="stylesheet" href="/s/demo/brand.css?v=0f766e"/>');
    const css = await t.request('/s/demo/brand.css?v=0f766e');
    expect(await css.text()).toBe(':root{--accent:#0f766e}\n');
    expect(css.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect((await t.request('/s/demo/brand.css?v=1d4ed8')).headers.get('Cache-Control')).toBe('no-cache');

    await t.signup({ email: 'reader@example.com', categories: ['newsletter'] });
    await t.deliver();
    const mail = t.mailer.sent.at(-1)!;
    // The button is painted in the site's accent: the table cell and Outlook's VML button.
    expect(mail.html).toContain('bgcolor="#0f766e" style="background-color:#0f766e');
    expect(mail.html).toContain('fillcolor="#0f766e"');
    expect(mail.text).toContain('Demo Shop K.K.');
  });

  it('answers each bad field in the page’s language and saves nothing, keeping what was typed', async () => {
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    const before = await apiSite();
    const res = await save(cookie, {
      legalName: '  ',
      privacyPolicyUrl: 'http://shop.example/privacy',
      timeZone: 'Mars/Olympus',
      allowedOrigins: 'https://shop.example\nhttps://shop.example/signup',
      accentColor: '#ffd700',
      senderAddress: 'not an address',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Some fields need another look; nothing was saved.');
    expect(html).toMatch(/id="legalName-error">Fill this in: at most 200 characters, on one line\./);
    expect(html).toContain('Use an address that starts with https://.');
    expect(html).toContain('Use an IANA time zone');
    expect(html).toContain('Line 2 is not an origin');
    expect(html).toContain('white text on it has a contrast of 1.40:1');
    expect(html).toContain('Use an address or “Name &lt;address&gt;”');
    expect(html).toContain('value="Mars/Olympus"');
    expect(await apiSite()).toEqual(before);

    const ja = await t.request('/admin/sites/demo/settings?lang=ja', withCookie(cookie, { method: 'POST', body: new URLSearchParams({ ...before, legalName: '', allowedOrigins: '', senderAddress: '', accentColor: 'blue' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    expect(ja.status).toBe(400);
    const jaHtml = await ja.text();
    expect(jaHtml).toContain('入力してください（1行、200 文字以内）。');
    expect(jaHtml).toContain('# に続けて16進数6桁');
  });

  it('refuses a default language some category has no text in, naming the categories', async () => {
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    const added = await t.request('/api/v1/sites/demo/categories', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'events', kind: 'opt_in', translations: { en: { name: 'Events', description: 'Invitations.', purpose: 'To invite you.', frequency: 'Rarely' } } }),
    });
    expect(added.status).toBe(201);
    const res = await save(cookie, { defaultLocale: 'ja' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('First give these categories a text in Japanese: events.');
    expect((await apiSite()).defaultLocale).toBe('en');
  });

  it('takes a logo by its bytes, serves it from our origin to pages and emails, and removes it', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    const uploaded = await uploadLogo(cookie, PNG);
    expect(uploaded.status).toBe(303);
    const { logoPath } = await apiSite();
    expect(logoPath).toMatch(/^\/s\/demo\/logo\?v=[0-9a-f]{16}$/);
    expect(await (await t.request('/s/demo')).text()).toContain(`<img class="brand-logo" src="${logoPath.replace('&', '&amp;')}" alt="Demo Shop"/>`);
    const logo = await t.request(logoPath);
    expect(logo.headers.get('Content-Type')).toBe('image/png');
    expect(logo.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(logo.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(new Uint8Array(await logo.arrayBuffer())).toEqual(PNG);

    await t.signup({ email: 'reader@example.com', categories: ['newsletter'] });
    await t.deliver();
    expect(t.mailer.sent.at(-1)!.html).toContain(`src="${BASE_URL}${logoPath}"`);

    const removed = await t.request('/admin/sites/demo/settings/logo/delete', withCookie(cookie, { method: 'POST' }));
    expect(removed.status).toBe(303);
    expect((await apiSite()).logoPath).toBeNull();
    expect(await (await t.request('/s/demo')).text()).not.toContain('brand-logo');
    expect((await t.request(logoPath)).status).toBe(404);
  });

  it('refuses a logo that is no image, an SVG, one over 100 KB and no file at all, keeping the one there', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    expect((await uploadLogo(cookie, PNG)).status).toBe(303);
    const kept = (await apiSite()).logoPath;
    const svg = await uploadLogo(cookie, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.png', 'image/png');
    expect(svg.status).toBe(400);
    expect(await svg.text()).toContain('not a PNG, JPEG, GIF or WebP image');
    const big = new Uint8Array(100 * 1024 + 1);
    big.set(PNG);
    const tooBig = await uploadLogo(cookie, big);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain('over 100 KB');
    const none = await t.request('/admin/sites/demo/settings/logo', withCookie(cookie, { method: 'POST', body: new FormData() }));
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choose an image file first.');
    expect((await apiSite()).logoPath).toBe(kept);
  });

  it('lets a viewer read the settings but change nothing; an editor of another site and a stranger see nothing', async () => {
    const viewer = (await signedInOperator(t, 'viewer@shop.example', 'viewer')).cookie;
    const page = await (await t.request('/admin/sites/demo/settings', withCookie(viewer))).text();
    expect(page).toContain('You may read these settings');
    expect(page).not.toContain('Save settings');
    expect((await save(viewer, { name: 'Taken over' })).status).toBe(403);
    expect((await uploadLogo(viewer, PNG)).status).toBe(403);
    expect((await apiSite()).name).toBe('Demo Shop');

    await addTeaSite(t);
    const teaEditor = (await signedInOperator(t, 'tea@shop.example', 'editor', 'tea')).cookie;
    expect((await t.request('/admin/sites/demo/settings', withCookie(teaEditor))).status).toBe(404);
    expect((await save(teaEditor, { name: 'Taken over' })).status).toBe(404);
    const stranger = await t.request('/admin/sites/demo/settings');
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('Location')).toBe('/admin/login?lang=en');
  });

  it('refuses a form posted from another origin', async () => {
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    expect((await save(cookie, { name: 'Forged' }, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await apiSite()).name).toBe('Demo Shop');
  });
});

describe('a new site in the console', () => {
  const NEW_SITE = {
    id: 'tea',
    name: 'Tea House',
    legalName: 'Tea House K.K.',
    postalAddress: '1 Gion, Kyoto',
    inquiryContact: 'hello@tea.example',
    senderAddress: '',
    privacyPolicyUrl: 'https://tea.example/privacy',
    privacyPolicyVersion: '1',
    defaultLocale: 'ja',
    timeZone: 'Asia/Tokyo',
    allowedOrigins: 'https://tea.example',
    accentColor: '',
  };
  const create = (cookie: string, fields: Record<string, string>) =>
    t.request('/admin/new-site?lang=ja', withCookie(cookie, { method: 'POST', body: new URLSearchParams(fields), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));

  it('an owner adds one, with the rules of POST /api/v1/sites, and goes on to its categories', async () => {
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    expect(await (await t.request('/admin', withCookie(cookie))).text()).toContain('href="/admin/new-site?lang=en"');
    const form = await (await t.request('/admin/new-site?lang=ja', withCookie(cookie))).text();
    expect(form).toContain('サイト ID');
    expect(form).not.toContain('ロゴ');

    const bad = await create(cookie, { ...NEW_SITE, id: 'Tea House', timeZone: '' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('a-z、0-9、「-」を 1〜50 文字で入力してください。');
    expect(badHtml).toContain('IANA タイムゾーン');
    expect(badHtml).toContain('value="Tea House K.K."');
    expect((await t.request('/api/v1/sites/tea', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(404);

    const made = await create(cookie, NEW_SITE);
    expect(made.status).toBe(303);
    expect(made.headers.get('Location')).toBe('/admin/sites/tea/categories?lang=ja&done=created');
    expect(await (await t.request(made.headers.get('Location')!, withCookie(cookie))).text()).toContain('サイトを作成しました。');
    const site = (await (await t.request('/api/v1/sites/tea', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()).site;
    expect(site).toMatchObject({ name: 'Tea House', defaultLocale: 'ja', allowedOrigins: ['https://tea.example'], senderAddress: null, accentColor: null, categories: [] });
    expect((await t.request('/s/tea')).status).toBe(200);

    const again = await create(cookie, { ...NEW_SITE, name: 'Other' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('この ID のサイトはすでにあります。');
  });

  it('is for owners only: an editor of every site is refused and nothing is made', async () => {
    const { cookie } = await signedInOperator(t, 'editor@shop.example', 'editor');
    expect(await (await t.request('/admin', withCookie(cookie))).text()).not.toContain('new-site');
    expect((await t.request('/admin/new-site', withCookie(cookie))).status).toBe(403);
    expect((await create(cookie, NEW_SITE)).status).toBe(403);
    expect((await t.request('/api/v1/sites/tea', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(404);
  });
});
