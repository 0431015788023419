import { describe, expect, it } from 'vitest';
import { parseConfig, withoutDevOutboxes } from '../src/config.ts';
import { SECRETS, errorOf } from './helpers/config-env.ts';

const TWILIO = { TWILIO_ACCOUNT_SID: 'AC' + '0123456789abcdef'.repeat(2), TWILIO_AUTH_TOKEN: 'f'.repeat(32), TWILIO_FROM: '+15005550006' };
const PUBLIC = { BASE_URL: 'https://consent.example.com', RESEND_API_KEY: 're_x' };

describe('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM', () => {
  it('are read together, the auth token kept for the inbound webhook too', () => {
    const config = parseConfig({ ...SECRETS, ...PUBLIC, ...TWILIO });
    expect(config.twilio).toEqual({ accountSid: TWILIO.TWILIO_ACCOUNT_SID, authToken: TWILIO.TWILIO_AUTH_TOKEN, from: '+15005550006', baseUrl: null });
    expect(config).toMatchObject({ smsEnabled: true, devSms: false });
    expect(parseConfig({ ...SECRETS, ...TWILIO, TWILIO_BASE_URL: 'http://127.0.0.1:9999/' }).twilio!.baseUrl).toBe('http://127.0.0.1:9999');
  });

  it('take an alphanumeric sender id as TWILIO_FROM', () => {
    expect(parseConfig({ ...SECRETS, ...TWILIO, TWILIO_FROM: 'Shop 24' }).twilio!.from).toBe('Shop 24');
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID }, 'TWILIO_AUTH_TOKEN'],
    [{ TWILIO_AUTH_TOKEN: TWILIO.TWILIO_AUTH_TOKEN }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_FROM: '+15005550006' }, 'TWILIO_ACCOUNT_SID'],
    [{ ...TWILIO, TWILIO_FROM: ' ' }, 'TWILIO_FROM'],
    [{ ...TWILIO, TWILIO_AUTH_TOKEN: '' }, 'TWILIO_AUTH_TOKEN'],
  ])('are all three or none: %o stops the start naming %s', (env, variable) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or none of them)');
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: 'SK' + '0'.repeat(32) }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_AUTH_TOKEN: 'short' }, 'TWILIO_AUTH_TOKEN'],
    [{ TWILIO_FROM: '15005550006' }, 'TWILIO_FROM'],
    [{ TWILIO_FROM: '+0123' }, 'TWILIO_FROM'],
    [{ TWILIO_FROM: 'TwelveLetter' }, 'TWILIO_FROM'],
    [{ TWILIO_FROM: '12345' }, 'TWILIO_FROM'],
    [{ TWILIO_FROM: 'Shop\r\nX' }, 'TWILIO_FROM'],
    [{ TWILIO_BASE_URL: 'not a url' }, 'TWILIO_BASE_URL'],
    [{ TWILIO_BASE_URL: 'https://user:pw@api.twilio.com' }, 'TWILIO_BASE_URL'],
  ])('refuse a bad value: %o names %s', (env, variable) => {
    expect(errorOf({ ...TWILIO, ...env }).variable).toBe(variable);
  });
});

describe('SMS without Twilio', () => {
  it('goes to the dev outbox on a local BASE_URL', () => {
    expect(parseConfig(SECRETS)).toMatchObject({ twilio: null, devSms: true, smsEnabled: true });
  });

  it('is off on a public BASE_URL, and the service still starts', () => {
    expect(parseConfig({ ...SECRETS, ...PUBLIC })).toMatchObject({ twilio: null, devSms: false, smsEnabled: false });
  });

  it('is off on a Worker, which has no dev outbox', () => {
    expect(withoutDevOutboxes(parseConfig(SECRETS))).toMatchObject({ devMailbox: false, devSms: false, smsEnabled: false });
    expect(withoutDevOutboxes(parseConfig({ ...SECRETS, ...TWILIO }))).toMatchObject({ devSms: false, smsEnabled: true });
  });
});
