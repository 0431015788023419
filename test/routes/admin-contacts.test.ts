// Finding a person in the console by their exact address, their consents and printable proof,
// revoking their links and erasing them: each audited with the operator's id, each refused to a
// viewer where it changes something, and nothing of another site's contacts.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let contactId: string;
let manage: string;
beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'pat@example.com', name: 'Pat Lee', categories: ['newsletter'] });
  const [confirmation] = await t.deliver();
  await t.request(confirmPath(confirmation!), { method: 'POST' });
  const [welcome] = await t.deliver();
  manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
  contactId = (await t.contact('pat@example.com')).id;
});

const signedIn = (email: string, role: string, siteId?: string) => signedInOperator(t, email, role, siteId);



const auditRows = () => t.db.selectFrom('audit_log').select(['operator_id', 'route', 'contact_id', 'method']).where('operator_id', 'is not', null).orderBy('id').execute();

describe('finding a contact', () => {
  it('goes to the contact of the exact address, and says so when there is none', async () => {
    const { cookie } = await signedIn('owner@shop.example', 'owner');
    const found = await t.request('/admin/sites/demo/contacts?email=PAT%40example.com', withCookie(cookie));
    expect(found.status).toBe(303);
    expect(found.headers.get('Location')).toBe(`/admin/sites/demo/contacts/${contactId}?lang=en`);
    const none = await t.request('/admin/sites/demo/contacts?email=nobody%40example.com', withCookie(cookie));
    expect(none.status).toBe(404);
    expect(await none.text()).toContain('No contact with the address nobody@example.com on this site.');
    const searchPage = await t.request('/admin/sites/demo/contacts', withCookie(cookie));
    expect(searchPage.status).toBe(200);
    expect(await searchPage.text()).not.toContain('pat@example.com');
  });
});

describe('a contact', () => {
  it('shows the consents and the printable proof, and both reads are audited with the operator', async () => {
    const { cookie, id } = await signedIn('owner@shop.example', 'owner');
    const page = await t.request(`/admin/sites/demo/contacts/${contactId}`, withCookie(cookie));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Contact pat@example.com');
    expect(html).toContain('Pat Lee');
    expect(html).toMatch(/<td>Newsletter<\/td><td>email<\/td><td>granted<\/td>/);
    const proof = await t.request(`/admin/sites/demo/contacts/${contactId}/proof`, withCookie(cookie));
    expect(proof.status).toBe(200);
    expect(await proof.text()).toContain('I agree that Demo Shop K.K. may send');
    expect(await auditRows()).toEqual([
      { operator_id: id, route: '/admin/sites/:site/contacts/:id', contact_id: contactId, method: 'GET' },
      { operator_id: id, route: '/admin/sites/:site/contacts/:id/proof', contact_id: contactId, method: 'GET' },
    ]);
  });

  it('revokes the links mailed so far: the preference link stops working', async () => {
    const { cookie } = await signedIn('editor@shop.example', 'editor', 'demo');
    expect((await t.request(manage)).status).toBe(200);
    const res = await t.request(`/admin/sites/demo/contacts/${contactId}/revoke-links`, withCookie(cookie, { method: 'POST' }));
    expect(res.status).toBe(303);
    expect(await (await t.request(res.headers.get('Location')!, withCookie(cookie))).text()).toContain('no longer works');
    expect((await t.request(manage)).status).not.toBe(200);
  });

  it('erases after a confirmation page, and the contact page then shows no address', async () => {
    const { cookie } = await signedIn('owner@shop.example', 'owner');
    const confirm = await t.request(`/admin/sites/demo/contacts/${contactId}/erase`, withCookie(cookie));
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Erase pat@example.com?');
    expect((await t.contact('pat@example.com')).email).not.toBe('');
    const erased = await t.request(`/admin/sites/demo/contacts/${contactId}/erase`, withCookie(cookie, { method: 'POST' }));
    expect(erased.status).toBe(303);
    const after = await (await t.request(erased.headers.get('Location')!, withCookie(cookie))).text();
    expect(after).toContain('Erased. The address, name and consents are gone.');
    expect(after).not.toContain('pat@example.com');
    expect(await t.db.selectFrom('contacts').select('email').where('id', '=', contactId).executeTakeFirstOrThrow()).toEqual({ email: '' });
  });

  it('a viewer reads but may neither revoke nor erase', async () => {
    const { cookie } = await signedIn('viewer@shop.example', 'viewer');
    const html = await (await t.request(`/admin/sites/demo/contacts/${contactId}`, withCookie(cookie))).text();
    expect(html).toContain('Your role (viewer) can read, not change');
    expect(html).not.toContain('revoke-links');
    for (const [path, method] of [['revoke-links', 'POST'], ['erase', 'GET'], ['erase', 'POST']] as const) {
      expect((await t.request(`/admin/sites/demo/contacts/${contactId}/${path}`, withCookie(cookie, { method }))).status, `${method} ${path}`).toBe(403);
    }
    expect((await t.request(manage)).status).toBe(200);
    expect((await t.contact('pat@example.com')).email).not.toBe('');
  });

  it('is a 404 to an editor of another site, whatever they try', async () => {
    await addTeaSite(t);
    const { cookie } = await signedIn('editor@tea.example', 'editor', 'tea');
    for (const [path, method] of [
      [`/admin/sites/demo/contacts?email=pat%40example.com`, 'GET'],
      [`/admin/sites/demo/contacts/${contactId}`, 'GET'],
      [`/admin/sites/demo/contacts/${contactId}/proof`, 'GET'],
      [`/admin/sites/demo/contacts/${contactId}/erase`, 'POST'],
      [`/admin/sites/tea/contacts/${contactId}`, 'GET'],
    ] as const) {
      const res = await t.request(path, withCookie(cookie, { method }));
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('pat@example.com');
    }
    expect((await t.contact('pat@example.com')).email).not.toBe('');
    expect(await auditRows()).toEqual([]);
  });
});
