// The signup form on a site's own pages: the iframe page, a plain HTML form posted from the
// site's origin, and the script embed's form.json and JSON POST, each allowed only for the
// site's allowedOrigins, each recording the host page and the embedded wording.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };

beforeEach(async () => {
  t = await makeTestApp();
  const res = await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [SHOP] }) });
  expect(res.status).toBe(200);
});

const hashOf = (html: string) => /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
const cspOf = (res: Response) => res.headers.get('Content-Security-Policy') ?? '';

async function formJson(origin = SHOP, lang = 'en') {
  return t.request(`/s/demo/form.json?lang=${lang}`, { headers: { Origin: origin } });
}

function postJson(body: Record<string, unknown>, origin = SHOP) {
  return t.request('/s/demo', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Origin: origin, 'User-Agent': 'HostBrowser/1' } });
}

function postForm(fields: Record<string, string | string[]>, headers: Record<string, string>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
}

async function lastEvent(email: string) {
  return (await t.events(email)).at(-1)!;
}

describe('the iframe page /s/{site}/embed', () => {
  it('is the compact form, framable by the site’s origins only, carrying its host page', async () => {
    const res = await t.request('/s/demo/embed?lang=en', { headers: { Referer: `${SHOP}/news/2026?ref=top` } });
    expect(res.status).toBe(200);
    expect(cspOf(res)).toContain(`frame-ancestors ${SHOP}`);
    expect(res.headers.get('X-Frame-Options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<body class="compact">');
    expect(html).toContain('embed-frame.js');
    expect(html).toContain('<input type="hidden" name="embed" value="iframe"/>');
    expect(html).toContain(`<input type="hidden" name="page" value="${SHOP}/news/2026?ref=top"/>`);
    expect(html).not.toContain('Choose the emails you want'); // no introduction in the compact form
  });

  it('does not carry a Referer from anywhere else, and frames nowhere for a site without origins', async () => {
    const html = await (await t.request('/s/demo/embed', { headers: { Referer: `${EVIL}/page` } })).text();
    expect(html).not.toContain('name="page"');
    await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [] }) });
    expect(cspOf(await t.request('/s/demo/embed'))).toContain("frame-ancestors 'none'");
  });

  it('the hosted page still frames nowhere', async () => {
    const res = await t.request('/s/demo');
    expect(cspOf(res)).toContain("frame-ancestors 'none'");
    expect(res.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
  });

  it('its form records an embedded signup with the host page, and answers in the frame', async () => {
    const page = await (await t.request('/s/demo/embed?lang=en', { headers: { Referer: `${SHOP}/news` } })).text();
    const res = await postForm(
      { email: 'framed@example.com', name: '', lang: 'en', consent: hashOf(page), categories: 'newsletter', embed: 'iframe', page: `${SHOP}/news`, website: '' },
      { Origin: BASE_URL, 'Sec-Fetch-Site': 'same-origin' },
    );
    expect(res.status).toBe(200);
    expect(cspOf(res)).toContain(`frame-ancestors ${SHOP}`);
    const html = await res.text();
    expect(html).toContain('Check your inbox');
    expect(html).toContain('<body class="compact">');
    expect(await lastEvent('framed@example.com')).toMatchObject({ action: 'requested', method: 'embedded_form', source_url: `${SHOP}/news` });
    expect(await t.deliver()).toHaveLength(1);
  });
});

