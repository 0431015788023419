import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const lookup = (body: unknown, headers: Record<string, string> = auth, site = 'demo') =>
  t.request(`/api/v1/sites/${site}/contacts/lookup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function confirmedAlice() {
  await t.signup({ email: 'Alice@Example.com', categories: ['newsletter', 'offers'] });
  const [mail] = await t.deliver();
  t.clock.advance(5 * 60_000);
  await t.request(confirmPath(mail!), { method: 'POST', headers: { 'User-Agent': 'Phone/1' } });
}

describe('POST /api/v1/sites/{site}/contacts/lookup', () => {
  it('finds a contact by address, however it is written, with its consents', async () => {
    await confirmedAlice();
    const res = await lookup({ email: ' alice@EXAMPLE.com ' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      contact: {
        id: expect.any(String),
        email: 'Alice@Example.com',
        phone: null,
        locale: 'en',
        consents: [
          { category: 'newsletter', channel: 'email', status: 'granted', updatedAt: '2026-11-01T09:05:00.000Z' },
          { category: 'offers', channel: 'email', status: 'granted', updatedAt: '2026-11-01T09:05:00.000Z' },
        ],
      },
    });
  });

  it('answers 404 for an unknown address or site', async () => {
    expect(await (await lookup({ email: 'nobody@example.com' })).json()).toEqual({
      error: { code: 'not_found', message: expect.any(String) },
    });
    expect((await lookup({ email: 'a@example.com' }, auth, 'nope')).status).toBe(404);
  });

  it.each([['{"email":'], ['[]'], [{}], [{ email: 42 }], [{ email: 'x'.repeat(300) }], ['']])(
    'answers 400 invalid_request to %o',
    async (body) => {
      const res = await lookup(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    },
  );

  it.each([[{}], [{ Authorization: 'Bearer wrong-key-0000000000' }], [{ Authorization: ADMIN_KEY }], [{ Authorization: 'Basic abc' }]])(
    'answers 401 to %o',
    async (headers) => {
      const res = await lookup({ email: 'a@example.com' }, headers);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    },
  );
});

describe('GET /api/v1/sites/{site}/contacts/{id}/events', () => {
  it('lists the ledger in order with the wording each event points at', async () => {
    await confirmedAlice();
    const { contact } = await (await lookup({ email: 'alice@example.com' })).json();
    const res = await t.request(`/api/v1/sites/demo/contacts/${contact.id}/events`, { headers: auth });
    expect(res.status).toBe(200);
    const { events } = await res.json();
    expect(events.map((e: { category: string; action: string }) => `${e.category}:${e.action}`)).toEqual([
      'newsletter:requested',
      'offers:requested',
      'newsletter:confirmed',
      'offers:confirmed',
    ]);
    expect(events[2]).toEqual({
      id: expect.any(Number),
      category: 'newsletter',
      channel: 'email',
      action: 'confirmed',
      method: 'confirmation_link',
      occurredAt: '2026-11-01T09:05:00.000Z',
      sourceUrl: 'https://assent.test/s/demo?lang=en',
      ip: '203.0.113.7',
      userAgent: 'Phone/1',
      policyVersion: '2026-01',
      locale: 'en',
      consentText: { sha256: events[0].consentText.sha256, text: expect.stringContaining('I agree that Demo Shop K.K.') },
      formSha256: null,
      evidence: null,
      actor: null,
      basis: 'express',
      relationshipAt: null,
    });
    expect(events[0]).toMatchObject({ action: 'requested', basis: null });
    expect(events[0].userAgent).toBe('TestBrowser/1.0');
  });

  it('answers 404 for an unknown contact or site, 401 without the key', async () => {
    expect((await t.request('/api/v1/sites/demo/contacts/nope/events', { headers: auth })).status).toBe(404);
    expect((await t.request('/api/v1/sites/nope/contacts/nope/events', { headers: auth })).status).toBe(404);
    expect((await t.request('/api/v1/sites/demo/contacts/nope/events')).status).toBe(401);
  });
});

describe('without ADMIN_API_KEY', () => {
  it('every /api/ route is 404', async () => {
    const bare = await makeTestApp({ ADMIN_API_KEY: '' });
    for (const [method, path] of [
      ['POST', '/api/v1/sites/demo/contacts/lookup'],
      ['GET', '/api/v1/sites/demo/contacts/x/events'],
      ['GET', '/api/anything'],
    ] as const) {
      const res = await bare.request(path, { method, headers: auth });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
  });
});

describe('POST /api/v1/sites/{site}/contacts/links', () => {
  const links = (body: unknown, headers: Record<string, string> = auth) =>
    t.request('/api/v1/sites/demo/contacts/links', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('gives per-recipient links and one-click headers that work', async () => {
    await confirmedAlice();
    const res = await links({ email: 'alice@example.com' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.manageUrl).toMatch(/^https:\/\/assent\.test\/p\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.unsubscribeUrl).toMatch(/^https:\/\/assent\.test\/u\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.headers).toEqual({
      'List-Unsubscribe': `<${body.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': '<demo.assent.test>',
    });
    expect((await t.request(body.manageUrl.replace('https://assent.test', ''))).status).toBe(200);
    const oneClick = await t.request(body.unsubscribeUrl.replace('https://assent.test', ''), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect(await t.consents('Alice@Example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('scopes the unsubscribe link to one category when asked', async () => {
    await confirmedAlice();
    const body = await (await links({ email: 'alice@example.com', category: 'offers' })).json();
    await t.request(body.unsubscribeUrl.replace('https://assent.test', ''), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(await t.consents('Alice@Example.com')).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
  });

  it('answers 404 for an unknown contact, 400 for an unknown or exempt category or a bad body, 401 without the key', async () => {
    await confirmedAlice();
    expect((await links({ email: 'nobody@example.com' })).status).toBe(404);
    for (const body of [{ email: 'alice@example.com', category: 'nope' }, { email: 'alice@example.com', category: 'account' }, {}, { email: 7 }]) {
      const res = await links(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
    expect((await links({ email: 'alice@example.com' }, {})).status).toBe(401);
  });
});

describe('POST /api/v1/sites/{site}/contacts/{id}/revoke-links', () => {
  it('kills every manage link and open confirmation link made before it; unsubscribe links still unsubscribe', async () => {
    await confirmedAlice();
    // Alice asks for something new and has not confirmed it yet: that link is open.
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('category_key', '=', 'offers').execute();
    await t.deliver();
    t.clock.advance(11 * 60_000);
    await t.signup({ email: 'Alice@Example.com', categories: ['offers'] });
    const [openConfirmation] = await t.deliver();
    const old = await (
      await t.request('/api/v1/sites/demo/contacts/links', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth },
        body: JSON.stringify({ email: 'alice@example.com' }),
      })
    ).json();
    const { contact } = await (await lookup({ email: 'alice@example.com' })).json();
    const res = await t.request(`/api/v1/sites/demo/contacts/${contact.id}/revoke-links`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ contact: { id: contact.id, tokenEpoch: 1 } });
    expect((await t.request(old.manageUrl.replace('https://assent.test', ''))).status).toBe(400);
    for (const method of ['GET', 'POST']) expect((await t.request(confirmPath(openConfirmation!), { method })).status).toBe(400);
    expect(await t.consents('Alice@Example.com')).toEqual({ newsletter: 'granted', offers: 'pending' });
    // Unsubscribing can only reduce mail: an old unsubscribe link keeps doing that (CASL: 60 days).
    const oneClick = await t.request(old.unsubscribeUrl.replace('https://assent.test', ''), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect(await t.consents('Alice@Example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect((await t.request(`/api/v1/sites/demo/contacts/nope/revoke-links`, { method: 'POST', headers: auth })).status).toBe(404);
  });
});

describe('JSON answers', () => {
  it('carry what people typed as the same values, but never as markup', async () => {
    // A user agent is stored as sent (cut at 512 characters) and returned escaped.
    const evil = '<script>alert("x")</script>';
    const res = await t.request('/s/demo', {
      method: 'POST',
      body: new URLSearchParams({ email: 'z@example.com', categories: 'newsletter', lang: 'en', consent: await consentOf() }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': evil + 'u'.repeat(1000) },
    });
    expect(res.status).toBe(200);
    const z = (await (await lookup({ email: 'z@example.com' })).json()).contact;
    const events = await t.request(`/api/v1/sites/demo/contacts/${z.id}/events`, { headers: auth });
    const raw = await events.text();
    expect(raw).not.toContain('<script>');
    expect(raw).toContain('\\u003cscript\\u003e');
    const [event] = JSON.parse(raw).events;
    expect(event.userAgent.startsWith(evil)).toBe(true);
    expect(event.userAgent).toHaveLength(512);
  });
});

async function consentOf() {
  return /name="consent" value="([0-9a-f]{64})"/.exec(await (await t.request('/s/demo')).text())![1]!;
}
