import { beforeEach, describe, expect, it } from 'vitest';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { escapeJsonMarkup } from '../../src/routes/markup-safe-json.ts';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const HOSTILE_NAME = '<script>alert("x")</script> & Co';

async function linksOf(email: string) {
  const res = await t.request('/api/v1/sites/demo/contacts/links', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return (await res.json()) as { manageUrl: string; unsubscribeUrl: string };
}

/** Signed up for newsletter and offers, confirmed, then offers withdrawn on the preference page. */
async function aliceWithHistory(): Promise<string> {
  await t.signup({ email: 'alice@example.com', name: HOSTILE_NAME, categories: ['newsletter', 'offers'] });
  const [mail] = await t.deliver();
  t.clock.advance(5 * 60_000);
  await t.request(confirmPath(mail!), { method: 'POST', headers: { 'User-Agent': 'Phone/1' } });
  await t.deliver();
  t.clock.advance(60_000);
  const manage = (await linksOf('alice@example.com')).manageUrl.slice('https://assent.test'.length);
  const html = await (await t.request(manage)).text();
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
  const form = new URLSearchParams([['consent', consent], ['shown', 'newsletter'], ['shown', 'offers'], ['categories', 'newsletter']]);
  const saved = await t.request(manage, {
    method: 'POST',
    body: form,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': '<b>Evil UA</b>' },
  });
  expect(saved.status).toBe(200);
  return (await t.contact('alice@example.com')).id;
}

const proof = (id: string, query = '', headers: Record<string, string> = auth, site = 'demo') =>
  t.request(`/api/v1/sites/${site}/contacts/${id}/proof${query}`, { headers });

beforeEach(async () => {
  t = await makeTestApp();
});

describe('GET /api/v1/sites/{site}/contacts/{id}/proof', () => {
  it('bundles the site, the contact, its consents and every event with its evidence and wording', async () => {
    const id = await aliceWithHistory();
    t.clock.advance(60_000);
    const res = await proof(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const raw = await res.text();
    const body = JSON.parse(raw);

    expect(body.generatedAt).toBe('2026-11-01T09:07:00.000Z');
    expect(body.site).toEqual({
      id: 'demo',
      name: expect.any(String),
      legalName: 'Demo Shop K.K.',
      postalAddress: expect.any(String),
      inquiryContact: expect.any(String),
      privacyPolicyUrl: expect.stringMatching(/^https?:\/\//),
      privacyPolicyVersion: '2026-01',
    });
    expect(body.contact).toEqual({
      id,
      email: 'alice@example.com',
      name: HOSTILE_NAME,
      locale: 'en',
      createdAt: '2026-11-01T09:00:00.000Z',
      confirmedAt: '2026-11-01T09:05:00.000Z',
      lastSentAt: null,
    });
    expect(body.consents).toEqual([
      { category: 'newsletter', channel: 'email', status: 'granted', updatedAt: '2026-11-01T09:05:00.000Z', lastSentAt: null },
      { category: 'offers', channel: 'email', status: 'withdrawn', updatedAt: '2026-11-01T09:06:00.000Z', lastSentAt: null },
    ]);
    expect(body.events.map((e: { category: string; action: string; method: string }) => `${e.category}:${e.action}:${e.method}`)).toEqual([
      'newsletter:requested:signup_form',
      'offers:requested:signup_form',
      'newsletter:confirmed:confirmation_link',
      'offers:confirmed:confirmation_link',
      'offers:withdrawn:preference_page',
    ]);
    // Evidence decrypted, exactly as recorded.
    expect(body.events[0]).toMatchObject({ ip: '203.0.113.7', userAgent: 'TestBrowser/1.0', policyVersion: '2026-01', locale: 'en' });
    expect(body.events[2]).toMatchObject({ userAgent: 'Phone/1', occurredAt: '2026-11-01T09:05:00.000Z', sourceUrl: 'https://assent.test/s/demo?lang=en' });
    expect(body.events[4]).toMatchObject({ userAgent: '<b>Evil UA</b>', sourceUrl: 'https://assent.test/p' });

    // Each wording once, keyed by its hash; every event points at one of them.
    const referenced = new Set(body.events.map((e: { consentTextSha256: string }) => e.consentTextSha256));
    expect(referenced.has(null)).toBe(false);
    expect(Object.keys(body.consentTexts).sort()).toEqual([...referenced].sort());
    expect(Object.keys(body.consentTexts)).toHaveLength(2); // the signup form's and the preference page's
    for (const [sha, wording] of Object.entries(body.consentTexts as Record<string, { text: string }>)) {
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      expect(raw.split(escapeJsonMarkup(JSON.stringify(wording.text))).length - 1).toBe(1);
    }
    expect(body.consentTexts[body.events[0].consentTextSha256].text).toContain('I agree that Demo Shop K.K.');
    // Not sealed yet.
    expect(body.events.every((e: { seal: string | null }) => e.seal === null)).toBe(true);
    // No markup in the JSON itself.
    expect(raw).not.toContain('<script>');
  });

  it('carries each event’s ledger seal once sealed, the same chain `ledger verify` checks', async () => {
    const id = await aliceWithHistory();
    await t.signup({ email: 'bob@example.com', categories: ['newsletter'] });
    expect(await sealLedger(t.deps)).toBeGreaterThan(5);
    const body = await (await proof(id)).json();
    const seals = await t.db.selectFrom('ledger_seals').select(['event_id', 'hash']).orderBy('event_id').execute();
    const byId = new Map(seals.map((s) => [s.event_id, s.hash]));
    expect(body.events).toHaveLength(5);
    for (const event of body.events) expect(event.seal).toBe(byId.get(event.id));
    expect(body.events.every((e: { seal: string | null }) => /^[0-9a-f]{64}$/.test(e.seal ?? ''))).toBe(true);
    const report = await verifyLedger(t.deps);
    expect(report.ok).toBe(true);
  });

  it('renders the same as a printable page, with the evidence and hostile strings escaped', async () => {
    const id = await aliceWithHistory();
    await sealLedger(t.deps);
    const json = await (await proof(id)).json();
    const res = await proof(id, '?format=html');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('class="proof"');
    expect(html).toContain('Proof of consent: alice@example.com');
    expect(html).toContain('Demo Shop K.K.');
    expect(html).toContain('203.0.113.7');
    expect(html).toContain('Phone/1');
    expect(html).toContain('I agree that Demo Shop K.K.');
    expect(html).toContain('2026-11-01T09:05:00.000Z');
    for (const event of json.events) {
      expect(html).toContain(event.seal);
      expect(html).toContain(`href="#wording-${event.consentTextSha256}"`);
    }
    for (const sha of Object.keys(json.consentTexts)) expect(html.split(`id="wording-${sha}"`)).toHaveLength(2);
    // Hostile name and user agent are text, never markup.
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>Evil UA</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).toContain('&lt;b&gt;Evil UA&lt;/b&gt;');
  });

  it('records the contact in the audit log', async () => {
    const id = await aliceWithHistory();
    await proof(id);
    await proof(id, '?format=html');
    const rows = await t.db.selectFrom('audit_log').select(['route', 'contact_id', 'status']).where('route', 'like', '%proof').execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.contact_id === id && row.status === 200)).toBe(true);
  });

  it('answers 404 for an unknown contact or site, 401 without the key, 400 for an unknown format', async () => {
    const id = await aliceWithHistory();
    expect((await proof('nope')).status).toBe(404);
    expect((await proof(id, '', auth, 'nope')).status).toBe(404);
    expect((await proof(id, '?format=html', auth, 'nope')).status).toBe(404);
    const anonymous = await proof(id, '', {});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthorized');
    expect((await proof(id, '?format=html', { Authorization: 'Bearer wrong-key-0000000000' })).status).toBe(401);
    expect((await proof(id, '?format=pdf')).status).toBe(400);
  });

  it('is in openapi.json with its JSON and HTML answers', async () => {
    const doc = await (await t.request('/api/v1/openapi.json')).json();
    const operation = doc.paths['/sites/{site}/contacts/{id}/proof'].get;
    expect(Object.keys(operation.responses['200'].content).sort()).toEqual(['application/json', 'text/html']);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['format', 'id', 'site']);
    expect(doc.components.schemas.ContactRecord.properties.consentTexts).toBeDefined();
  });
});

