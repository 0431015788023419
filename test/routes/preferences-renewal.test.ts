// The preference page asks again for a granted consent that no longer brings mail: after a
// material change of the category's terms, or once implied consent ran out.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const MINUTE = 60_000;
const NEW_PURPOSE = 'To tell you about products, events and partner offers.';
const headers = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const api = (path: string, body: unknown, method = 'POST') => t.request(`/api/v1/sites/demo${path}`, { method, headers, body: JSON.stringify(body) });
const materialChange = () => api('/categories/newsletter', { translations: { en: { purpose: NEW_PURPOSE } }, termsChange: 'material' }, 'PATCH');
async function eligible(email: string) {
  const [result] = (await (await api('/eligibility', { category: 'newsletter', emails: [email] })).json()).results;
  return result.eligible ? 'ok' : result.reason;
}
async function manageLink(email: string, lang = ''): Promise<string> {
  const res = await api('/contacts/links', { email });
  return new URL((await res.json()).manageUrl).pathname + lang;
}
const consentOf = (html: string) => /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
const isTicked = (html: string, key: string) => new RegExp(`<input type="checkbox" name="categories" value="${key}"[^>]*checked`).test(html);
/** Saves the page's form with these boxes ticked, as a browser without JavaScript would. */
async function save(manage: string, ticked: string[], htmx?: string) {
  const html = await (await t.request(manage)).text();
  const body = new URLSearchParams({ consent: consentOf(html) });
  for (const key of ['newsletter', 'offers']) body.append('shown', key);
  for (const key of ticked) body.append('categories', key);
  const path = htmx ? `${manage}/categories/${htmx}` : manage;
  return t.request(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(htmx ? { 'HX-Request': 'true' } : {}) } });
}
async function confirmed(email: string, categories = ['newsletter', 'offers']) {
  await t.signup({ email, categories });
  const [mail] = await t.deliver();
  t.clock.advance(MINUTE);
  await t.request(confirmPath(mail!), { method: 'POST' });
  await t.deliver();
}

describe('after a material change of the terms', () => {
  it('the row shows the new terms unticked with a notice; other saves leave it; ticking grants under the new wording', async () => {
    await confirmed('alice@example.com');
    t.clock.advance(MINUTE);
    expect((await materialChange()).status).toBe(200);
    const manage = await manageLink('alice@example.com');
    const page = await (await t.request(manage)).text();
    expect(page).toContain(NEW_PURPOSE);
    expect(page).toContain('changed on 1 November 2026. You agreed to the earlier terms, so we have stopped sending them');
    expect(isTicked(page, 'newsletter')).toBe(false);
    expect(isTicked(page, 'offers')).toBe(true);
    expect(await eligible('alice@example.com')).toBe('terms_changed');

    // Saving with it unticked is no withdrawal, and changes nothing.
    const events = (await t.events('alice@example.com')).length;
    expect(await (await save(manage, ['offers'])).text()).toContain('Nothing changed.');
    expect((await t.events('alice@example.com')).length).toBe(events);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'granted', offers: 'granted' });

    t.clock.advance(MINUTE);
    const saved = await (await save(manage, ['newsletter', 'offers'])).text();
    expect(saved).toContain('Your choices are saved.');
    expect(saved).not.toContain('You agreed to the earlier terms');
    expect(isTicked(saved, 'newsletter')).toBe(true);
    const grant = (await t.events('alice@example.com')).at(-1)!;
    expect(grant).toMatchObject({ category_key: 'newsletter', action: 'granted', method: 'preference_page', occurred_at: '2026-11-01T09:03:00.000Z' });
    // The grant points at the page's wording, which names the new terms.
    expect(grant.consent_text_sha256).toBe(consentOf(page));
    const wording = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', grant.consent_text_sha256!).executeTakeFirstOrThrow();
    expect(wording.text).toContain(NEW_PURPOSE);
    expect(await eligible('alice@example.com')).toBe('ok');
    // Saving again is no change.
    expect(await (await save(manage, ['newsletter', 'offers'])).text()).toContain('Nothing changed.');
  });

  it('with htmx, ticking the row grants and answers the row without the notice', async () => {
    await confirmed('alice@example.com');
    await materialChange();
    const manage = await manageLink('alice@example.com');
    const res = await save(manage, ['newsletter'], 'newsletter');
    const fragment = await res.text();
    expect(fragment).toContain('Saved: you will receive Newsletter.');
    expect(isTicked(fragment, 'newsletter')).toBe(true);
    expect(fragment).not.toContain('class="renewal"');
    expect(await eligible('alice@example.com')).toBe('ok');
  });

  it('says so in Japanese too', async () => {
    await confirmed('hanako@example.com');
    await api('/categories/newsletter', { translations: { ja: { frequency: '週1回' } }, termsChange: 'material' }, 'PATCH');
    const page = await (await t.request(await manageLink('hanako@example.com', '?lang=ja'))).text();
    expect(page).toContain('2026年11月1日に、このメールの目的または配信頻度が変わりました。');
    expect(page).toContain('週1回');
  });

  it('two saves at once grant once', async () => {
    await confirmed('alice@example.com');
    await materialChange();
    const manage = await manageLink('alice@example.com');
    const atomic = t.deps.atomic;
    t.deps.atomic = async (queries) => {
      t.deps.atomic = atomic;
      await save(manage, ['newsletter', 'offers']); // the other save, from the same page state
      return atomic(queries);
    };
    await save(manage, ['newsletter', 'offers']);
    const grants = (await t.events('alice@example.com')).filter((e) => e.method === 'preference_page');
    expect(grants.map((e) => `${e.category_key}:${e.action}`)).toEqual(['newsletter:granted']);
  });
});

