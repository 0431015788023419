import { describe, expect, it } from 'vitest';
import { createTokens } from '../../src/domain/tokens.ts';
import { fixedClock } from '../helpers/test-app.ts';

const KEY_A = { kid: 'a', secret: 'A'.repeat(40) };
const KEY_B = { kid: 'b', secret: 'B'.repeat(40) };
const claims = { purpose: 'confirm' as const, subject: 'contact1', site: 'demo', jti: 'j1', categories: ['newsletter'] };

describe('link tokens', () => {
  it('verify with the purpose they were made for, and only that one', async () => {
    const tokens = createTokens([KEY_A], fixedClock());
    const token = await tokens.sign(claims, 3600);
    expect(await tokens.verify(token, 'confirm')).toEqual({ ok: true, claims });
    expect(await tokens.verify(token, 'manage')).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(await tokens.verify(token, 'unsubscribe')).toEqual({ ok: false, reason: 'wrong_purpose' });
  });

  it('report expiry by the injected clock, with the still-trusted claims', async () => {
    const clock = fixedClock();
    const tokens = createTokens([KEY_A], clock);
    const token = await tokens.sign(claims, 3600);
    clock.advance(3599_000);
    expect((await tokens.verify(token, 'confirm')).ok).toBe(true);
    clock.advance(2000);
    expect(await tokens.verify(token, 'confirm')).toEqual({ ok: false, reason: 'expired', claims });
  });

  it('rotate: the first key signs, every listed key verifies, a dropped key fails', async () => {
    const clock = fixedClock();
    const old = await createTokens([KEY_A], clock).sign(claims);
    const rotated = createTokens([KEY_B, KEY_A], clock);
    expect((await rotated.verify(old, 'confirm')).ok).toBe(true);
    const fresh = await rotated.sign(claims);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe('b');
    expect(await createTokens([KEY_B], clock).verify(old, 'confirm')).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', 'x', 'a.b.c', '..', 'eyJhbGciOiJub25lIn0.e30.'])('refuse garbage %j', async (token) => {
    expect(await createTokens([KEY_A], fixedClock()).verify(token, 'confirm')).toEqual({ ok: false, reason: 'invalid' });
  });
});