describe('GET /p/{token}/data (the person’s own copy)', () => {
  it('is offered on the preference page', async () => {
    await aliceWithHistory();
    const manage = (await linksOf('alice@example.com')).manageUrl.slice('https://assent.test'.length);
    const html = await (await t.request(manage)).text();
    expect(html).toContain(`<a href="${manage}/data" download="">Download my data</a>`);
    const ja = await (await t.request(`${manage}?lang=ja`)).text();
    expect(ja).toContain('データをダウンロード');
  });

  it('downloads everything held about the contact: the proof bundle, as a file nobody caches', async () => {
    const id = await aliceWithHistory();
    await sealLedger(t.deps);
    const manage = (await linksOf('alice@example.com')).manageUrl.slice('https://assent.test'.length);
    const res = await t.request(`${manage}/data`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="assent-data-2026-11-01.json"');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    const raw = await res.text();
    expect(raw).not.toContain('<script>');
    const data = JSON.parse(raw);
    expect(data).toEqual(await (await proof(id)).json());
    expect(data.contact).toMatchObject({ id, email: 'alice@example.com', name: HOSTILE_NAME });
    expect(data.events[0].ip).toBe('203.0.113.7');
  });

  it('changes nothing', async () => {
    await aliceWithHistory();
    const manage = (await linksOf('alice@example.com')).manageUrl.slice('https://assent.test'.length);
    const before = await t.events('alice@example.com');
    await t.request(`${manage}/data`);
    await t.request(`${manage}/data`, { method: 'HEAD' });
    expect(await t.events('alice@example.com')).toEqual(before);
  });

  it('refuses bad, wrong-purpose and revoked links with the same 400 page', async () => {
    const id = await aliceWithHistory();
    const { manageUrl, unsubscribeUrl } = await linksOf('alice@example.com');
    const manage = manageUrl.slice('https://assent.test'.length);
    const unsubscribeToken = unsubscribeUrl.split('/').pop()!;
    const expectRefused = async (path: string) => {
      const res = await t.request(path);
      expect(res.status).toBe(400);
      expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('This link does not work');
      expect(html).not.toContain('alice@example.com');
    };
    await expectRefused('/p/not-a-token/data');
    await expectRefused(`${manage.slice(0, -3)}xyz/data`);
    await expectRefused(`/p/${unsubscribeToken}/data`);
    const revoked = await t.request(`/api/v1/sites/demo/contacts/${id}/revoke-links`, { method: 'POST', headers: auth });
    expect(revoked.status).toBe(200);
    await expectRefused(`${manage}/data`);
  });

  it('shows only the contact the link was made for', async () => {
    await aliceWithHistory();
    await t.signup({ email: 'bob@example.com', name: 'Bob', categories: ['newsletter'] });
    const bob = await t.contact('bob@example.com');
    const alice = await t.contact('alice@example.com');
    const manage = (await linksOf('bob@example.com')).manageUrl.slice('https://assent.test'.length);
    const raw = await (await t.request(`${manage}/data`)).text();
    expect(raw).not.toContain('alice@example.com');
    expect(raw).not.toContain(alice.id);
    const data = JSON.parse(raw);
    expect(data.contact).toMatchObject({ id: bob.id, email: 'bob@example.com', name: 'Bob' });
    const bobEventIds = (await t.events('bob@example.com')).map((e) => e.id);
    expect(data.events.map((e: { id: number }) => e.id)).toEqual(bobEventIds);
    expect(data.consents).toEqual([{ category: 'newsletter', channel: 'email', status: 'pending', updatedAt: expect.any(String), lastSentAt: null }]);
  });
});

describe('the proof of an imported consent', () => {
  it('shows its evidence and who recorded it, in JSON and on the printable page', async () => {
    const t = await makeTestApp();
    const imported = await t.request('/api/v1/sites/demo/imports', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        importId: 'shop-2026-10',
        items: [{ email: 'paper@example.com', categories: ['offers'], method: 'in_store', occurredAt: '2026-10-05T12:00:00Z', evidence: 'Signed card #1042, Ginza shop', consentText: 'Yes, send me offers.' }],
      }),
    });
    expect(imported.status).toBe(201);
    const { id } = await t.contact('paper@example.com');
    const bundle = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json();
    const [event] = bundle.events;
    expect(event).toMatchObject({ action: 'granted', method: 'in_store', evidence: 'Signed card #1042, Ginza shop', actor: 'api_key:admin' });
    const html = await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof?format=html`, { headers: auth })).text();
    expect(html).toContain('Signed card #1042, Ginza shop');
    expect(html).toContain('api_key:admin');
  });
});
