// "Delete my data" on the preference page: a page that says what goes and what is kept, then
// the one erasure path (method self_service), and a page that says what is held and until when.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let manage: string;
const EMAIL = 'kim@example.com';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: EMAIL, categories: ['newsletter'] });
  await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST', headers: { 'User-Agent': 'KimPhone/1' } });
  const [welcome] = await t.deliver();
  manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
});

const send = () =>
  t.request('/api/v1/sites/demo/sends', { method: 'POST', headers: auth, body: JSON.stringify({ campaign: 'nov', category: 'newsletter', emails: [EMAIL] }) });

describe('Delete my data', () => {
  it('is linked from the preference page, and its first page changes nothing', async () => {
    expect(await (await t.request(manage)).text()).toContain(`href="${manage}/delete"`);
    const res = await t.request(`${manage}/delete`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('This deletes your email address and name at Demo Shop K.K.');
    expect(html).toContain('No email was ever sent to you, so the record of your consent is deleted too.');
    expect(html).toContain(`<form method="post" action="${manage}/delete">`);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted' });
  });

  it('erases through the one erasure path, and the link stops working', async () => {
    const id = (await t.contact(EMAIL)).id;
    const res = await t.request(`${manage}/delete`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your data is deleted');
    const row = await t.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.email).toBe('');
    expect(row.name).toBeNull();
    const erased = (await t.db.selectFrom('consent_events').selectAll().where('contact_id', '=', id).where('action', '=', 'erased').execute()).map((e) => e.method);
    expect(erased).toEqual(['self_service']);
    expect(await t.db.selectFrom('suppressions').select('email_hash').execute()).toHaveLength(1);
    expect((await t.request(manage)).status).toBe(400);
    // Never mailed: the evidence is gone at once.
    expect(await t.db.selectFrom('event_evidence').selectAll().execute()).toEqual([]);
  });

  it('after a send, says what is kept and until when (the site’s time zone), and keeps it', async () => {
    t.clock.advance(86_400_000);
    expect((await send()).status).toBe(200);
    const intro = await (await t.request(`${manage}/delete`)).text();
    // The hold runs a year from the send (02 Nov 2026, 18:00 in Tokyo).
    expect(intro).toContain('with which wording) until 2 November 2027 at 18:00 GMT+9.');
    const done = await (await t.request(`${manage}/delete`, { method: 'POST' })).text();
    expect(done).toContain('until 2 November 2027 at 18:00 GMT+9');
    const id = (await t.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow()).id;
    const proof = (await (await t.request(`/api/v1/sites/demo/contacts/${id}/proof`, { headers: auth })).json()) as Record<string, any>;
    expect(proof.hold.until).toBe('2027-11-02T09:00:00.000Z');
    expect(proof.events.find((e: { action: string }) => e.action === 'confirmed').userAgent).toBe('KimPhone/1');
  });

  it('from another site’s form: 403, nothing erased', async () => {
    const res = await t.request(`${manage}/delete`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await t.contact(EMAIL)).email).toBe(EMAIL);
  });

  it('speaks Japanese to a Japanese contact', async () => {
    const html = await (await t.request(`${manage}/delete?lang=ja`)).text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('データを削除する');
  });
});
