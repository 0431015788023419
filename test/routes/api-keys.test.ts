import { describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/domain/api-keys.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

async function withSecondSite(t: TestApp) {
  const now = t.clock.now().toISOString();
  await t.db
    .insertInto('sites')
    .values({
      id: 'other',
      name: 'Other',
      legal_name: 'Other Ltd',
      postal_address: 'Somewhere',
      inquiry_contact: 'hi@other.example',
      sender_address: null,
      privacy_policy_url: 'https://other.example/privacy',
      privacy_policy_version: '1',
      default_locale: 'en',
      time_zone: 'UTC',
      created_at: now,
    })
    .execute();
}

const lookup = (t: TestApp, key: string, site = 'demo') =>
  t.request(`/api/v1/sites/${site}/contacts/lookup`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'a@example.com' }),
  });

describe('API keys', () => {
  it('a site key reaches its site, gets 403 on another, and cannot read the all-sites audit log', async () => {
    const t = await makeTestApp();
    await withSecondSite(t);
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    const { key, id } = await createApiKey(t.deps, { siteId: 'demo', label: 'CRM' });
    expect(key).toMatch(/^assent_[0-9a-z]{20}_[0-9a-z]{40}$/);
    expect((await lookup(t, key)).status).toBe(200);
    const other = await lookup(t, key, 'other');
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe('forbidden');
    expect((await t.request('/api/v1/audit', { headers: { Authorization: `Bearer ${key}` } })).status).toBe(403);
    // The audit log names the key that read the contact, and its refused tries elsewhere.
    const audit = await (await t.request('/api/v1/audit', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json();
    expect(audit.entries.map((e: { keyId: string; status: number; outcome: string }) => [e.keyId, e.status, e.outcome])).toEqual([
      [id, 403, 'other_site'],
      [id, 403, 'other_site'],
      [id, 200, 'allowed'],
    ]);
  });

  it('an all-sites key reaches every site', async () => {
    const t = await makeTestApp();
    await withSecondSite(t);
    const { key } = await createApiKey(t.deps, { siteId: null });
    expect((await lookup(t, key, 'other')).status).toBe(404); // reached: no such contact there
    expect((await t.request('/api/v1/audit', { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('stores only a hash, and a revoked, altered or unknown key gets 401', async () => {
    const t = await makeTestApp();
    const { key, id } = await createApiKey(t.deps, { siteId: 'demo' });
    const stored = await t.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.split('_')[2]);
    expect((await lookup(t, key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'))).status).toBe(401);
    expect((await lookup(t, `assent_${'0'.repeat(20)}_${'0'.repeat(40)}`)).status).toBe(401);
    expect(await revokeApiKey(t.deps, id)).toBe(true);
    expect((await lookup(t, key)).status).toBe(401);
    expect(await revokeApiKey(t.deps, id)).toBe(false);
  });

  it('keep the API on without ADMIN_API_KEY; with neither, every route is 404', async () => {
    const t = await makeTestApp({ ADMIN_API_KEY: '' });
    expect((await lookup(t, 'anything')).status).toBe(404);
    const { key } = await createApiKey(t.deps, { siteId: null });
    expect((await lookup(t, key)).status).toBe(404); // the API answers: no such contact
    expect((await lookup(t, 'wrong')).status).toBe(401);
  });

  it('a malformed site in the path is a 403 for a site key, never a 500', async () => {
    const t = await makeTestApp();
    const { key } = await createApiKey(t.deps, { siteId: 'demo' });
    expect((await lookup(t, key, '%E0%A4%A')).status).toBe(403);
  });
});

describe('API rate limits', () => {
  it('answer 429 with Retry-After per key, and another key is not affected', async () => {
    const t = await makeTestApp({ RATE_LIMIT_API: '3/1m' });
    const { key } = await createApiKey(t.deps, { siteId: null });
    for (let i = 0; i < 3; i++) expect((await lookup(t, key)).status).toBe(404);
    const limited = await lookup(t, key);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('too_many_requests');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await lookup(t, ADMIN_KEY)).status).toBe(404);
    t.clock.advance(60_000);
    expect((await lookup(t, key)).status).toBe(404);
  });
});
