// Configuration of the abuse defences: per-IP rate limits and Cloudflare Turnstile.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TURNSTILE_VERIFY_URL, parseConfig } from '../src/config.ts';

import { SECRETS as BASE, errorOf } from './helpers/config-env.ts';

describe('RATE_LIMIT_SIGNUP and RATE_LIMIT_LINKS', () => {
  it('default to 20 signups and 300 link requests per IP every 10 minutes, 600 API requests per key a minute, 20 failed API keys per IP every 10 minutes, 20 console sign-ins per IP and 5 wrong passwords per account every 15 minutes', () => {
    expect(parseConfig(BASE).rateLimits).toEqual({
      signup: { limit: 20, windowSeconds: 600 },
      links: { limit: 300, windowSeconds: 600 },
      api: { limit: 600, windowSeconds: 60 },
      apiAuth: { limit: 20, windowSeconds: 600 },
      login: { limit: 20, windowSeconds: 900 },
      loginAccount: { limit: 5, windowSeconds: 900 },
    });
  });

  it.each([
    ['5/30s', { limit: 5, windowSeconds: 30 }],
    ['100 / 1h', { limit: 100, windowSeconds: 3600 }],
    ['1/1d', { limit: 1, windowSeconds: 86400 }],
    ['7/120', { limit: 7, windowSeconds: 120 }],
  ])('reads %s', (raw, expected) => {
    expect(parseConfig({ ...BASE, RATE_LIMIT_SIGNUP: raw }).rateLimits.signup).toEqual(expected);
    expect(parseConfig({ ...BASE, RATE_LIMIT_LINKS: raw }).rateLimits.links).toEqual(expected);
    expect(parseConfig({ ...BASE, RATE_LIMIT_API_AUTH: raw }).rateLimits.apiAuth).toEqual(expected);
  });

  it.each(['20', 'abc', '0/10m', '-1/10m', '20/', '20/soon', '20/0s', '20/2d', '1.5/10m', '2000000/1m'])(
    'refuses %s, naming the variable',
    (raw) => {
      for (const variable of ['RATE_LIMIT_SIGNUP', 'RATE_LIMIT_LINKS', 'RATE_LIMIT_API_AUTH']) {
        const error = errorOf({ [variable]: raw });
        expect(error.variable).toBe(variable);
        expect(error.message).toContain(variable);
      }
    },
  );
});

describe('TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY', () => {
  it('are off by default', () => {
    expect(parseConfig(BASE).turnstile).toBeNull();
  });

  it('turn Turnstile on together, with Cloudflare’s siteverify URL unless told otherwise', () => {
    const keys = { TURNSTILE_SITE_KEY: 'site-key', TURNSTILE_SECRET_KEY: 'secret-key' };
    expect(parseConfig({ ...BASE, ...keys }).turnstile).toEqual({
      siteKey: 'site-key',
      secretKey: 'secret-key',
      verifyUrl: DEFAULT_TURNSTILE_VERIFY_URL,
    });
    expect(DEFAULT_TURNSTILE_VERIFY_URL).toBe('https://challenges.cloudflare.com/turnstile/v0/siteverify');
    const local = parseConfig({ ...BASE, ...keys, TURNSTILE_VERIFY_URL: 'http://127.0.0.1:9999/siteverify' });
    expect(local.turnstile?.verifyUrl).toBe('http://127.0.0.1:9999/siteverify');
  });

  it.each([
    [{ TURNSTILE_SITE_KEY: 'site-key' }, 'TURNSTILE_SECRET_KEY'],
    [{ TURNSTILE_SECRET_KEY: 'secret-key' }, 'TURNSTILE_SITE_KEY'],
    [{ TURNSTILE_SITE_KEY: 'site-key', TURNSTILE_SECRET_KEY: ' ' }, 'TURNSTILE_SECRET_KEY'],
    [{ TURNSTILE_SITE_KEY: 'site-key', TURNSTILE_SECRET_KEY: 'secret-key', TURNSTILE_VERIFY_URL: 'not a url' }, 'TURNSTILE_VERIFY_URL'],
    [{ TURNSTILE_SITE_KEY: 'site-key', TURNSTILE_SECRET_KEY: 'secret-key', TURNSTILE_VERIFY_URL: 'ftp://example.com/x' }, 'TURNSTILE_VERIFY_URL'],
  ])('refuses %o naming %s', (env, variable) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });
});
