import { describe, expect, it } from 'vitest';
import { forwardedClient } from '../../src/net/forwarded-client.ts';
import { parseCidr } from '../../src/net/ip-address.ts';

const trust = (...entries: string[]) => entries.map((entry) => parseCidr(entry)!);
const PROXY = trust('127.0.0.1');

describe('forwardedClient', () => {
  it('believes the header only from a trusted peer', () => {
    expect(forwardedClient('127.0.0.1', '198.51.100.23', PROXY)).toBe('198.51.100.23');
    // Anyone can send the header: from an untrusted peer it is ignored.
    expect(forwardedClient('203.0.113.9', '198.51.100.23', PROXY)).toBe('203.0.113.9');
    expect(forwardedClient('127.0.0.1', '198.51.100.23', [])).toBe('127.0.0.1');
  });

  it('uses the peer when there is no header, or an empty one', () => {
    expect(forwardedClient('127.0.0.1', undefined, PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', null, PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '  ', PROXY)).toBe('127.0.0.1');
    expect(forwardedClient(null, '198.51.100.23', PROXY)).toBeNull();
  });

  it('takes the right-most entry its proxies did not add, so a spoofed left part changes nothing', () => {
    // The client sent "1.2.3.4" itself; our proxy appended the address it really saw.
    expect(forwardedClient('127.0.0.1', '1.2.3.4, 198.51.100.23', PROXY)).toBe('198.51.100.23');
    // Two proxies of ours: CDN edge 10.0.0.7 and the local nginx (the peer).
    const chain = trust('127.0.0.1', '10.0.0.0/8');
    expect(forwardedClient('127.0.0.1', '1.2.3.4, 198.51.100.23, 10.0.0.7', chain)).toBe('198.51.100.23');
    // Every entry is ours: the left-most is the farthest we know.
    expect(forwardedClient('127.0.0.1', '10.0.0.9, 10.0.0.7', chain)).toBe('10.0.0.9');
  });

  it('stops at an entry that is not an address and uses the peer', () => {
    expect(forwardedClient('127.0.0.1', 'unknown', PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '198.51.100.23, garbage', PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '198.51.100.23:4711', PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '198.51.100.23,,', PROXY)).toBe('127.0.0.1');
    expect(forwardedClient('127.0.0.1', '<script>', PROXY)).toBe('127.0.0.1');
    // Beyond an untrusted entry nothing is read, garbage or not.
    expect(forwardedClient('127.0.0.1', 'garbage, 198.51.100.23', PROXY)).toBe('198.51.100.23');
  });

  it('handles IPv6 peers, entries and ranges, in one spelling', () => {
    const v6 = trust('::1', 'fd00::/8');
    expect(forwardedClient('::1', '2001:DB8:0:0::7', v6)).toBe('2001:db8::7');
    expect(forwardedClient('::1', '[2001:db8::7], fd12::3', v6)).toBe('2001:db8::7');
    expect(forwardedClient('fd99::1', '198.51.100.23', v6)).toBe('198.51.100.23');
    expect(forwardedClient('2001:db8::99', '198.51.100.23', v6)).toBe('2001:db8::99');
  });

  it('reads an IPv4-mapped peer or entry as the IPv4 address it is', () => {
    expect(forwardedClient('::ffff:127.0.0.1', '198.51.100.23', PROXY)).toBe('198.51.100.23');
    expect(forwardedClient('127.0.0.1', '::ffff:198.51.100.23', PROXY)).toBe('198.51.100.23');
    expect(forwardedClient('::ffff:203.0.113.9', '198.51.100.23', PROXY)).toBe('203.0.113.9');
  });

  it('matches the peer against CIDR ranges', () => {
    const lan = trust('192.168.0.0/16');
    expect(forwardedClient('192.168.4.20', '198.51.100.23', lan)).toBe('198.51.100.23');
    expect(forwardedClient('192.169.0.1', '198.51.100.23', lan)).toBe('192.169.0.1');
  });
});
