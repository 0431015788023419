import { describe, expect, it } from 'vitest';
import { clientKey, rateLimitBucket } from '../../src/domain/rate-limit.ts';

describe('clientKey', () => {
  it('is the address for IPv4 and one shared key for an unknown peer', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey(null)).toBe('unknown');
    expect(clientKey('')).toBe('unknown');
  });

  it('is the /64 for IPv6, however the address is written', () => {
    const forms = ['2001:db8:1:2::1', '2001:0DB8:0001:0002:0000:0000:0000:0001', '[2001:db8:1:2:ffff:ffff:ffff:ffff]', 'fe80::1%eth0'];
    expect(forms.map(clientKey)).toEqual(['2001:db8:1:2::/64', '2001:db8:1:2::/64', '2001:db8:1:2::/64', 'fe80:0:0:0::/64']);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 client', () => {
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:c000:201')).toBe('192.0.2.1');
  });

  it('keeps anything it cannot parse as its own key rather than merging it with others', () => {
    expect(clientKey('1:2:3')).toBe('1:2:3');
    expect(clientKey('1::2::3')).toBe('1::2::3');
    expect(clientKey('::ffff:300.1.1.1')).toBe('::ffff:300.1.1.1');
  });
});

describe('rateLimitBucket', () => {
  it('is the scope and a keyed hash of the client, never the address', async () => {
    const key = 'k'.repeat(40);
    const bucket = await rateLimitBucket(key, 'signup', '203.0.113.7');
    expect(bucket).toMatch(/^signup:[0-9a-f]{64}$/);
    expect(bucket).not.toContain('203.0.113.7');
    expect(await rateLimitBucket(key, 'links', '203.0.113.7')).toBe(bucket.replace('signup:', 'links:'));
    expect(await rateLimitBucket('j'.repeat(40), 'signup', '203.0.113.7')).not.toBe(bucket);
    expect(await rateLimitBucket(key, 'signup', '203.0.113.8')).not.toBe(bucket);
    expect(await rateLimitBucket(key, 'signup', '2001:db8::1')).toBe(await rateLimitBucket(key, 'signup', '2001:db8::2'));
  });
});
