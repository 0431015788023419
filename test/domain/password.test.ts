import { describe, expect, it } from 'vitest';
import { hashPassword, PASSWORD_ITERATIONS, UNKNOWN_OPERATOR_HASH, verifyPassword } from '../../src/domain/password.ts';

describe('operator passwords on Node', () => {
  it('are PBKDF2-SHA256 with 600,000 iterations and a fresh salt each time', async () => {
    expect(PASSWORD_ITERATIONS).toBe(600_000);
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^pbkdf2-sha256\$600000\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
  });

  it('checks a hash with the count it says, and answers false for anything malformed', async () => {
    const cheap = await hashPassword('pw', 1000);
    expect(await verifyPassword('pw', cheap)).toBe(true);
    for (const broken of ['', 'pbkdf2-sha256$abc$x$y', 'md5$1$x$y', 'pbkdf2-sha256$1000$!!$!!', cheap.slice(0, -4)]) {
      expect(await verifyPassword('pw', broken), broken).toBe(false);
    }
    expect(await verifyPassword('anything', UNKNOWN_OPERATOR_HASH)).toBe(false);
  });
});
