// CSRF: every state-changing browser form must come from our own pages; the RFC 8058 one-click
// POST is the one exception.
import { beforeEach, describe, expect, it } from 'vitest';
import { confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let confirm: string;
let manage: string;
let unsubscribe: string;
let consent: string;

beforeEach(async () => {
  t = await makeTestApp();
  await t.signup({ email: 'a@example.com', categories: ['newsletter', 'offers'] });
  const [mail] = await t.deliver();
  confirm = confirmPath(mail!);
  await t.request(confirm, { method: 'POST' });
  const [welcome] = await t.deliver();
  manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
  unsubscribe = /Unsubscribe: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
  consent = /name="consent" value="([0-9a-f]{64})"/.exec(await (await t.request(manage)).text())![1]!;
});

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

const routes = () =>
  [
    ['signup', '/s/demo', `email=b%40example.com&categories=newsletter&lang=en&consent=${consent}`],
    ['confirm', confirm, ''],
    ['resend', `${confirm}/resend`, ''],
    ['unsubscribe button', unsubscribe, 'unsubscribe=page'],
    ['undo', `${unsubscribe}/undo`, 'events=1'],
    ['save preferences', manage, `consent=${consent}&shown=newsletter`],
    ['one checkbox', `${manage}/categories/newsletter`, `consent=${consent}`],
    ['unsubscribe all', `${manage}/unsubscribe-all`, ''],
    ['language', `${manage}/language`, 'lang=ja'],
  ] as const;

async function snapshot() {
  return {
    events: (await t.db.selectFrom('consent_events').select('id').execute()).length,
    contacts: await t.db.selectFrom('contacts').select(['email', 'locale']).execute(),
    consents: await t.consents('a@example.com'),
  };
}

describe('forms sent from another site', () => {
  it.each([
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['no Origin at all', { Origin: 'none' }],
    ['a cross-site fetch', { Origin: 'none', 'Sec-Fetch-Site': 'cross-site' }],
  ])('are refused with 403 and change nothing: %s', async (_name, headers) => {
    const before = await snapshot();
    for (const [name, path, body] of routes()) {
      const res = await t.request(path, { method: 'POST', body, headers: { ...FORM, ...headers } });
      expect(res.status, name).toBe(403);
      expect(await res.text(), name).toContain('This form was sent from somewhere else');
    }
    expect(await snapshot()).toEqual(before);
    expect(await t.deliver()).toEqual([]);
  });
});

describe('forms sent from our pages', () => {
  it('pass with Sec-Fetch-Site: same-origin, or the Origin of BASE_URL or of the request', async () => {
    const checks: [string, Record<string, string>][] = [
      ['Sec-Fetch-Site', { Origin: 'none', 'Sec-Fetch-Site': 'same-origin' }],
      ['BASE_URL origin', { Origin: 'https://assent.test' }],
      ['request origin', { Origin: 'http://localhost' }],
    ];
    for (const [name, headers] of checks) {
      const res = await t.request(`${manage}/categories/newsletter`, { method: 'POST', body: `consent=${consent}`, headers: { ...FORM, ...headers } });
      expect(res.status, name).toBe(200);
    }
  });
});

describe('the RFC 8058 one-click POST', () => {
  it('needs no Origin, as mailbox providers send none', async () => {
    const res = await t.request(unsubscribe, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { ...FORM, Origin: 'none' },
    });
    expect(res.status).toBe(200);
    expect(await t.consents('a@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });

  it('is the only exception: its undo is not', async () => {
    const res = await t.request(`${unsubscribe}/undo`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { ...FORM, Origin: 'none' } });
    expect(res.status).toBe(403);
  });
});

describe('body limits', () => {
  it('refuse an oversized form with a 413 page and change nothing', async () => {
    const before = await snapshot();
    const res = await t.request('/s/demo', {
      method: 'POST',
      body: `email=b%40example.com&categories=newsletter&consent=${consent}&name=${'x'.repeat(40_000)}`,
      headers: FORM,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('That was too much to send');
    expect(await snapshot()).toEqual(before);
  });

  it('refuse an oversized API body with a JSON 413', async () => {
    const res = await t.request('/api/v1/sites/demo/contacts/lookup', {
      method: 'POST',
      body: JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(1_100_000) }),
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('let a normal API body through', async () => {
    const res = await t.request('/api/v1/sites/demo/contacts/lookup', {
      method: 'POST',
      body: JSON.stringify({ email: 'a@example.com' }),
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(res.status).toBe(200);
  });
});
