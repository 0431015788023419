// Guessing API keys: failed authentications are limited per client address (RATE_LIMIT_API_AUTH)
// and answered 429 before any key is checked, so the right key cannot be found meanwhile; every
// refusal leaves an audit row without the key.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.tsx';
import { createApiKey } from '../../src/domain/api-keys.ts';
import { ADMIN_KEY, TEST_IP, makeTestApp, withOrigin, type TestApp } from '../helpers/test-app.ts';

const OTHER_IP = '198.51.100.23';

/** The same app (same database, clock and config) seen from another client address. */
function from(t: TestApp, ip: string) {
  const app = createApp(() => t.deps, { clientIp: () => ip });
  return (path: string, init?: RequestInit) => app.request(path, withOrigin(init));
}

function lookup(request: TestApp['request'], key: string) {
  return request('/api/v1/sites/demo/contacts/lookup', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.com' }),
  });
}

const wrongKey = (i: number) => `assent_${String(i).padStart(20, '0')}_${'s'.repeat(36)}${String(i).padStart(4, '0')}`;

async function auditEntries(t: TestApp) {
  const res = await from(t, OTHER_IP)('/api/v1/audit?limit=1000', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  return (await res.json()).entries as { keyId: string | null; status: number; outcome: string; attempt: number | null; clientIp: string }[];
}

describe('failed API authentications per client address', () => {
  it('2,000 wrong keys from one address: the first 20 get 401, the rest 429 with Retry-After, all audited without the key', async () => {
    const t = await makeTestApp();
    t.clock.set('2026-11-01T09:02:30.400Z'); // 449.6 s before the 10-minute window ends
    const statuses: number[] = [];
    let lastRetryAfter: string | null = null;
    for (let i = 0; i < 2000; i++) {
      const res = await lookup(t.request, wrongKey(i));
      statuses.push(res.status);
      if (res.status === 429) {
        lastRetryAfter = res.headers.get('Retry-After');
        if (i === 20) expect((await res.json()).error.code).toBe('too_many_requests');
      }
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(1980).fill(429));
    expect(lastRetryAfter).toBe('450');

    const entries = (await auditEntries(t)).filter((e) => e.clientIp === TEST_IP).reverse();
    const refused = entries.filter((e) => e.outcome === 'wrong_key');
    expect(refused.map((e) => [e.status, e.attempt])).toEqual(Array.from({ length: 20 }, (_, i) => [401, i + 1]));
    expect(refused.map((e) => e.keyId)).toEqual(Array.from({ length: 20 }, (_, i) => String(i).padStart(20, '0')));
    // Throttled attempts leave a row at the 1st, 2nd, 4th... beyond the limit: the scale shows,
    // and a flood cannot grow the append-only table without end.
    const throttled = entries.filter((e) => e.outcome === 'throttled');
    expect(throttled.map((e) => [e.status, e.attempt])).toEqual([21, 22, 24, 28, 36, 52, 84, 148, 276, 532, 1044].map((n) => [429, n]));
    const stored = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
    for (const i of [0, 7, 19, 20, 1043, 1999]) expect(stored).not.toContain(wrongKey(i).slice(-40));
  });

  it('refuses even the right key from a throttled address, until the window ends; another address is not affected', async () => {
    const t = await makeTestApp({ RATE_LIMIT_API_AUTH: '3/10m' });
    const { key } = await createApiKey(t.deps, { siteId: 'demo' });
    for (let i = 0; i < 3; i++) expect((await lookup(t.request, wrongKey(i))).status).toBe(401);
    const blocked = await lookup(t.request, ADMIN_KEY);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await lookup(t.request, key)).status).toBe(429);

    const other = from(t, OTHER_IP);
    expect((await lookup(other, ADMIN_KEY)).status).toBe(404);
    expect((await lookup(other, key)).status).toBe(404);
    // IPv6 counts per /64, as the page limits do: a neighbour in the same /64 is the same client.
    for (let i = 0; i < 3; i++) expect((await lookup(from(t, `2001:db8:1:2::${i + 1}`), wrongKey(i))).status).toBe(401);
    expect((await lookup(from(t, '2001:db8:1:2::99'), ADMIN_KEY)).status).toBe(429);
    expect((await lookup(from(t, '2001:db8:1:3::1'), ADMIN_KEY)).status).toBe(404);

    t.clock.advance(10 * 60_000);
    expect((await lookup(t.request, ADMIN_KEY)).status).toBe(404);
  });

  it('never counts requests whose key was right', async () => {
    const t = await makeTestApp({ RATE_LIMIT_API_AUTH: '3/10m' });
    for (let i = 0; i < 50; i++) expect((await lookup(t.request, ADMIN_KEY)).status).toBe(404);
    for (let i = 0; i < 3; i++) expect((await lookup(t.request, wrongKey(i))).status).toBe(401);
    expect((await lookup(t.request, wrongKey(3))).status).toBe(429);
  });

  it('holds for attempts in parallel: exactly the limit get their key checked', async () => {
    const t = await makeTestApp({ RATE_LIMIT_API_AUTH: '5/10m' });
    const statuses = await Promise.all(Array.from({ length: 40 }, async (_, i) => (await lookup(t.request, wrongKey(i))).status));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
  });

  it('leaves the OpenAPI document open to all', async () => {
    const t = await makeTestApp({ RATE_LIMIT_API_AUTH: '1/10m' });
    expect((await lookup(t.request, wrongKey(0))).status).toBe(401);
    expect((await lookup(t.request, wrongKey(1))).status).toBe(429);
    expect((await t.request('/api/v1/openapi.json')).status).toBe(200);
  });
});
