// A preference link the operator minted (the links API) proves nothing of the person's will when
// the contact never confirmed an address by email: ticking a box there asks for a confirmation
// by email (double opt-in) instead of granting. Erased contacts get no links at all.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const EMAIL = 'paper@example.com';
const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };

const api = (path: string, body: unknown, method = 'POST') => t.request(`/api/v1/sites/demo${path}`, { method, headers: auth, body: JSON.stringify(body) });

async function manageLink(email = EMAIL): Promise<string> {
  const res = await api('/contacts/links', { email });
  expect(res.status).toBe(200);
  return new URL(((await res.json()) as { manageUrl: string }).manageUrl).pathname;
}

/** Saves the page's form with these boxes ticked, as a browser without JavaScript would. */
async function save(manage: string, ticked: string[], htmx?: string) {
  const html = await (await t.request(manage)).text();
  const consent = /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
  const body = new URLSearchParams({ consent });
  for (const key of ['newsletter', 'offers']) body.append('shown', key);
  for (const key of ticked) body.append('categories', key);
  const path = htmx ? `${manage}/categories/${htmx}` : manage;
  return t.request(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(htmx ? { 'HX-Request': 'true' } : {}) } });
}

beforeEach(async () => {
  t = await makeTestApp();
  // Imported from a paper form: the newsletter is granted, no address of ours was ever confirmed.
  const res = await api('/imports', {
    importId: 'paper-1',
    items: [{ email: EMAIL, categories: ['newsletter'], method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'card #1', consentText: 'Yes, send me news.' }],
  });
  expect(res.status).toBe(201);
});

describe('a contact who never confirmed by email', () => {
  it('ticking a box sends a confirmation email instead of granting', async () => {
    const manage = await manageLink();
    const page = await (await t.request(manage)).text();
    expect(page).toContain('sends a confirmation email to this address first');

    const res = await save(manage, ['newsletter', 'offers']);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('open the email we just sent you and press the button in it');
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted', offers: 'pending' });
    const added = (await t.events(EMAIL)).filter((e) => e.method === 'preference_page');
    expect(added.map((e) => `${e.category_key}:${e.action}`)).toEqual(['offers:requested']);

    const [mail] = await t.deliver();
    expect(mail!.to).toEqual([EMAIL]);
    expect(mail!.subject).toBe('Confirm your subscription to Demo Shop');
    expect(mail!.text).toContain('- Offers');
    expect((await t.request(confirmPath(mail!), { method: 'POST' })).status).toBe(200);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted', offers: 'granted' });
    expect((await t.events(EMAIL)).at(-1)).toMatchObject({ category_key: 'offers', action: 'confirmed', method: 'confirmation_link' });
  });

  it('with htmx, the row shows the category waiting for the email', async () => {
    const manage = await manageLink();
    const res = await save(manage, ['offers'], 'offers');
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).toContain('To receive Offers, open the email we just sent you');
    expect(fragment).toContain('Waiting for your confirmation: open the email we sent you');
    expect(fragment).not.toMatch(/value="offers"[^>]*checked/);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted', offers: 'pending' });
    expect(await t.deliver()).toHaveLength(1);
  });

  it('ticking again within 10 minutes records the request but mails no second link', async () => {
    const manage = await manageLink();
    await save(manage, ['newsletter', 'offers']);
    await save(manage, ['newsletter', 'offers']);
    expect(await t.deliver()).toHaveLength(1);
  });

  it('unticking still withdraws at once', async () => {
    const res = await save(await manageLink(), []);
    expect(res.status).toBe(200);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'withdrawn' });
    expect(await t.deliver()).toEqual([]);
  });

  it('once confirmed, the page grants directly', async () => {
    const manage = await manageLink();
    await save(manage, ['newsletter', 'offers']);
    await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST' });
    await t.deliver();
    await save(manage, ['newsletter']);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted', offers: 'withdrawn' });
    await save(manage, ['newsletter', 'offers']);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'granted', offers: 'granted' });
    expect((await t.events(EMAIL)).at(-1)).toMatchObject({ category_key: 'offers', action: 'granted', method: 'preference_page' });
  });
});

describe('an erased contact', () => {
  it('gets no links from the API (404), and links made before no longer open', async () => {
    const manage = await manageLink();
    const { contact } = (await (await api('/contacts/lookup', { email: EMAIL })).json()) as { contact: { id: string } };
    expect((await t.request(`/api/v1/sites/demo/contacts/${contact.id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    const res = await api('/contacts/links', { email: EMAIL });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('erased');
    expect((await t.request(manage)).status).toBe(400);
    expect(await t.consents(EMAIL)).toEqual({ newsletter: 'withdrawn' });
  });
});