describe('once implied consent ran out', () => {
  it('a contact who never confirmed is asked to confirm by email, and then the basis is express', async () => {
    const res = await api('/imports', {
      importId: 'shop',
      items: [{ email: 'buyer@example.com', categories: ['newsletter'], method: 'in_store', occurredAt: '2024-10-01T09:00:00Z', evidence: 'Receipt #1', consentText: 'We may email you.', basis: 'implied_purchase', relationshipAt: '2024-10-01' }],
    });
    expect(res.status).toBe(201);
    expect(await eligible('buyer@example.com')).toBe('expired');
    const manage = await manageLink('buyer@example.com');
    const page = await (await t.request(manage)).text();
    expect(page).toContain('That permission lasted until 1 October 2026, so we have stopped sending them: tick and save to get a confirmation email.');
    expect(isTicked(page, 'newsletter')).toBe(false);

    expect(await (await save(manage, ['newsletter'])).text()).toContain('open the email we just sent you');
    expect(await t.consents('buyer@example.com')).toEqual({ newsletter: 'pending' });
    const [mail] = await t.deliver();
    expect(mail!.to).toEqual(['buyer@example.com']);
    t.clock.advance(MINUTE);
    await t.request(confirmPath(mail!), { method: 'POST' });
    expect(await t.consents('buyer@example.com')).toEqual({ newsletter: 'granted' });
    expect(await eligible('buyer@example.com')).toBe('ok');
    const { id } = await t.contact('buyer@example.com');
    const events = (await (await t.request(`/api/v1/sites/demo/contacts/${id}/events`, { headers })).json()).events;
    expect(events.map((e: { action: string; basis: string | null }) => `${e.action}:${e.basis}`)).toEqual(['granted:implied_purchase', 'requested:null', 'confirmed:express']);
  });

  it('an implied consent still running shows ticked, with no notice', async () => {
    await api('/imports', {
      importId: 'shop',
      items: [{ email: 'buyer@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-10-01T09:00:00Z', basis: 'implied_purchase', relationshipAt: '2026-10-01' }],
    });
    const page = await (await t.request(await manageLink('buyer@example.com'))).text();
    expect(isTicked(page, 'newsletter')).toBe(true);
    expect(page).not.toContain('class="renewal"');
  });
});
