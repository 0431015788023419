import { describe, expect, it } from 'vitest';
import { baseUrlWarning, isLocalBaseUrl, mailFromWarning, parseConfig, parseDuration } from '../src/config.ts';

import { SECRETS, errorOf } from './helpers/config-env.ts';

const KEY_B64 = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('has defaults for everything but the secrets', () => {
    const config = parseConfig(SECRETS);
    expect(config).toMatchObject({
      port: 3000,
      baseUrl: 'http://localhost:3000',
      databasePath: './data/consent.db',
      resendApiKey: null,
      devMailbox: true,
      adminApiKey: null,
      confirmTtlSeconds: 48 * 3600,
      mailFrom: 'assent <onboarding@resend.dev>',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('builds the default BASE_URL from PORT and strips a trailing slash from a given one', () => {
    expect(parseConfig({ ...SECRETS, PORT: '8080' }).baseUrl).toBe('http://localhost:8080');
    expect(parseConfig({ ...SECRETS, BASE_URL: 'https://consent.example.com/', RESEND_API_KEY: 're_x' }).baseUrl).toBe(
      'https://consent.example.com',
    );
  });

  it('uses generated secrets only when the environment has none', () => {
    const generated = { TOKEN_SECRETS: 'gen:' + 'g'.repeat(32), LOOKUP_KEY: 'k'.repeat(32), ENCRYPTION_KEYS: `g1:${KEY_B64}` };
    expect(parseConfig({}, generated).tokenSecrets).toEqual([{ kid: 'gen', secret: 'g'.repeat(32) }]);
    expect(parseConfig(SECRETS, generated).tokenSecrets[0]!.kid).toBe('k1');
  });

  it('reads several token keys; the first one signs', () => {
    const config = parseConfig({ ...SECRETS, TOKEN_SECRETS: `new:${'n'.repeat(32)}, old:${'o'.repeat(40)}` });
    expect(config.tokenSecrets.map((k) => k.kid)).toEqual(['new', 'old']);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ BASE_URL: 'not a url' }, 'BASE_URL'],
    [{ BASE_URL: 'ftp://example.com' }, 'BASE_URL'],
    [{ BASE_URL: 'https://example.com/?x=1' }, 'BASE_URL'],
    [{ TOKEN_SECRETS: 'k1:tooshort' }, 'TOKEN_SECRETS'],
    [{ TOKEN_SECRETS: 'no-colon-' + 'x'.repeat(32) }, 'TOKEN_SECRETS'],
    [{ TOKEN_SECRETS: `a:${'x'.repeat(32)},a:${'y'.repeat(32)}` }, 'TOKEN_SECRETS'],
    [{ LOOKUP_KEY: 'short' }, 'LOOKUP_KEY'],
    [{ ENCRYPTION_KEYS: 'e1:c2hvcnQ=' }, 'ENCRYPTION_KEYS'],
    [{ ENCRYPTION_KEYS: `no-colon${KEY_B64}` }, 'ENCRYPTION_KEYS'],
    [{ ENCRYPTION_KEYS: 'e1:not base64!!' }, 'ENCRYPTION_KEYS'],
    [{ ENCRYPTION_KEYS: `a:${KEY_B64},a:${KEY_B64}` }, 'ENCRYPTION_KEYS'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'a@b.example\r\nBcc: x@y.example' }, 'MAIL_FROM'],
    [{ CONFIRM_TTL: 'soon' }, 'CONFIRM_TTL'],
    [{ CONFIRM_TTL: '10s' }, 'CONFIRM_TTL'],
    [{ CONFIRM_TTL: '90d' }, 'CONFIRM_TTL'],
    [{ UNCONFIRMED_RETENTION: '1h' }, 'UNCONFIRMED_RETENTION'],
    [{ UNCONFIRMED_RETENTION: 'never' }, 'UNCONFIRMED_RETENTION'],
  ])('refuses %o naming %s', (env, variable) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('refuses a start without token secrets when none were generated', () => {
    expect(() => parseConfig({ LOOKUP_KEY: 'l'.repeat(32), ENCRYPTION_KEYS: `e1:${KEY_B64}` })).toThrow(/TOKEN_SECRETS/);
  });

  it.each([
    ['3600', 3600],
    ['90m', 5400],
    ['48h', 172800],
    ['2d', 172800],
  ])('reads the duration %s as %i seconds', (raw, seconds) => {
    expect(parseDuration('CONFIRM_TTL', raw)).toBe(seconds);
  });

  it.each([
    ['http://localhost:3000', false],
    ['http://127.0.0.1:8080', false],
    ['http://[::1]:3000', false],
    ['http://app.localhost', false],
    ['https://consent.example.com', false],
    ['http://consent.example.com', true],
    ['http://192.168.1.10:3000', true],
    ['http://127.0.0.1.nip.io', true],
  ])('warns about a plain-http BASE_URL outside local addresses: %s -> %s', (url, warns) => {
    expect(baseUrlWarning(url) !== null).toBe(warns);
  });

  it.each([
    ['http://localhost:3000', true],
    ['http://app.localhost', true],
    ['http://127.0.0.1:8080', true],
    ['http://127.1', true],
    ['http://127.255.0.9', true],
    ['http://[::1]:3000', true],
    ['https://consent.example.com', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://localhost.example.com', false],
    ['http://mylocalhost', false],
    ['http://192.168.1.10:3000', false],
    ['http://[::ffff:7f00:1]', false],
    ['http://[fe80::1]', false],
  ])('tells a local BASE_URL from a public one: %s -> %s', (url, local) => {
    expect(isLocalBaseUrl(url)).toBe(local);
  });

  it('refuses a public BASE_URL without RESEND_API_KEY, saying why', () => {
    const error = errorOf({ BASE_URL: 'https://consent.example.com' });
    expect(error.variable).toBe('RESEND_API_KEY');
    expect(error.message).toMatch(/^RESEND_API_KEY: is required when BASE_URL \(https:\/\/consent\.example\.com\) is not local: a public service needs a real mail provider/);
    expect(errorOf({ BASE_URL: 'http://127.0.0.1.nip.io:3000' }).variable).toBe('RESEND_API_KEY');
  });

  it('keeps mail in the dev mailbox only on a local BASE_URL without RESEND_API_KEY', () => {
    expect(parseConfig({ ...SECRETS, BASE_URL: 'http://127.0.0.1:3000' }).devMailbox).toBe(true);
    expect(parseConfig({ ...SECRETS, RESEND_API_KEY: 're_x' }).devMailbox).toBe(false);
    const deployed = parseConfig({ ...SECRETS, BASE_URL: 'https://consent.example.com', RESEND_API_KEY: 're_x' });
    expect(deployed).toMatchObject({ resendApiKey: 're_x', devMailbox: false });
  });

  it.each([
    [{ RESEND_API_KEY: 're_x' }, true],
    [{ RESEND_API_KEY: 're_x', MAIL_FROM: 'Shop <Onboarding@Resend.dev>' }, true],
    [{ RESEND_API_KEY: 're_x', MAIL_FROM: 'onboarding@resend.dev' }, true],
    [{ RESEND_API_KEY: 're_x', MAIL_FROM: 'Shop <news@shop.example>' }, false],
    [{ RESEND_API_KEY: 're_x', MAIL_FROM: 'news@shop.example' }, false],
    [{}, false], // the dev mailbox delivers everything
  ])('warns about Resend\'s test sender with a real key: %o -> %s', (env, warns) => {
    const warning = mailFromWarning(parseConfig({ ...SECRETS, ...env }));
    expect(warning !== null).toBe(warns);
    if (warning) expect(warning).toMatch(/^MAIL_FROM is onboarding@resend\.dev, Resend's test sender, which Resend delivers only to your own Resend account's address/);
  });

  it('reads LINK_TTL, never under 60 days', () => {
    expect(parseConfig(SECRETS).linkTtlSeconds).toBeNull();
    expect(parseConfig({ ...SECRETS, LINK_TTL: '90d' }).linkTtlSeconds).toBe(90 * 86400);
    expect(errorOf({ LINK_TTL: '59d' }).variable).toBe('LINK_TTL');
    expect(errorOf({ LINK_TTL: 'forever' }).variable).toBe('LINK_TTL');
  });
});
