// The console's embed page: the same three snippets as the operator API gives, in the form's
// language, a warning for a site without allowed origins, and an inert preview.
import { beforeEach, describe, expect, it } from 'vitest';
import { addTeaSite, signedInOperator, withCookie } from '../helpers/console.ts';
import { ADMIN_KEY, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const signedIn = async (email: string, role: string, siteId?: string) => (await signedInOperator(t, email, role, siteId)).cookie;

const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');


describe('the embed page', () => {
  it('shows the API’s three snippets, in the language chosen, and an inert preview', async () => {
    await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: ['https://shop.example'] }) });
    const viewer = await signedIn('viewer@shop.example', 'viewer');
    const res = await t.request('/admin/sites/demo/embed?form=ja', withCookie(viewer));
    expect(res.status).toBe(200);
    const html = await res.text();
    const api = (await (await t.request('/api/v1/sites/demo/embed?lang=ja', { headers: auth })).json()) as { iframe: string; html: string; script: string };
    for (const [id, snippet] of [['snippet-iframe', api.iframe], ['snippet-html', api.html], ['snippet-script', api.script]] as const) {
      const shown = new RegExp(`<textarea id="${id}"[^>]*>([^]*?)</textarea>`).exec(html)?.[1];
      expect(unescape(shown ?? ''), id).toBe(snippet);
    }
    expect(html).toContain('Allowed origins: https://shop.example.');
    expect(html).toMatch(/<div class="preview" inert="">[^]*<form/);
  });

  it('warns when the site has no allowed origins, and is a 404 for another site’s editor', async () => {
    await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [] }) });
    const owner = await signedIn('owner@shop.example', 'owner');
    expect(await (await t.request('/admin/sites/demo/embed', withCookie(owner))).text()).toContain('no allowed origins yet');
    await addTeaSite(t);
    const editor = await signedIn('editor@tea.example', 'editor', 'tea');
    expect((await t.request('/admin/sites/demo/embed', withCookie(editor))).status).toBe(404);
  });
});
