import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/mail/due-work.ts';
import { DEV_SMS_FROM, deliverDueSms, enqueueSmsQuery, type QueuedSms } from '../../src/sms/outbox.ts';
import type { SmsSender } from '../../src/sms/sender.ts';
import { twilioSender } from '../../src/sms/twilio.ts';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

const NUMBER = '+15005550006';

async function queue(t: TestApp, overrides: Partial<QueuedSms> = {}, only?: ReturnType<typeof sql<boolean>>) {
  const sms: QueuedSms = {
    id: overrides.id ?? t.deps.newId(),
    siteId: 'demo',
    contactId: null,
    kind: 'verification',
    encryptedTo: await t.deps.cipher.encrypt(NUMBER),
    numberHash: 'hash-of-number',
    body: 'Your code is 123456',
    ...overrides,
  };
  await t.deps.atomic([enqueueSmsQuery(t.db, sms, t.clock.now(), only)]);
  return sms.id;
}

const row = (t: TestApp, id: string) => t.db.selectFrom('sms_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const rowCount = async (t: TestApp) => (await t.db.selectFrom('sms_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

describe('the SMS outbox', () => {
  it('queues an SMS and delivers it with the number decrypted and TWILIO_FROM as the sender', async () => {
    const t = await makeTestApp({ TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, TWILIO_FROM: '+15005550001' });
    const id = await queue(t);
    expect(await t.deliverSms()).toEqual([{ id, from: '+15005550001', to: NUMBER, body: 'Your code is 123456', inDoubtSince: null }]);
    expect(await row(t, id)).toMatchObject({ status: 'sent', attempts: 1, provider_id: 'mem-sms-1', sent_at: '2026-11-01T09:00:00.000Z', last_error: null });
    expect(await t.deliverSms()).toEqual([]);
  });

  it('keeps the number encrypted at rest, and its hash beside it for the limits', async () => {
    const t = await makeTestApp();
    const stored = await row(t, await queue(t));
    expect(stored.to_number).not.toContain('5005550006');
    expect(await t.deps.cipher.decrypt(stored.to_number)).toBe(NUMBER);
    expect(stored.number_hash).toBe('hash-of-number');
  });

  it('queues nothing when the guard is false, and counts by number inside the write', async () => {
    const t = await makeTestApp();
    await queue(t, {}, sql<boolean>`0`);
    expect(await rowCount(t)).toBe(0);
    // A limit of one per number and kind, checked as the statement runs.
    const underLimit = sql<boolean>`(SELECT count(*) FROM sms_outbox WHERE number_hash = ${'hash-of-number'} AND kind = ${'verification'}) < 1`;
    await queue(t, {}, underLimit);
    await queue(t, {}, underLimit);
    expect(await rowCount(t)).toBe(1);
    expect(await t.deliverSms()).toHaveLength(1);
  });

  it('queues the same message id once', async () => {
    const t = await makeTestApp();
    await queue(t, { id: 'same' });
    await queue(t, { id: 'same', body: 'a second body' });
    expect(await rowCount(t)).toBe(1);
    expect((await t.deliverSms()).map((s) => s.body)).toEqual(['Your code is 123456']);
  });

  it('retries a retryable failure after the backoff, then sends', async () => {
    const t = await makeTestApp();
    const id = await queue(t);
    t.sms.script = [{ ok: false, retryable: true, error: '429 20429: Too Many Requests' }];
    expect(await t.deliverSms()).toEqual([]);
    expect(await row(t, id)).toMatchObject({ status: 'queued', attempts: 1, next_attempt_at: '2026-11-01T09:00:02.000Z', last_error: '429 20429: Too Many Requests', in_doubt_since: null });
    t.clock.advance(1000);
    expect(await t.deliverSms()).toEqual([]);
    t.clock.advance(1000);
    expect(await t.deliverSms()).toHaveLength(1);
    expect(await row(t, id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('records a permanent failure and never tries again', async () => {
    const t = await makeTestApp();
    const id = await queue(t);
    t.sms.script = [{ ok: false, retryable: false, error: "400 21211: Invalid 'To' Phone Number" }];
    await t.deliverSms();
    expect(await row(t, id)).toMatchObject({ status: 'failed', attempts: 1, last_error: "400 21211: Invalid 'To' Phone Number" });
    t.clock.advance(86400_000);
    expect(await t.deliverSms()).toEqual([]);
  });

  it(`gives up after ${MAX_ATTEMPTS} retryable failures`, async () => {
    const t = await makeTestApp();
    const id = await queue(t);
    t.sms.script = Array.from({ length: MAX_ATTEMPTS }, () => ({ ok: false as const, retryable: true, error: '500 20500: Internal Server Error' }));
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await t.deliverSms();
      t.clock.advance(86400_000);
    }
    expect(await row(t, id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: `gave up after ${MAX_ATTEMPTS} attempts: 500 20500: Internal Server Error` });
  });

  it('does not send an SMS after it expired (a code that is worthless by now)', async () => {
    const t = await makeTestApp();
    const id = await queue(t, { expiresAt: new Date(t.clock.now().getTime() + 600_000) });
    t.sms.script = [{ ok: false, retryable: true, error: '500 20500: Internal Server Error' }];
    await t.deliverSms();
    t.clock.advance(601_000);
    expect(await t.deliverSms()).toEqual([]);
    expect(await row(t, id)).toMatchObject({ status: 'failed', last_error: 'it expired before it could be sent' });
  });

  it('does not send to an erased recipient', async () => {
    const t = await makeTestApp();
    const id = await queue(t, { encryptedTo: '' });
    expect(await t.deliverSms()).toEqual([]);
    expect(await row(t, id)).toMatchObject({ status: 'failed', last_error: 'the recipient was erased' });
  });

  it('sends as the dev sender without TWILIO_FROM', async () => {
    const t = await makeTestApp();
    await queue(t);
    expect((await t.deliverSms())[0]!.from).toBe(DEV_SMS_FROM);
  });

  it('marks an attempt in doubt while it is out, and tells the next attempt when its outcome stayed unknown', async () => {
    const t = await makeTestApp();
    const id = await queue(t);
    const seen: (string | null | undefined)[] = [];
    let duringSend: string | null = null;
    const sender: SmsSender = {
      async send(sms) {
        seen.push(sms.inDoubtSince);
        // A sender that died here would leave this behind for the next attempt to see.
        duringSend ??= (await row(t, id)).in_doubt_since;
        return seen.length === 1 ? { ok: false, retryable: true, inDoubt: true, error: 'timeout: Twilio did not answer in time' } : { ok: true, providerId: 'SM1' };
      },
    };
    await deliverDueSms({ ...t.deps, sms: sender });
    expect(duringSend).toBe('2026-11-01T09:00:00.000Z');
    expect(await row(t, id)).toMatchObject({ status: 'queued', in_doubt_since: '2026-11-01T09:00:00.000Z' });
    t.clock.advance(2000);
    await deliverDueSms({ ...t.deps, sms: sender });
    expect(seen).toEqual([null, '2026-11-01T09:00:00.000Z']);
    expect(await row(t, id)).toMatchObject({ status: 'sent', provider_id: 'SM1' });
  });
});

describe('the SMS outbox through the Twilio adapter', () => {
  let twilio: FakeTwilio;
  beforeAll(async () => {
    twilio = await startFakeTwilio();
  });
  afterAll(() => twilio.close());

  it('sends one SMS when Twilio created it but the answer never came', async () => {
    const t = await makeTestApp({ TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID, TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN, TWILIO_FROM: 'Assent', TWILIO_BASE_URL: twilio.url });
    const sms = twilioSender({ accountSid: FAKE_ACCOUNT_SID, authToken: FAKE_AUTH_TOKEN, baseUrl: t.config.twilio!.baseUrl, timeoutMs: 300 });
    // The fake's clock is the real one: the outbox's must not be ahead of it.
    t.clock.set(new Date(Date.now() - 1000).toISOString());
    const id = await queue(t, { body: 'Your code is 654321' });
    twilio.hangNext(1, { created: true });
    expect(await deliverDueSms({ ...t.deps, sms })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    t.clock.advance(2000);
    expect(await deliverDueSms({ ...t.deps, sms })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const mine = twilio.messages.filter((m) => m.body === 'Your code is 654321');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.from).toBe('Assent');
    expect(await row(t, id)).toMatchObject({ status: 'sent', provider_id: mine[0]!.sid, attempts: 2 });
  });
});
