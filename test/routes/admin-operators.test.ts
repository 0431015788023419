// Operators in the console: owners create them (the setup link shown once), disable them and give
// them a new setup link; never themselves; nobody else manages operators.
import { beforeEach, describe, expect, it } from 'vitest';
import { form, OPERATOR_PASSWORD, signedInOperator, withCookie } from '../helpers/console.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const signIn = (email: string, password = OPERATOR_PASSWORD) =>
  t.request('/admin/login', form({ email, password }));

describe('operators in the console', () => {
  it('an owner creates an editor whose setup link works, then disables them and gives them a new link', async () => {
    const owner = await signedInOperator(t, 'owner@shop.example', 'owner');
    const created = await t.request('/admin/operators', withCookie(owner.cookie, form({ email: 'ed@shop.example', role: 'editor', site: 'demo' })));
    expect(created.status).toBe(201);
    const link = /<code class="hash">(https:\/\/assent\.test\/admin\/setup\/[\w-]+)<\/code>/.exec(await created.text())?.[1];
    expect(link).toBeDefined();
    expect((await t.request(new URL(link!).pathname, form({ password: OPERATOR_PASSWORD, repeat: OPERATOR_PASSWORD }))).status).toBe(303);
    const listing = await (await t.request('/admin/operators', withCookie(owner.cookie))).text();
    expect(listing).toMatch(/<td>ed@shop\.example<\/td><td>editor<\/td><td>demo<\/td><td>active<\/td>/);

    const ed = (await t.db.selectFrom('operators').select('id').where('role', '=', 'editor').executeTakeFirstOrThrow()).id;
    const disabled = await t.request(`/admin/operators/${ed}/disable`, withCookie(owner.cookie, { method: 'POST' }));
    expect(disabled.status).toBe(303);
    expect(await (await t.request(disabled.headers.get('Location')!, withCookie(owner.cookie))).text()).toContain('ed@shop.example is disabled');
    expect((await signIn('ed@shop.example')).status).toBe(401);

    const reset = await t.request(`/admin/operators/${ed}/reset`, withCookie(owner.cookie, { method: 'POST' }));
    expect(reset.status).toBe(201);
    expect(await reset.text()).toContain('The setup link for ed@shop.example.');
  });

  it('refuses a bad address, an unknown role or site, and the owner’s own account', async () => {
    const owner = await signedInOperator(t, 'owner@shop.example', 'owner');
    for (const fields of [{ email: 'not an address', role: 'viewer', site: '' }, { email: 'a@shop.example', role: 'admin', site: '' }, { email: 'a@shop.example', role: 'viewer', site: 'nope' }]) {
      const res = await t.request('/admin/operators', withCookie(owner.cookie, form(fields)));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await res.text()).toMatch(/<p class="error" role="alert">[^<]+<\/p>/);
    }
    expect(await t.db.selectFrom('operators').select('id').execute()).toHaveLength(1);
    const self = await t.request(`/admin/operators/${owner.id}/disable`, withCookie(owner.cookie, { method: 'POST' }));
    expect(self.status).toBe(400);
    expect((await t.request('/admin', withCookie(owner.cookie))).status).toBe(200);
  });

  it('is for owners only', async () => {
    const editor = await signedInOperator(t, 'editor@shop.example', 'editor');
    expect((await t.request('/admin/operators', withCookie(editor.cookie))).status).toBe(403);
    expect((await t.request('/admin/operators', withCookie(editor.cookie, form({ email: 'x@shop.example', role: 'owner', site: '' })))).status).toBe(403);
    expect(await t.db.selectFrom('operators').select('id').execute()).toHaveLength(1);
  });
});
