import { describe, expect, it } from 'vitest';
import { devSmsOutbox } from '../../src/sms/dev-outbox.ts';
import { deliverDueSms, enqueueSmsQuery } from '../../src/sms/outbox.ts';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN } from '../helpers/fake-twilio.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

async function queueAndDeliver(t: TestApp, to: string, body: string) {
  const sms = {
    id: t.deps.newId(), siteId: 'demo', contactId: null, kind: 'verification',
    encryptedTo: await t.deps.cipher.encrypt(to), numberHash: `hash-${to}`, body,
  };
  await t.deps.atomic([enqueueSmsQuery(t.db, sms, t.clock.now())]);
  await deliverDueSms({ ...t.deps, sms: devSmsOutbox(t.db, t.clock, t.deps.cipher) });
}

describe('the dev SMS outbox', () => {
  it('shows sent SMS newest first on the mailbox page and as JSON, with the number kept encrypted', async () => {
    const t = await makeTestApp();
    await queueAndDeliver(t, '+15005550006', 'Your code is 111111');
    t.clock.advance(1000);
    await queueAndDeliver(t, '+819012345678', 'Your code is 222222');

    const json = await (await t.request('/dev/sms.json')).json();
    expect(json).toEqual([
      { id: expect.any(String), from: 'assent-dev', to: '+819012345678', body: 'Your code is 222222', createdAt: '2026-11-01T09:00:01.000Z' },
      { id: expect.any(String), from: 'assent-dev', to: '+15005550006', body: 'Your code is 111111', createdAt: '2026-11-01T09:00:00.000Z' },
    ]);
    const stored = await t.db.selectFrom('dev_sms').select('to_number').execute();
    expect(stored.map((r) => r.to_number).join()).not.toContain('5005550006');

    const page = await (await t.request('/dev/mailbox')).text();
    expect(page).toContain('Text messages');
    expect(page.indexOf('+819012345678')).toBeGreaterThan(-1);
    expect(page.indexOf('Your code is 222222')).toBeLessThan(page.indexOf('Your code is 111111'));
    const ja = await (await t.request('/dev/mailbox?lang=ja')).text();
    expect(ja).toContain('Twilio なしで「送信」された SMS です');
  });

  it('stores a retried SMS once (keyed by our message id)', async () => {
    const t = await makeTestApp();
    const sender = devSmsOutbox(t.db, t.clock, t.deps.cipher);
    const sms = { id: 'same', from: 'assent-dev', to: '+15005550006', body: 'hi' };
    await sender.send(sms);
    await sender.send(sms);
    expect(await (await t.request('/dev/sms.json')).json()).toHaveLength(1);
  });

  it('is 404 with Twilio configured, while the mailbox page still shows the mail', async () => {
    const t = await makeTestApp({ TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, TWILIO_FROM: '+15005550001' });
    expect((await t.request('/dev/sms.json')).status).toBe(404);
    const page = await t.request('/dev/mailbox');
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('Text messages');
  });

  it('is still at /dev/sms.json when mail goes to Resend, and the mailbox is not', async () => {
    const t = await makeTestApp({ RESEND_API_KEY: 're_test_123' });
    await queueAndDeliver(t, '+15005550006', 'Your code is 333333');
    expect((await t.request('/dev/mailbox')).status).toBe(404);
    expect((await (await t.request('/dev/sms.json')).json())[0].body).toBe('Your code is 333333');
  });
});