describe('a plain HTML form on the site’s own page', () => {
  async function snippetFields() {
    const res = await t.request('/api/v1/sites/demo/embed?lang=en', { headers: auth });
    expect(res.status).toBe(200);
    const { html } = (await res.json()) as { html: string };
    return { consent: hashOf(html), lang: 'en' };
  }

  it('posted from an allowed origin: accepted, the hosted answer, the host page as evidence', async () => {
    const res = await postForm({ ...(await snippetFields()), email: 'plain@example.com', categories: ['newsletter', 'offers'] }, { Origin: SHOP, Referer: `${SHOP}/` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    expect(cspOf(res)).toContain("frame-ancestors 'none'");
    expect(await lastEvent('plain@example.com')).toMatchObject({ method: 'embedded_form', source_url: `${SHOP}/` });
    expect(await t.consents('plain@example.com')).toEqual({ newsletter: 'pending', offers: 'pending' });
  });

  it('sends the person back to an allowed return_to (303), and ignores any other', async () => {
    const fields = { ...(await snippetFields()), categories: 'newsletter' };
    const back = await postForm({ ...fields, email: 'back@example.com', return_to: `${SHOP}/thanks?from=form` }, { Origin: SHOP });
    expect(back.status).toBe(303);
    expect(back.headers.get('Location')).toBe(`${SHOP}/thanks?from=form`);
    for (const elsewhere of [`${EVIL}/thanks`, 'javascript:alert(1)', '//evil.example/x', 'not a url']) {
      const res = await postForm({ ...fields, email: 'stay@example.com', return_to: elsewhere }, { Origin: SHOP });
      expect(res.status).toBe(200);
      expect(res.headers.get('Location')).toBeNull();
    }
  });

  it('from any other origin: the 403 page, nothing recorded', async () => {
    const res = await postForm({ ...(await snippetFields()), email: 'forged@example.com', categories: 'newsletter' }, { Origin: EVIL });
    expect(res.status).toBe(403);
    expect(await t.events('forged@example.com')).toEqual([]);
  });

  it('with the hosted page’s wording hash, or an old one: 409 and the form to read again', async () => {
    const hosted = hashOf(await (await t.request('/s/demo?lang=en')).text());
    const res = await postForm({ consent: hosted, lang: 'en', email: 'old@example.com', categories: 'newsletter' }, { Origin: SHOP });
    expect(res.status).toBe(409);
    expect(await t.events('old@example.com')).toEqual([]);
  });
});

describe('the script embed', () => {
  it('form.json gives the form in the page’s language, readable by the allowed origin only', async () => {
    const res = await formJson(SHOP, 'ja');
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    const form = (await res.json()) as Record<string, any>;
    expect(form).toMatchObject({ site: 'demo', lang: 'ja', action: `${BASE_URL}/s/demo`, hostedUrl: `${BASE_URL}/s/demo?lang=ja` });
    expect(form.categories.map((c: { key: string }) => c.key)).toEqual(['newsletter', 'offers']);
    expect(form.categories[0]).toMatchObject({ name: 'ニュースレター', frequency: '月1回' });
    expect(form.exempt).toHaveLength(1);
    expect(form.consent.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(form.labels.submit).toBe('登録する');
    expect((await formJson(EVIL)).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers the CORS preflight for the allowed origin only', async () => {
    const preflight = (origin: string) =>
      t.app.request('/s/demo', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    const ok = await preflight(SHOP);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    expect(ok.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(ok.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('content-type');
    expect((await preflight(EVIL)).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('a JSON signup is recorded with the page it was on, and answered in JSON', async () => {
    const form = (await (await formJson()).json()) as { consent: { sha256: string } };
    const res = await postJson({ email: 'script@example.com', name: 'Sam', categories: ['offers'], consent: form.consent.sha256, lang: 'en', website: '', page: `${SHOP}/blog/post-1#signup` });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SHOP);
    const answer = (await res.json()) as { status: string; title: string; paragraphs: string[] };
    expect(answer).toMatchObject({ status: 'ok', title: 'Check your inbox' });
    expect(await lastEvent('script@example.com')).toMatchObject({ method: 'embedded_form', source_url: `${SHOP}/blog/post-1#signup`, user_agent: 'HostBrowser/1' });
    expect((await t.deliver()).map((mail) => mail.to)).toEqual([['script@example.com']]);
  });

  it('a reported page on another origin than the request’s is not believed: the origin is recorded', async () => {
    const form = (await (await formJson()).json()) as { consent: { sha256: string } };
    await postJson({ email: 'liar@example.com', categories: ['offers'], consent: form.consent.sha256, lang: 'en', page: `${EVIL}/fake` });
    expect((await lastEvent('liar@example.com')).source_url).toBe(SHOP);
  });

  it('errors come back in JSON, tied to their fields; a changed wording is a 409', async () => {
    const form = (await (await formJson()).json()) as { consent: { sha256: string } };
    const invalid = await postJson({ email: 'not an address', categories: [], consent: form.consent.sha256, lang: 'en' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      status: 'invalid',
      message: 'Please correct the highlighted fields.',
      errors: { email: 'Enter an email address like name@example.com.', categories: 'Tick at least one kind of email.' },
    });
    const stale = await postJson({ email: 'stale@example.com', categories: ['offers'], consent: 'f'.repeat(64), lang: 'en' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { status: string }).status).toBe('wording_changed');
    for (const body of ['[]', 'null', '"x"', '{"email":', '']) {
      const res = await t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/json', Origin: SHOP } });
      expect(res.status).toBe(400);
    }
    expect(await t.events('stale@example.com')).toEqual([]);
  });

  it('from another origin: refused before anything is recorded', async () => {
    const form = (await (await formJson()).json()) as { consent: { sha256: string } };
    const res = await postJson({ email: 'evil@example.com', categories: ['offers'], consent: form.consent.sha256, lang: 'en' }, EVIL);
    expect(res.status).toBe(403);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await t.events('evil@example.com')).toEqual([]);
  });

  it('gives the same answer for every address state, and the honeypot records nothing', async () => {
    const form = (await (await formJson()).json()) as { consent: { sha256: string } };
    const ask = async (email: string, website = '') => (await postJson({ email, categories: ['offers'], consent: form.consent.sha256, lang: 'en', website })).text();
    const first = await ask('same@example.com');
    expect(await ask('same@example.com')).toBe(first);
    expect(await ask('bot@example.com', 'https://spam.example')).toBe(first);
    expect(await t.events('bot@example.com')).toEqual([]);
  });
});

describe('/embed.js', () => {
  it('is a script any page may load, cached briefly with an ETag', async () => {
    const res = await t.request('/embed.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    const etag = res.headers.get('ETag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await res.text()).toContain('data-assent-site');
    const again = await t.request('/embed.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('weighs at most 6 KB compressed', async () => {
    const { gzipSync } = await import('node:zlib');
    expect(gzipSync(Buffer.from(await (await t.request('/embed.js')).text()), { level: 9 }).length).toBeLessThanOrEqual(6 * 1024);
  });
});

describe('GET /api/v1/sites/{site}/embed', () => {
  it('gives the three snippets for the site, in the language asked for', async () => {
    const res = await t.request(`/api/v1/sites/demo/embed?lang=ja&returnTo=${encodeURIComponent(`${SHOP}/thanks`)}`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { iframe: string; html: string; script: string };
    expect(body).toMatchObject({ site: 'demo', lang: 'ja', allowedOrigins: [SHOP] });
    expect(body.iframe).toContain(`<iframe src="${BASE_URL}/s/demo/embed?lang=ja"`);
    expect(body.iframe).toContain(`event.origin !== "${new URL(BASE_URL).origin}"`);
    expect(body.script).toContain('<div data-assent-site="demo" data-lang="ja">');
    expect(body.script).toContain(`<script src="${BASE_URL}/embed.js" async></script>`);
    expect(body.html).toContain(`<form class="assent-form" method="post" action="${BASE_URL}/s/demo" lang="ja">\n`);
    expect(body.html).toContain(`<input type="hidden" name="return_to" value="${SHOP}/thanks"/>`);
    // One embedded wording for all three doors.
    const form = (await (await formJson(SHOP, 'ja')).json()) as { consent: { sha256: string } };
    expect(hashOf(body.html)).toBe(form.consent.sha256);
    expect(hashOf(await (await t.request('/s/demo/embed?lang=ja')).text())).toBe(form.consent.sha256);
  });

  it('warns when the site has no allowed origins, and refuses a returnTo elsewhere', async () => {
    const elsewhere = await t.request(`/api/v1/sites/demo/embed?returnTo=${encodeURIComponent(`${EVIL}/x`)}`, { headers: auth });
    expect(elsewhere.status).toBe(400);
    await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [] }) });
    const body = (await (await t.request('/api/v1/sites/demo/embed', { headers: auth })).json()) as { warning?: string };
    expect(body.warning).toContain('no allowedOrigins');
  });
});
