// The screen the person saw: every door's form carries the SHA-256 of itself as first shown; a
// signup is checked against what we would show now, its events name it, it is stored once, and
// GET /api/v1/sites/{site}/forms/{sha256} and the proof bundle give it back exactly.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const SHOP = 'https://shop.example';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hidden = (html: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"/>`).exec(html)?.[1] ?? null;
const formInput = (sha: string) => `<input type="hidden" name="form" value="${sha}"/>`;

beforeEach(async () => {
  t = await makeTestApp();
  const res = await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [SHOP] }) });
  expect(res.status).toBe(200);
});

function postForm(fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'TestBrowser/1.0', ...headers } });
}

/** The hosted page's fields as a browser would post them. */
async function hostedFields(lang = 'en') {
  const html = await (await t.request(`/s/demo?lang=${lang}`)).text();
  return { html, fields: { lang, consent: hidden(html, 'consent')!, form: hidden(html, 'form')!, email: 'alice@example.com', name: '', categories: 'newsletter', website: '' } };
}

const storedForms = () => t.db.selectFrom('forms').selectAll().orderBy('created_at').execute();
const formsOf = async (email: string) => (await t.events(email)).map((e) => e.form_sha256);
const getForm = (sha: string, site = 'demo', headers: Record<string, string> = auth) => t.request(`/api/v1/sites/${site}/forms/${sha}`, { headers });

describe('the hosted page', () => {
  it('carries the SHA-256 of itself as shown, without that one field; the signup’s events name it and it is stored as shown', async () => {
    const { html, fields } = await hostedFields();
    const sha = fields.form;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    // The page as served, less the field that carries the hash, is exactly what the hash covers.
    expect(html.split(formInput(sha))).toHaveLength(2);
    const shown = html.replace(formInput(sha), '');
    expect(sha256(shown)).toBe(sha);

    expect((await postForm(fields)).status).toBe(200);
    expect(await formsOf('alice@example.com')).toEqual([sha]);
    const [row] = await storedForms();
    expect(row).toEqual({
      sha256: sha,
      site_id: 'demo',
      door: 'hosted',
      locale: 'en',
      template_version: 'signup-page/1',
      content_type: 'text/html',
      content: shown,
      consent_text_sha256: fields.consent,
      created_at: '2026-11-01T09:00:00.000Z',
    });
  });

  it('is stored once however many sign up through it; each language is its own form', async () => {
    const { fields } = await hostedFields();
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) expect((await postForm({ ...fields, email })).status).toBe(200);
    const ja = await hostedFields('ja');
    expect(ja.fields.form).not.toBe(fields.form);
    expect((await postForm({ ...ja.fields, email: 'd@example.jp' })).status).toBe(200);
    expect((await storedForms()).map((row) => [row.sha256, row.locale])).toEqual([
      [fields.form, 'en'],
      [ja.fields.form, 'ja'],
    ]);
    expect(await formsOf('d@example.jp')).toEqual([ja.fields.form]);
  });

  it('keeps naming the blank form after a correction, and the corrected signup names it', async () => {
    const { fields } = await hostedFields();
    const invalid = await postForm({ ...fields, email: 'not-an-address' });
    expect(invalid.status).toBe(400);
    const again = await invalid.text();
    expect(again).toContain('value="not-an-address"');
    expect(hidden(again, 'form')).toBe(fields.form);
    expect((await postForm({ ...fields, form: hidden(again, 'form')! })).status).toBe(200);
    expect(await formsOf('alice@example.com')).toEqual([fields.form]);
  });

  it('a form hash that is not the form we show now: 409, the current form again, nothing recorded', async () => {
    const { fields } = await hostedFields();
    for (const form of ['f'.repeat(64), 'not a hash', fields.form.slice(0, 63) + '0']) {
      const res = await postForm({ ...fields, form });
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('This page changed while you had it open');
      expect(hidden(html, 'form')).toBe(fields.form);
    }
    expect(await t.db.selectFrom('consent_events').selectAll().execute()).toEqual([]);
    expect(await storedForms()).toEqual([]);
    expect(await t.deliver()).toEqual([]);
  });

  it('the form changes with what it shows: a category’s text, and an old page is refused', async () => {
    const before = await hostedFields();
    const patched = await t.request('/api/v1/sites/demo/categories/newsletter', {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ translations: { en: { description: 'Changed.' } } }),
    });
    expect(patched.status).toBe(200);
    const after = await hostedFields();
    expect(after.fields.form).not.toBe(before.fields.form);
    expect((await postForm(before.fields)).status).toBe(409);
    expect((await postForm(after.fields)).status).toBe(200);
  });

  it('a submission that names no form (a page or snippet from before) still signs up, naming no form', async () => {
    const { fields } = await hostedFields();
    const { form, ...without } = fields;
    expect(form).toBeTruthy();
    expect((await postForm(without)).status).toBe(200);
    expect(await formsOf('alice@example.com')).toEqual([null]);
    expect(await storedForms()).toEqual([]);
    expect(await t.deliver()).toHaveLength(1);
  });
});

