// The proof shows the sender identity (legal name, postal address, inquiry contact) as it was at
// each event, not as it is today.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const HOUR = 3_600_000;
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
const api = (path: string, method: string, body?: unknown) =>
  t.request(`/api/v1/sites/demo${path}`, { method, headers: { 'Content-Type': 'application/json', ...auth }, body: body === undefined ? undefined : JSON.stringify(body) });
const DEMO = { legalName: 'Demo Shop K.K.', postalAddress: '1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan', inquiryContact: 'privacy@example.com' };
const history = () => t.db.selectFrom('site_identity_history').selectAll().orderBy('id').execute();

describe('the sender identity in the proof', () => {
  it('is the one in force at each event; the site block shows today’s', async () => {
    await t.signup({ email: 'alice@example.com', categories: ['newsletter'] });
    const [mail] = await t.deliver();
    t.clock.advance(HOUR);
    await t.request(confirmPath(mail!), { method: 'POST' });
    t.clock.advance(HOUR);
    expect((await api('', 'PATCH', { legalName: 'Demo Holdings K.K.', postalAddress: '4-5-6 Shibuya, Tokyo' })).status).toBe(200);
    t.clock.advance(HOUR);
    const imported = await api('/imports', 'POST', {
      importId: 'fair',
      items: [{ email: 'alice@example.com', categories: ['offers'], method: 'event', occurredAt: t.clock.now().toISOString(), evidence: 'Fair sheet 4', consentText: 'Yes, offers.' }],
    });
    expect(imported.status).toBe(201);
    t.clock.advance(HOUR);
    expect((await api('', 'PATCH', { inquiryContact: 'help@demo.example' })).status).toBe(200);

    const { id } = await t.contact('alice@example.com');
    const bundle = await (await api(`/contacts/${id}/proof`, 'GET')).json();
    expect(bundle.site).toMatchObject({ legalName: 'Demo Holdings K.K.', postalAddress: '4-5-6 Shibuya, Tokyo', inquiryContact: 'help@demo.example' });
    const moved = { legalName: 'Demo Holdings K.K.', postalAddress: '4-5-6 Shibuya, Tokyo', inquiryContact: 'privacy@example.com' };
    expect(bundle.events.map((e: { action: string; sender: unknown }) => [e.action, e.sender])).toEqual([
      ['requested', DEMO],
      ['confirmed', DEMO],
      ['granted', moved],
    ]);
    expect(await history()).toEqual([
      expect.objectContaining({ ...snake(DEMO), replaced_at: '2026-11-01T11:00:00.000Z' }),
      expect.objectContaining({ ...snake(moved), replaced_at: '2026-11-01T13:00:00.000Z' }),
    ]);

    const html = await (await api(`/contacts/${id}/proof?format=html`, 'GET')).text();
    expect(html).toContain(`Sender at the time</dt><dd>${DEMO.legalName}, ${DEMO.postalAddress}, ${DEMO.inquiryContact}</dd>`);
    expect(html).toContain(`Sender at the time</dt><dd>${moved.legalName}, ${moved.postalAddress}, ${moved.inquiryContact}</dd>`);

    // The person's own copy is the same bundle.
    const links = await (await api('/contacts/links', 'POST', { email: 'alice@example.com' })).json();
    const own = await (await t.request(`${new URL(links.manageUrl).pathname}/data`)).json();
    expect(own.events[0].sender).toEqual(DEMO);
  });

  it('keeps nothing for other fields or an unchanged identity; an event older than every record has the earliest known', async () => {
    expect((await api('', 'PATCH', { name: 'Demo', allowedOrigins: ['https://shop.example'], legalName: DEMO.legalName })).status).toBe(200);
    expect(await history()).toEqual([]);
    t.clock.advance(HOUR);
    await api('', 'PATCH', { legalName: 'New K.K.' });
    await api('/imports', 'POST', {
      importId: 'old',
      items: [{ email: 'old@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2019-05-01T00:00:00Z' }],
    });
    const { id } = await t.contact('old@example.com');
    const [event] = (await (await api(`/contacts/${id}/proof`, 'GET')).json()).events;
    expect(event.sender).toEqual(DEMO);
  });
});

function snake(identity: typeof DEMO) {
  return { legal_name: identity.legalName, postal_address: identity.postalAddress, inquiry_contact: identity.inquiryContact };
}
