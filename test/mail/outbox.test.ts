import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, deliverDueMail } from '../../src/mail/outbox.ts';
import { makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const row = () => t.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
const failure = (retryable: boolean, error = '500 internal_server_error: boom') => ({ ok: false as const, retryable, error });

describe('the outbox sender', () => {
  it('queues mail without sending it during the request', async () => {
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    expect(t.mailer.sent).toEqual([]);
    expect(t.queuedCount()).toBe(1);
    expect(await row()).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await t.deps.cipher.decrypt((await row()).to_address)).toBe('a@example.com');
    await t.deliver();
    expect(await row()).toMatchObject({ status: 'sent', attempts: 1, sent_at: '2026-11-01T09:00:00.000Z' });
  });

  it('retries a retryable failure with the same idempotency key, first within 5 seconds', async () => {
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    t.mailer.script.push(failure(true));
    expect(await t.deliver()).toEqual([]);
    const after = await row();
    expect(after).toMatchObject({ status: 'queued', attempts: 1, last_error: '500 internal_server_error: boom' });
    const waitMs = Date.parse(after.next_attempt_at) - t.clock.now().getTime();
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(5000);
    expect(await t.deliver()).toEqual([]); // not due yet
    t.clock.advance(waitMs);
    const [mail] = await t.deliver();
    expect(mail!.id).toBe(after.id);
    expect(await row()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up after 8 attempts within 24 hours and records why', async () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)).toBeLessThan(24 * 3600);
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    for (let attempt = 1; attempt <= 10; attempt++) {
      t.mailer.script.push(failure(true, '429 rate_limit_exceeded: slow down'));
      await deliverDueMail(t.deps);
      t.clock.advance(24 * 3600 * 1000); // whatever the backoff, it is due again by now
    }
    const final = await row();
    expect(final.status).toBe('failed');
    expect(final.attempts).toBe(8);
    expect(final.last_error).toBe('gave up after 8 attempts: 429 rate_limit_exceeded: slow down');
    expect(t.mailer.sent).toEqual([]);
  });

  it('does not retry a permanent failure', async () => {
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    t.mailer.script.push(failure(false, '422 validation_error: invalid to'));
    await t.deliver();
    t.clock.advance(3600_000);
    await t.deliver();
    expect(await row()).toMatchObject({ status: 'failed', attempts: 1, last_error: '422 validation_error: invalid to' });
  });

  it('never hands one message to two senders at once', async () => {
    await t.signup({ email: 'a@example.com', categories: ['newsletter'] });
    await Promise.all([deliverDueMail(t.deps), deliverDueMail(t.deps), deliverDueMail(t.deps)]);
    expect(t.mailer.sent).toHaveLength(1);
  });
});