describe('the iframe page', () => {
  it('names itself as first shown: without its host page and its own hash; the signup records door iframe', async () => {
    const html = await (await t.request('/s/demo/embed?lang=en', { headers: { Referer: `${SHOP}/news` } })).text();
    const sha = hidden(html, 'form')!;
    expect(hidden(html, 'page')).toBe(`${SHOP}/news`);
    const shown = html.replace(formInput(sha), '').replace(`<input type="hidden" name="page" value="${SHOP}/news"/>`, '');
    expect(sha256(shown)).toBe(sha);
    // The same frame on another host page is the same form.
    expect(hidden(await (await t.request('/s/demo/embed?lang=en')).text(), 'form')).toBe(sha);
    const res = await postForm(
      { email: 'framed@example.com', lang: 'en', consent: hidden(html, 'consent')!, form: sha, categories: 'newsletter', embed: 'iframe', page: `${SHOP}/news`, website: '' },
      { Origin: BASE_URL, 'Sec-Fetch-Site': 'same-origin' },
    );
    expect(res.status).toBe(200);
    expect(await formsOf('framed@example.com')).toEqual([sha]);
    expect(await storedForms()).toMatchObject([{ sha256: sha, door: 'iframe', content: shown, template_version: 'signup-page/1' }]);
  });
});

