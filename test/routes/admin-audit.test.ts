// The audit log in the console: owners only, newest first, filtered by contact, operator and
// dates; the console's own reads appear with the operator's address.
import { beforeEach, describe, expect, it } from 'vitest';
import { signedInOperator, withCookie } from '../helpers/console.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let contactId: string;
beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'pat@example.com', categories: ['newsletter'] });
  contactId = (await t.contact('pat@example.com')).id;
});

const signedIn = (email: string, role: string, siteId?: string) => signedInOperator(t, email, role, siteId);



const rowsOf = (html: string) => [...html.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td><code>([^<]*)<\/code>/g)].map((m) => ({ who: m[2], request: m[3] }));

describe('the audit log in the console', () => {
  it('lists the API’s and the console’s reads of a contact, newest first, and filters by operator, contact and date', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    await t.request('/api/v1/sites/demo/contacts/lookup', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'pat@example.com' }) });
    await t.request(`/admin/sites/demo/contacts/${contactId}`, withCookie(owner.cookie));

    const all = await t.request('/admin/audit', withCookie(owner.cookie));
    expect(all.status).toBe(200);
    expect(rowsOf(await all.text())).toEqual([
      { who: 'owner@shop.example', request: 'GET /admin/sites/:site/contacts/:id' },
      { who: 'ADMIN_API_KEY', request: 'POST /api/v1/sites/:site/contacts/lookup' },
    ]);
    const byOperator = await (await t.request(`/admin/audit?operator=${owner.id}`, withCookie(owner.cookie))).text();
    expect(rowsOf(byOperator)).toEqual([{ who: 'owner@shop.example', request: 'GET /admin/sites/:site/contacts/:id' }]);
    expect(rowsOf(await (await t.request(`/admin/audit?contact=${contactId}`, withCookie(owner.cookie))).text())).toHaveLength(2);
    expect(rowsOf(await (await t.request('/admin/audit?contact=someone-else', withCookie(owner.cookie))).text())).toEqual([]);
    const today = t.clock.now().toISOString().slice(0, 10);
    expect(rowsOf(await (await t.request(`/admin/audit?from=${today}`, withCookie(owner.cookie))).text())).toHaveLength(2);
    expect(rowsOf(await (await t.request(`/admin/audit?to=${today}`, withCookie(owner.cookie))).text())).toEqual([]);
  });

  it('says how to write a date it cannot read', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    const res = await t.request('/admin/audit?from=yesterday', withCookie(owner.cookie));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Write dates as YYYY-MM-DD.');
  });

  it('is for owners only', async () => {
    const editor = await signedIn('editor@shop.example', 'editor');
    expect((await t.request('/admin/audit', withCookie(editor.cookie))).status).toBe(403);
  });
});
