// The real Twilio adapter over HTTP, against a local stand-in for Twilio's Messages API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSender } from '../../src/sms/twilio.ts';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';

let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio();
});
afterAll(() => twilio.close());

const sender = (overrides: { authToken?: string; timeoutMs?: number } = {}) =>
  twilioSender({ accountSid: FAKE_ACCOUNT_SID, authToken: overrides.authToken ?? FAKE_AUTH_TOKEN, baseUrl: twilio.url, timeoutMs: overrides.timeoutMs });

let n = 0;
const sms = (to = '+15005550006') => ({ id: `m${++n}`, from: '+15005550001', to, body: `Your code is ${100000 + n}` });

describe('the Twilio adapter', () => {
  it('posts To, From and Body form-encoded with Basic auth, and returns the message SID', async () => {
    const message = sms();
    const result = await sender().send(message);
    const request = twilio.creates().at(-1)!;
    expect(result).toEqual({ ok: true, providerId: twilio.messages.at(-1)!.sid });
    expect(result.ok && result.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(request.path).toBe(`/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages.json`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request.form)).toEqual({ To: message.to, From: message.from, Body: message.body });
  });

  it('fails for good with Twilio\'s code and message when Twilio refuses the message (400)', async () => {
    const result = await sender().send(sms('555-0100'));
    expect(result).toEqual({ ok: false, retryable: false, error: "400 21211: Invalid 'To' Phone Number: 555-0100" });
    expect(twilio.creates().at(-1)!.status).toBe(400);
  });

  it('fails for good with a wrong auth token, which Twilio answers 401', async () => {
    const before = twilio.messages.length;
    const result = await sender({ authToken: 'wrong'.repeat(8) }).send(sms());
    expect(result).toEqual({ ok: false, retryable: false, error: '401 20003: Authenticate' });
    expect(twilio.messages).toHaveLength(before);
  });

  it('retries a 429, which created nothing, without doubt', async () => {
    twilio.failNext(1, { status: 429 });
    const result = await sender().send(sms());
    expect(result).toEqual({ ok: false, retryable: true, error: '429 20429: Too Many Requests' });
  });

  it('retries a 500, with the message in doubt (Twilio may have created it)', async () => {
    twilio.failNext(1, { status: 500 });
    expect(await sender().send(sms())).toEqual({ ok: false, retryable: true, inDoubt: true, error: '500 20500: Internal Server Error' });
  });

  it('gives up on a Twilio that never answers, retryably and in doubt', async () => {
    twilio.hangNext(1);
    const started = Date.now();
    const result = await sender({ timeoutMs: 300 }).send(sms());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toEqual({ ok: false, retryable: true, inDoubt: true, error: 'timeout: Twilio did not answer in time' });
  });

  it('retries a refused connection without doubt', async () => {
    const closed = await startFakeTwilio();
    const url = closed.url;
    await closed.close();
    const result = await twilioSender({ accountSid: FAKE_ACCOUNT_SID, authToken: FAKE_AUTH_TOKEN, baseUrl: url }).send(sms());
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result).not.toHaveProperty('inDoubt');
  });

  describe('a message in doubt', () => {
    it('is not sent again when Twilio lists it: the earlier SID is taken', async () => {
      const message = sms('+15005550009');
      twilio.hangNext(1, { created: true });
      const since = new Date().toISOString();
      expect(await sender({ timeoutMs: 300 }).send(message)).toMatchObject({ inDoubt: true });
      const creates = twilio.creates().length;
      const retry = await sender().send({ ...message, inDoubtSince: since });
      expect(retry).toEqual({ ok: true, providerId: twilio.messages.at(-1)!.sid });
      expect(twilio.creates()).toHaveLength(creates);
      expect(twilio.messages.filter((m) => m.body === message.body)).toHaveLength(1);
      expect(twilio.requests.at(-1)!.query.get('To')).toBe('+15005550009');
    });

    it('is sent when Twilio has no such message', async () => {
      const message = sms('+15005550010');
      twilio.hangNext(1);
      const since = new Date().toISOString();
      await sender({ timeoutMs: 300 }).send(message);
      const retry = await sender().send({ ...message, inDoubtSince: since });
      expect(retry).toMatchObject({ ok: true });
      expect(twilio.messages.filter((m) => m.body === message.body)).toHaveLength(1);
    });

    it('is not sent blind when Twilio cannot be asked', async () => {
      const message = sms('+15005550011');
      const creates = twilio.creates().length;
      twilio.failListNext(1);
      const retry = await sender().send({ ...message, inDoubtSince: new Date().toISOString() });
      expect(retry).toMatchObject({ ok: false, retryable: true, inDoubt: true });
      expect(twilio.creates()).toHaveLength(creates);
    });
  });
});