describe('the plain-form snippet', () => {
  async function snippet(returnTo = `${SHOP}/thanks`) {
    const res = await t.request(`/api/v1/sites/demo/embed?lang=en&returnTo=${encodeURIComponent(returnTo)}`, { headers: auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { html: string }).html;
  }

  it('carries the hash of the snippet without that line; a post from the site names it', async () => {
    const html = await snippet();
    const sha = hidden(html, 'form')!;
    const shown = html.replace(`${formInput(sha)}\n`, '');
    expect(sha256(shown)).toBe(sha);
    expect(hidden(await snippet(`${SHOP}/other`), 'form')).not.toBe(sha);
    const res = await postForm(
      { email: 'plain@example.com', lang: 'en', consent: hidden(html, 'consent')!, form: sha, return_to: `${SHOP}/thanks`, categories: 'offers', website: '' },
      { Origin: SHOP, Referer: `${SHOP}/signup` },
    );
    expect(res.status).toBe(303);
    expect(await formsOf('plain@example.com')).toEqual([sha]);
    expect(await storedForms()).toMatchObject([{ sha256: sha, door: 'html', content: shown, template_version: 'html-snippet/1', content_type: 'text/html' }]);
  });

  it('a post whose fields are not the snippet’s (another return_to under the same hash) is refused', async () => {
    const html = await snippet();
    const res = await postForm(
      { email: 'plain@example.com', lang: 'en', consent: hidden(html, 'consent')!, form: hidden(html, 'form')!, return_to: `${SHOP}/elsewhere`, categories: 'offers', website: '' },
      { Origin: SHOP },
    );
    expect(res.status).toBe(409);
    expect(await t.db.selectFrom('consent_events').selectAll().execute()).toEqual([]);
  });
});

describe('the script embed', () => {
  it('form.json names itself; the stored document is exactly that answer without its hash', async () => {
    const res = await t.request('/s/demo/form.json?lang=en', { headers: { Origin: SHOP } });
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    const raw = await res.text();
    const doc = JSON.parse(raw);
    const sha = doc.formSha256 as string;
    expect(raw.endsWith(`,"formSha256":"${sha}"}`)).toBe(true);
    const shown = raw.slice(0, -`,"formSha256":"${sha}"}`.length) + '}';
    expect(sha256(shown)).toBe(sha);
    expect(doc.renderer).toMatch(/^embed\.js\/[0-9a-f]{10}$/);

    const post = await t.request('/s/demo', {
      method: 'POST',
      body: JSON.stringify({ email: 'script@example.com', name: '', categories: ['newsletter'], consent: doc.consent.sha256, form: sha, lang: 'en', website: '', page: `${SHOP}/blog` }),
      headers: { 'Content-Type': 'application/json', Origin: SHOP },
    });
    expect(post.status).toBe(200);
    expect(await formsOf('script@example.com')).toEqual([sha]);
    expect(await storedForms()).toMatchObject([{ sha256: sha, door: 'script', content: shown, content_type: 'application/json', template_version: doc.renderer }]);
  });

  it('a wrong form hash is answered like changed wording, which makes the script fetch the form again', async () => {
    const doc = await (await t.request('/s/demo/form.json?lang=en', { headers: { Origin: SHOP } })).json();
    const post = await t.request('/s/demo', {
      method: 'POST',
      body: JSON.stringify({ email: 'script@example.com', categories: ['newsletter'], consent: doc.consent.sha256, form: 'e'.repeat(64), lang: 'en' }),
      headers: { 'Content-Type': 'application/json', Origin: SHOP },
    });
    expect(post.status).toBe(409);
    expect(((await post.json()) as { status: string }).status).toBe('wording_changed');
  });
});

describe('GET /api/v1/sites/{site}/forms/{sha256}', () => {
  it('answers the form exactly as shown, with its language, door and template version; reading it is audited', async () => {
    const { fields } = await hostedFields('ja');
    await postForm({ ...fields, email: 'hanako@example.jp' });
    const res = await getForm(fields.form);
    expect(res.status).toBe(200);
    const { form } = await res.json();
    const [row] = await storedForms();
    expect(form).toEqual({
      sha256: fields.form,
      site: 'demo',
      door: 'hosted',
      locale: 'ja',
      templateVersion: 'signup-page/1',
      contentType: 'text/html',
      content: row!.content,
      consentTextSha256: fields.consent,
      createdAt: '2026-11-01T09:00:00.000Z',
    });
    expect(sha256(form.content)).toBe(fields.form);
    expect(form.content).toContain('<html lang="ja">');
    const audited = await t.db.selectFrom('audit_log').select(['route', 'status']).where('route', 'like', '%forms%').execute();
    expect(audited).toEqual([{ route: '/api/v1/sites/:site/forms/:sha256', status: 200 }]);
  });

  it('is 404 for an unknown hash, a form of another site or an unknown site; 400 for what is not a hash; 401 without a key', async () => {
    const { fields } = await hostedFields();
    await postForm(fields);
    const other = await t.request('/api/v1/sites', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        id: 'other', name: 'Other', legalName: 'Other Ltd', postalAddress: 'addr', inquiryContact: 'inq@example.com',
        privacyPolicyUrl: 'https://other.example/privacy', privacyPolicyVersion: '1', defaultLocale: 'en', timeZone: 'UTC',
      }),
    });
    expect(other.status).toBe(201);
    expect((await getForm('0'.repeat(64))).status).toBe(404);
    expect((await getForm(fields.form, 'other')).status).toBe(404);
    expect((await getForm(fields.form, 'nope')).status).toBe(404);
    for (const bad of ['abc', fields.form.toUpperCase(), `${fields.form}0`]) {
      const res = await getForm(bad);
      expect(res.status).toBe(400);
      expect((await res.json()).error.details[0].path).toBe('sha256');
    }
    expect((await getForm(fields.form, 'demo', {})).status).toBe(401);
  });
});

describe('the proof bundle', () => {
  it('lists each form its events name, by hash, with the content, and each event names its form', async () => {
    const { fields } = await hostedFields();
    await postForm({ ...fields, categories: ['newsletter', 'offers'] });
    const { id } = await t.contact('alice@example.com');
    const bundle = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json();
    expect(bundle.events.map((e: { formSha256: string | null }) => e.formSha256)).toEqual([fields.form, fields.form]);
    expect(Object.keys(bundle.forms)).toEqual([fields.form]);
    expect(bundle.forms[fields.form]).toMatchObject({ door: 'hosted', locale: 'en', templateVersion: 'signup-page/1', contentType: 'text/html' });
    expect(sha256(bundle.forms[fields.form].content)).toBe(fields.form);

    const html = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof?format=html`, { headers: auth })).text();
    expect(html.split(`href="#form-${fields.form}"`)).toHaveLength(3);
    expect(html).toContain(`id="form-${fields.form}"`);
    expect(html).toContain('Our signup page');
    expect(html).toContain('Language en, template signup-page/1, first stored 2026-11-01T09:00:00.000Z');
    const ja = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof?format=html&lang=ja`, { headers: auth })).text();
    expect(ja).toContain('当サービスの登録ページ');
  });
});
