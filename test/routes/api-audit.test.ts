import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let contactId: string;
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
  contactId = (await t.contact('a@example.com')).id;
});

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  t.request(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const audit = async (query = '') => (await (await api('GET', `/audit${query}`)).json()).entries;

describe('the audit log', () => {
  it('records every API request that reads or changes personal data: key, route, contact, status, time', async () => {
    await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' });
    t.clock.advance(1000);
    await api('GET', `/sites/demo/contacts/${contactId}/events`);
    await api('POST', '/sites/demo/contacts/links', { email: 'a@example.com' });
    await api('POST', `/sites/demo/contacts/${contactId}/revoke-links`);
    await api('POST', '/sites/demo/contacts/lookup', { email: 'nobody@example.com' });
    const entries = await audit();
    expect(entries.map((e: { method: string; route: string; contactId: string | null; status: number }) => [e.method, e.route, e.contactId, e.status])).toEqual([
      ['POST', '/api/v1/sites/:site/contacts/lookup', null, 404],
      ['POST', '/api/v1/sites/:site/contacts/:id/revoke-links', contactId, 200],
      ['POST', '/api/v1/sites/:site/contacts/links', contactId, 200],
      ['GET', '/api/v1/sites/:site/contacts/:id/events', contactId, 200],
      ['POST', '/api/v1/sites/:site/contacts/lookup', contactId, 200],
    ]);
    expect(entries[4]).toEqual({
      id: 1,
      keyId: 'admin',
      method: 'POST',
      route: '/api/v1/sites/:site/contacts/lookup',
      siteId: 'demo',
      contactId,
      status: 200,
      occurredAt: '2026-11-01T09:00:00.000Z',
    });
    expect(entries[3].occurredAt).toBe('2026-11-01T09:00:01.000Z');
  });

  it('does not record requests that failed authentication (they read nothing)', async () => {
    expect((await api('POST', '/sites/demo/contacts/lookup', { email: 'a@example.com' }, { Authorization: 'Bearer wrong-key-000000000' })).status).toBe(401);
    expect(await audit()).toEqual([]);
  });

  it('pages with ?before and filters with ?contact', async () => {
    for (let i = 0; i < 5; i++) await api('GET', `/sites/demo/contacts/${contactId}/events`);
    await api('POST', '/sites/demo/contacts/lookup', { email: 'nobody@example.com' });
    const firstPage = await audit('?limit=2');
    expect(firstPage.map((e: { id: number }) => e.id)).toEqual([6, 5]);
    const next = await audit(`?limit=2&before=${firstPage[1].id}`);
    expect(next.map((e: { id: number }) => e.id)).toEqual([4, 3]);
    expect(await audit(`?contact=${contactId}`)).toHaveLength(5);
  });

  it('refuses bad paging with 400 and is itself behind the key', async () => {
    expect((await api('GET', '/audit?limit=0')).status).toBe(400);
    expect((await api('GET', '/audit?before=abc')).status).toBe(400);
    expect((await api('GET', '/audit', undefined, {})).status).toBe(401);
  });
});
