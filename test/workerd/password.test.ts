/// <reference types="@cloudflare/vitest-pool-workers/types" />
// Operator passwords inside workerd. Cloudflare's Workers refuse PBKDF2 above 100,000 iterations
// (the local workerd does not enforce it, so the count is held here instead).
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/domain/password.ts';

describe('operator passwords on Workers', () => {
  it('hash with the most iterations Workers allow, and verify with the same stored form', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
  });

  it('answer false, not an error, for a hash a Worker may not check (made on Node with 600,000)', async () => {
    const fromNode = await hashPassword('correct horse battery staple', 600_000);
    expect(await verifyPassword('correct horse battery staple', fromNode)).toBe(false);
  });
});
