import { describe, expect, it } from 'vitest';
import { devMailbox } from '../../src/mail/dev-mailbox.ts';
import { deliverDueMail } from '../../src/mail/outbox.ts';
import { makeTestApp } from '../helpers/test-app.ts';

describe('the dev mailbox', () => {
  it('shows delivered mail newest first as a page and as JSON', async () => {
    const t = await makeTestApp();
    const deps = { ...t.deps, mailer: devMailbox(t.db, t.clock, t.deps.cipher) };
    await t.signup({ email: 'first@example.com', categories: ['newsletter'] });
    await deliverDueMail(deps);
    t.clock.advance(1000);
    await t.signup({ email: 'second@example.com', categories: ['offers'] });
    await deliverDueMail(deps);

    const json = await (await t.request('/dev/mailbox.json')).json();
    expect(json.map((m: { to: string[] }) => m.to)).toEqual([['second@example.com'], ['first@example.com']]);
    expect(Object.keys(json[0]).sort()).toEqual(['createdAt', 'from', 'headers', 'html', 'id', 'subject', 'text', 'to']);
    expect(json[0].createdAt).toBe('2026-11-01T09:00:01.000Z');

    const page = await (await t.request('/dev/mailbox')).text();
    expect(page).toContain('second@example.com');
    expect(page.indexOf('second@example.com')).toBeLessThan(page.indexOf('first@example.com'));
    const html = await t.request(`/dev/mailbox/${json[0].id}`);
    expect(await html.text()).toContain('Confirm my subscription');
    // Like a careful mail client: no script, no remote image but our own (the site's logo).
    expect(html.headers.get('Content-Security-Policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data: https://assent.test; frame-ancestors 'none'");
  });

  it('stores a retried message once (keyed by its idempotency key)', async () => {
    const t = await makeTestApp();
    const mailer = devMailbox(t.db, t.clock, t.deps.cipher);
    const mail = { id: 'same', from: 'a@x.example', to: ['b@x.example'], subject: 's', html: 'h', text: 't', headers: {} };
    await mailer.send(mail);
    await mailer.send(mail);
    expect(await (await t.request('/dev/mailbox.json')).json()).toHaveLength(1);
  });

  it('is 404 when RESEND_API_KEY is set', async () => {
    const t = await makeTestApp({ RESEND_API_KEY: 're_test_123' });
    for (const path of ['/dev/mailbox', '/dev/mailbox.json', '/dev/mailbox/x']) {
      expect((await t.request(path)).status).toBe(404);
    }
  });
});
