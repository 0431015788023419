// Changed terms are tracked: a category update that changes its purpose or frequency says how
// much it changes, and a material change makes earlier grants ask again before mail is sent.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const MINUTE = 60_000;
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const api = (path: string, method: string, body?: unknown) =>
  t.request(`/api/v1/sites/demo${path}`, { method, headers: { 'Content-Type': 'application/json', ...auth }, body: body === undefined ? undefined : JSON.stringify(body) });
const patch = (body: unknown, key = 'newsletter') => api(`/categories/${key}`, 'PATCH', body);
const versions = () => t.db.selectFrom('category_terms_versions').selectAll().orderBy('id').execute();
const texts = (locale = 'en') =>
  t.db.selectFrom('category_translations').selectAll().where('category_key', '=', 'newsletter').where('locale', '=', locale).executeTakeFirstOrThrow();
async function eligible(emails: string[], category = 'newsletter') {
  const res = await api('/eligibility', 'POST', { category, emails });
  return ((await res.json()).results as { eligible: boolean; reason?: string }[]).map((r) => (r.eligible ? 'ok' : r.reason));
}
async function confirmed(email: string) {
  await t.signup({ email, categories: ['newsletter'] });
  const [mail] = await t.deliver();
  t.clock.advance(MINUTE);
  await t.request(confirmPath(mail!), { method: 'POST' });
  await t.deliver();
}

describe('PATCH /api/v1/sites/{site}/categories/{key} and termsChange', () => {
  it('refuses a change of purpose or frequency in any locale without termsChange, and changes nothing', async () => {
    const before = await Promise.all([texts('en'), texts('ja')]);
    for (const body of [
      { translations: { en: { purpose: 'To sell you things.' } } },
      { translations: { ja: { frequency: '毎日' } } },
      { translations: { en: { name: 'News' }, ja: { purpose: '販売のため。' } } },
    ]) {
      const res = await patch(body);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.details).toEqual([{ path: 'termsChange', message: expect.stringContaining('Required: this changes the purpose or frequency') }]);
    }
    expect((await (await patch({ translations: { en: { frequency: 'Daily' } }, termsChange: 'huge' })).json()).error.details[0].path).toBe('termsChange');
    expect(await Promise.all([texts('en'), texts('ja')])).toEqual(before);
    expect(await versions()).toEqual([]);
  });

  it('needs none for other fields or unchanged terms', async () => {
    const { purpose } = await texts();
    expect((await patch({ translations: { en: { name: 'News', description: 'What is new.', purpose } }, position: 1 })).status).toBe(200);
    expect(await texts()).toMatchObject({ name: 'News', description: 'What is new.', purpose });
    // termsChange with nothing to change records nothing.
    expect((await patch({ translations: { en: { purpose } }, termsChange: 'material' })).status).toBe(200);
    expect(await versions()).toEqual([]);
    expect(await eligible([])).toEqual([]);
  });

  it('records each change per locale with its time, the texts before and after, and the verdict', async () => {
    const en = await texts('en');
    const res = await patch({ translations: { en: { frequency: 'Twice a month' }, ja: { purpose: '新商品のご案内のため。' } }, termsChange: 'minor' });
    expect(res.status).toBe(200);
    expect((await res.json()).category).toMatchObject({ translations: { en: { frequency: 'Twice a month' } }, materialChangeAt: null });
    t.clock.advance(MINUTE);
    const material = await patch({ translations: { en: { purpose: 'To sell you things.' } }, termsChange: 'material' });
    expect((await material.json()).category.materialChangeAt).toBe(t.clock.now().toISOString());
    expect(await versions()).toEqual([
      expect.objectContaining({ locale: 'en', change: 'minor', purpose: en.purpose, frequency: 'Twice a month', previous_purpose: en.purpose, previous_frequency: 'Monthly', changed_at: '2026-11-01T09:00:00.000Z' }),
      expect.objectContaining({ locale: 'ja', change: 'minor', purpose: '新商品のご案内のため。', previous_purpose: '商品とお知らせのご案内のため。', frequency: '月1回' }),
      expect.objectContaining({ locale: 'en', change: 'material', purpose: 'To sell you things.', previous_purpose: en.purpose, changed_at: '2026-11-01T09:01:00.000Z' }),
    ]);
    const site = await (await api('', 'GET')).json();
    expect(site.site.categories.find((c: { key: string }) => c.key === 'newsletter').materialChangeAt).toBe('2026-11-01T09:01:00.000Z');
  });

  it('a first text in a locale is a change of terms too', async () => {
    await api('/categories', 'POST', { key: 'recipes', kind: 'opt_in', translations: { en: { name: 'Recipes', description: 'Weekly.', purpose: 'To inspire you.', frequency: 'Weekly' } } });
    const ja = { name: 'レシピ', description: '毎週。', purpose: 'ひらめきのため。', frequency: '毎週' };
    expect((await patch({ translations: { ja } }, 'recipes')).status).toBe(400);
    expect((await patch({ translations: { ja }, termsChange: 'minor' }, 'recipes')).status).toBe(200);
    expect(await versions()).toEqual([expect.objectContaining({ category_key: 'recipes', locale: 'ja', previous_purpose: null, previous_frequency: null, purpose: 'ひらめきのため。' })]);
  });

  it('an update of other fields at the same moment neither undoes a terms change nor gets undone', async () => {
    // The name's update has read the texts when the terms change lands, just before its batch.
    const atomic = t.deps.atomic;
    let terms: Response | undefined;
    t.deps.atomic = async (queries) => {
      t.deps.atomic = atomic;
      terms = await patch({ translations: { en: { purpose: 'To sell you things.' } }, termsChange: 'material' });
      return atomic(queries);
    };
    const name = await patch({ translations: { en: { name: 'News' } } });
    expect([terms?.status, name.status]).toEqual([200, 200]);
    expect(await texts()).toMatchObject({ name: 'News', purpose: 'To sell you things.' });
    expect(await versions()).toHaveLength(1);
  });
});

