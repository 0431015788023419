// Sites and categories are kept for a second for the busy pages (src/db/site-content-cache.ts).
// What an operator changes through the API is seen at once; what another process changes, within
// a second.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let manage: string;
beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'pat@example.com', categories: ['newsletter'] });
  const [confirmation] = await t.deliver();
  await t.request(confirmPath(confirmation!), { method: 'POST' });
  const [welcome] = await t.deliver();
  manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const api = (path: string, method: string, body: unknown) => t.request(path, { method, headers: auth, body: JSON.stringify(body) });
const preferencePage = async () => (await t.request(manage)).text();

describe('the kept site and categories', () => {
  it('the preference page shows a category renamed through the API on the very next request', async () => {
    expect(await preferencePage()).toContain('Newsletter');
    expect((await api('/api/v1/sites/demo/categories/newsletter', 'PATCH', { translations: { en: { name: 'Shop stories' } } })).status).toBe(200);
    expect(await preferencePage()).toContain('Shop stories');
  });

  it('the preference page shows a change made straight into the database within a second', async () => {
    expect(await preferencePage()).toContain('Newsletter');
    await t.db.updateTable('category_translations').set({ name: 'Renamed elsewhere' }).where('category_key', '=', 'newsletter').where('locale', '=', 'en').execute();
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect(await preferencePage()).toContain('Renamed elsewhere');
  });

  it('a signup for a category added through the API a moment ago is taken, not refused', async () => {
    expect((await t.signup({ email: 'kim@example.com', categories: ['newsletter'] })).status).toBeLessThan(400);
    const added = await api('/api/v1/sites/demo/categories', 'POST', {
      key: 'events',
      kind: 'opt_in',
      translations: { en: { name: 'Events', description: 'Shop evenings.', purpose: 'To invite you.', frequency: 'A few times a year' } },
    });
    expect(added.status).toBe(201);
    expect((await t.signup({ email: 'lee@example.com', categories: ['events'] })).status).toBeLessThan(400);
    expect(await t.consents('lee@example.com')).toEqual({ events: 'pending' });
  });
});
