// Eligibility and the basis of a consent: implied consent runs out, and exempt (transactional)
// categories are for known customers only.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BASE_URL, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp(); // 2026-11-01T09:00Z: 18:00 on 1 November in the demo site's Asia/Tokyo
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const post = (path: string, body: unknown) =>
  t.request(`/api/v1/sites/demo${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify(body) });
async function check(category: string, emails: string[]) {
  const res = await post('/eligibility', { category, emails });
  expect(res.status).toBe(200);
  return ((await res.json()).results as { email: string; eligible: boolean; reason?: string }[]).map((r) => (r.eligible ? 'ok' : r.reason));
}
let imports = 0;
async function imported(email: string, extra: Record<string, unknown> = {}) {
  const item = { email, categories: ['newsletter'], method: 'previous_system', occurredAt: '2024-01-01T00:00:00Z', ...extra };
  const res = await post('/imports', { importId: `i${++imports}`, items: [item] });
  expect(res.status).toBe(201);
  return res.json();
}
async function confirmed(email: string, categories = ['newsletter']) {
  await t.signup({ email, categories });
  const [mail] = await t.deliver();
  t.clock.advance(60_000);
  await t.request(confirmPath(mail!), { method: 'POST' });
  await t.deliver();
}

describe('implied consent', () => {
  it('from a purchase allows mail up to the same date two years on, in the site’s days, then answers expired', async () => {
    await imported('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2024-11-01' });
    await imported('lasting@example.com', { basis: 'business_card' });
    await imported('customer@example.com', { basis: 'existing_customer' });
    await imported('express@example.com');
    const emails = ['buyer@example.com', 'lasting@example.com', 'customer@example.com', 'express@example.com'];
    expect(await check('newsletter', emails)).toEqual(['ok', 'ok', 'ok', 'ok']);
    t.clock.set('2026-11-01T14:59:59.999Z'); // 23:59:59 in Tokyo, still 1 November
    expect(await check('newsletter', emails)).toEqual(['ok', 'ok', 'ok', 'ok']);
    t.clock.set('2026-11-01T15:00:00.000Z'); // 2 November in Tokyo, 1 November in UTC
    expect(await check('newsletter', emails)).toEqual(['expired', 'ok', 'ok', 'ok']);
    // The other bases do not run out.
    t.clock.set('2036-11-01T09:00:00.000Z');
    expect(await check('newsletter', emails)).toEqual(['expired', 'ok', 'ok', 'ok']);
  });

  it('from an inquiry lasts six months (a day the month lacks is its last)', async () => {
    await imported('asker@example.com', { basis: 'implied_inquiry', relationshipAt: '2026-05-01' });
    await imported('late@example.com', { basis: 'implied_inquiry', relationshipAt: '2026-04-30' });
    expect(await check('newsletter', ['asker@example.com', 'late@example.com'])).toEqual(['ok', 'expired']);
    t.clock.set('2026-11-02T00:00:00.000Z');
    expect(await check('newsletter', ['asker@example.com'])).toEqual(['expired']);
    await imported('aug@example.com', { basis: 'implied_inquiry', relationshipAt: '2025-08-31', occurredAt: '2025-08-31T00:00:00Z' });
    t.clock.set('2026-02-28T09:00:00.000Z');
    expect(await check('newsletter', ['aug@example.com'])).toEqual(['ok']);
    t.clock.set('2026-03-01T09:00:00.000Z');
    expect(await check('newsletter', ['aug@example.com'])).toEqual(['expired']);
  });

  it('is replaced by a later express grant: an import, or a double opt-in after stopping', async () => {
    await imported('a@example.com', { basis: 'implied_purchase', relationshipAt: '2024-01-01' });
    await imported('b@example.com', { basis: 'implied_inquiry', relationshipAt: '2025-01-01' });
    expect(await check('newsletter', ['a@example.com', 'b@example.com'])).toEqual(['expired', 'expired']);
    await imported('a@example.com', { method: 'paper', occurredAt: '2026-10-31T00:00:00Z', consentText: 'Yes, the newsletter.', evidence: 'Form #9' });
    // b stops (one-click), then signs up and confirms on our form: express.
    const links = await (await post('/contacts/links', { email: 'b@example.com' })).json();
    await t.request(links.unsubscribeUrl.slice(BASE_URL.length), { method: 'POST', headers: { Origin: 'none', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    t.clock.advance(60_000);
    await confirmed('b@example.com');
    expect(await check('newsletter', ['a@example.com', 'b@example.com'])).toEqual(['ok', 'ok']);
  });

  it('is not renewed by an unsubscribe and its undo', async () => {
    await imported('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2024-10-01' });
    expect(await check('newsletter', ['buyer@example.com'])).toEqual(['expired']);
    const links = await (await post('/contacts/links', { email: 'buyer@example.com', category: 'newsletter' })).json();
    const page = links.unsubscribeUrl.slice(BASE_URL.length);
    const pressed = await (await t.request(page, { method: 'POST', body: new URLSearchParams({ unsubscribe: 'page' }) })).text();
    const token = /name="undo" value="([^"]*)"/.exec(pressed)![1]!;
    expect((await t.request(`${page}/undo`, { method: 'POST', body: new URLSearchParams({ undo: token }) })).status).toBe(200);
    expect(await t.consents('buyer@example.com')).toEqual({ newsletter: 'granted' });
    expect(await check('newsletter', ['buyer@example.com'])).toEqual(['expired']);
  });
});

describe('exempt categories', () => {
  it('are for contacts who confirmed once or were imported as existing customers, not for a stranger’s signup', async () => {
    await t.signup({ email: 'stranger@example.com', categories: ['newsletter'] });
    await t.deliver();
    await confirmed('confirmed@example.com');
    await imported('customer@example.com', { basis: 'existing_customer' });
    await imported('subscriber@example.com');
    await imported('buyer@example.com', { basis: 'implied_purchase', relationshipAt: '2026-10-01' });
    const emails = ['stranger@example.com', 'confirmed@example.com', 'customer@example.com', 'subscriber@example.com', 'buyer@example.com', 'nobody@example.com'];
    expect(await check('account', emails)).toEqual(['not_customer', 'ok', 'ok', 'not_customer', 'not_customer', 'not_found']);
    // Stopping the newsletter does not end being a customer.
    const links = await (await post('/contacts/links', { email: 'customer@example.com' })).json();
    await t.request(links.unsubscribeUrl.slice(BASE_URL.length), { method: 'POST', headers: { Origin: 'none', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(await check('account', ['customer@example.com'])).toEqual(['ok']);
    // An erased customer is erased.
    const { id } = await t.contact('confirmed@example.com');
    await t.request(`/api/v1/sites/demo/contacts/${id}`, { method: 'DELETE', headers: auth });
    expect(await check('account', ['confirmed@example.com'])).toEqual(['erased']);
  });
});

describe('the OpenAPI document', () => {
  it('lists the new reasons, the import fields, termsChange, and the basis and sender in the proof', async () => {
    const doc = await (await t.request('/api/v1/openapi.json')).json();
    const schemas = doc.components.schemas;
    expect(schemas.UpdateCategory.properties.termsChange.enum).toEqual(['minor', 'material']);
    expect(schemas.Category.required).toContain('materialChangeAt');
    expect(schemas.ConsentEvent.properties.basis.enum).toEqual(expect.arrayContaining(['express', 'implied_purchase']));
    const proofEvent = schemas.ContactRecord.properties.events.items;
    expect(proofEvent.required).toEqual(expect.arrayContaining(['basis', 'relationshipAt', 'sender']));
    expect(Object.keys(proofEvent.properties.sender.properties)).toEqual(['legalName', 'postalAddress', 'inquiryContact']);
    expect(doc.components.schemas.Eligibility.properties.reason.enum).toEqual(
      expect.arrayContaining(['not_customer', 'expired', 'terms_changed']),
    );
    const item = doc.components.schemas.ImportRequest.properties.items.items.properties;
    expect(item.basis.enum).toEqual(['express', 'implied_purchase', 'implied_inquiry', 'business_card', 'existing_customer']);
    expect(item.relationshipAt.type).toBe('string');
  });
});