describe('after a material change', () => {
  it('consents granted before it answer terms_changed until granted again; a minor change leaves them', async () => {
    await confirmed('before@example.com');
    await t.signup({ email: 'asked@example.com', categories: ['newsletter'] }); // asked before, confirms after
    const [askedMail] = await t.deliver();
    t.clock.advance(MINUTE);
    expect((await patch({ translations: { en: { frequency: 'Twice a month' } }, termsChange: 'minor' })).status).toBe(200);
    expect(await eligible(['before@example.com'])).toEqual(['ok']);

    t.clock.advance(MINUTE);
    expect((await patch({ translations: { ja: { purpose: '販売のため。' } }, termsChange: 'material' })).status).toBe(200);
    t.clock.advance(MINUTE);
    await t.request(confirmPath(askedMail!), { method: 'POST' });
    await t.deliver();
    await confirmed('after@example.com');
    const imports = await api('/imports', 'POST', {
      importId: 'crm',
      items: [
        { email: 'old-crm@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-10-01T00:00:00Z' },
        { email: 'new-crm@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: t.clock.now().toISOString() },
      ],
    });
    expect(imports.status).toBe(201);
    const emails = ['before@example.com', 'asked@example.com', 'after@example.com', 'old-crm@example.com', 'new-crm@example.com'];
    // The confirmation of a request made before the change agrees to what that request's form showed.
    expect(await eligible(emails)).toEqual(['terms_changed', 'terms_changed', 'ok', 'terms_changed', 'ok']);
    // Other categories, and exempt ones, are not touched.
    expect(await eligible(['before@example.com'], 'account')).toEqual(['ok']);
    expect(await t.consents('before@example.com')).toEqual({ newsletter: 'granted' });
  });
});
