// A site's webhooks in the console: added with the URL rules the API applies (its secret shown
// once), listed, their deliveries shown, deleted; viewers read only.
import { beforeEach, describe, expect, it } from 'vitest';
import { signedInOperator, withCookie } from '../helpers/console.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const signedIn = async (email: string, role: string) => (await signedInOperator(t, email, role)).cookie;
const add = (cookie: string, url: string, events: string[]) => {
  const body = new URLSearchParams({ url });
  for (const event of events) body.append('events', event);
  return t.request('/admin/sites/demo/webhooks', withCookie(cookie, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
};

describe('webhooks in the console', () => {
  it('an editor adds one (secret shown once), sees it as the API does, opens its deliveries and deletes it', async () => {
    const editor = await signedIn('editor@shop.example', 'editor');
    const added = await add(editor, 'https://example.com/hooks/assent', ['consent.granted', 'consent.withdrawn']);
    expect(added.status).toBe(201);
    const secret = /<code class="hash">(whsec_[^<]+)<\/code>/.exec(await added.text())?.[1];
    expect(secret).toBeDefined();

    const api = (await (await t.request('/api/v1/sites/demo/webhooks', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { webhooks: { id: string; url: string; events: string[] }[] };
    expect(api.webhooks).toEqual([expect.objectContaining({ url: 'https://example.com/hooks/assent', events: ['consent.granted', 'consent.withdrawn'] })]);
    const id = api.webhooks[0]!.id;
    const listing = await (await t.request('/admin/sites/demo/webhooks', withCookie(editor))).text();
    expect(listing).toContain('https://example.com/hooks/assent');
    expect(listing).not.toContain(secret!);
    const deliveries = await t.request(`/admin/sites/demo/webhooks/${id}`, withCookie(editor));
    expect(deliveries.status).toBe(200);
    expect(await deliveries.text()).toContain('Nothing was sent to it yet.');

    const removed = await t.request(`/admin/sites/demo/webhooks/${id}/delete`, withCookie(editor, { method: 'POST' }));
    expect(removed.status).toBe(303);
    expect(await (await t.request(removed.headers.get('Location')!, withCookie(editor))).text()).toContain(`Webhook ${id} is deleted`);
    expect(await t.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([]);
  });

  it('refuses what the API refuses, with the reason, and no event at all; nothing is made', async () => {
    const owner = await signedIn('owner@shop.example', 'owner');
    const local = await add(owner, 'http://127.0.0.1:8080/hook', ['consent.granted']);
    expect(local.status).toBe(400);
    expect(await local.text()).toMatch(/<p class="error" id="url-error">[^<]+<\/p>/);
    const noEvents = await add(owner, 'https://example.com/hooks/assent', []);
    expect(noEvents.status).toBe(400);
    expect(await noEvents.text()).toContain('Choose at least one event.');
    expect(await t.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([]);
  });

  it('a viewer sees the webhooks but may neither add nor delete', async () => {
    const viewer = await signedIn('viewer@shop.example', 'viewer');
    const page = await (await t.request('/admin/sites/demo/webhooks', withCookie(viewer))).text();
    expect(page).not.toContain('Add the webhook');
    expect((await add(viewer, 'https://example.com/hooks/assent', ['consent.granted'])).status).toBe(403);
    expect((await t.request('/admin/sites/demo/webhooks/wh_x/delete', withCookie(viewer, { method: 'POST' }))).status).toBe(403);
    expect(await t.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([]);
  });
});
