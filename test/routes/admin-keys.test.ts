// API keys in the console: owners only; a new key is shown once and opens the API at once; a
// revoked one no longer does; bad input is refused with nothing made.
import { beforeEach, describe, expect, it } from 'vitest';
import { form, signedInOperator, withCookie } from '../helpers/console.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const signedIn = async (email: string, role: string, siteId?: string) => (await signedInOperator(t, email, role, siteId)).cookie;



const lookup = (key: string) =>
  t.request('/api/v1/sites/demo/contacts/lookup', { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com' }) });

describe('API keys in the console', () => {
  it('an owner creates a site key shown once, which opens the API, and revokes it', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    const created = await t.request('/admin/keys', withCookie(owner, form({ site: 'demo', label: 'CRM sync' })));
    expect(created.status).toBe(201);
    const html = await created.text();
    const key = /<code class="hash">(assent_\w+)<\/code>/.exec(html)?.[1];
    expect(key).toBeDefined();
    expect((await lookup(key!)).status).toBe(404); // authenticated: the address is simply unknown

    const listing = await (await t.request('/admin/keys', withCookie(owner))).text();
    expect(listing).toContain('CRM sync');
    expect(listing).not.toContain(key!.split('_')[2]!);

    const id = key!.split('_')[1]!;
    const revoked = await t.request(`/admin/keys/${id}/revoke`, withCookie(owner, { method: 'POST' }));
    expect(revoked.status).toBe(303);
    expect(await (await t.request(revoked.headers.get('Location')!, withCookie(owner))).text()).toContain(`Key ${id} is revoked`);
    expect((await lookup(key!)).status).toBe(401);
    expect((await t.request(`/admin/keys/${id}/revoke`, withCookie(owner, { method: 'POST' }))).status).toBe(404);
  });

  it('refuses a bad label or an unknown site, and makes no key', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    const control = await t.request('/admin/keys', withCookie(owner, form({ site: '', label: 'CRM\u0007sync' })));
    expect(control.status).toBe(400);
    expect(await control.text()).toContain('no control characters');
    expect((await t.request('/admin/keys', withCookie(owner, form({ site: '', label: 'x'.repeat(101) })))).status).toBe(400);
    expect((await t.request('/admin/keys', withCookie(owner, form({ site: 'nope', label: '' })))).status).toBe(400);
    expect(await t.db.selectFrom('api_keys').select('id').execute()).toEqual([]);
  });

  it('is for owners only', async () => {
    for (const [email, role] of [['editor@shop.example', 'editor'], ['viewer@shop.example', 'viewer']]) {
      const cookie = await signedIn(email!, role!);
      expect((await t.request('/admin/keys', withCookie(cookie))).status).toBe(403);
      expect((await t.request('/admin/keys', withCookie(cookie, form({ site: '', label: 'x' })))).status).toBe(403);
    }
    expect(await t.db.selectFrom('api_keys').select('id').execute()).toEqual([]);
  });
});
