// Every form of the console, posted from another site with a signed-in owner's cookie (what a
// cross-site request forgery would send): each is refused, and nothing changes. The list comes
// from the console's own router, so a form added later is covered without anyone listing it.
import { describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/routes/admin/index.tsx';
import { signedInOperator, withCookie } from '../helpers/console.ts';
import { makeTestApp } from '../helpers/test-app.ts';

const PARAMS: Record<string, string> = { site: 'demo', key: 'newsletter', token: 'x', id: 'x', contact: 'x' };

describe('the console against forged forms', () => {
  it('refuses every POST from another origin with 403 and changes nothing', async () => {
    const t = await makeTestApp();
    const { cookie } = await signedInOperator(t, 'owner@shop.example', 'owner');
    const posts = [...new Set(adminRoutes.routes.filter((route) => route.method === 'POST').map((route) => route.path))];
    expect(posts.length).toBeGreaterThanOrEqual(20);
    expect(posts).toEqual(expect.arrayContaining(['/sites/:site/settings', '/sites/:site/categories', '/sites/:site/imports/run', '/logout']));
    const snapshot = async () => [
      await t.db.selectFrom('sites').selectAll().execute(),
      await t.db.selectFrom('categories').selectAll().execute(),
      await t.db.selectFrom('category_translations').selectAll().execute(),
      await t.db.selectFrom('consent_events').select('id').execute(),
      await t.db.selectFrom('operators').selectAll().execute(),
      await t.db.selectFrom('api_keys').selectAll().execute(),
      await t.db.selectFrom('webhook_endpoints').selectAll().execute(),
      await t.db.selectFrom('operator_sessions').selectAll().execute(),
    ];
    const before = await snapshot();
    for (const path of posts) {
      const url = `/admin${path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? 'x')}`;
      const res = await t.request(url, withCookie(cookie, { method: 'POST', body: new URLSearchParams({ name: 'Forged', key: 'forged', email: 'x@evil.example' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' } }));
      expect(res.status, url).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });
});
