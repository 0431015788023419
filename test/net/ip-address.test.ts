import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  formatIp,
  isLoopbackAddress,
  isPublicAddress,
  parseCidr,
  parseIp,
  type IpAddress,
} from '../../src/net/ip-address.ts';

const ip = (text: string): IpAddress => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`test address ${text} does not parse`);
  return parsed;
};

describe('parseIp and formatIp', () => {
  it('reads IPv4 and IPv6 in their usual spellings, into the same bytes', () => {
    expect(formatIp(ip('192.0.2.1'))).toBe('192.0.2.1');
    expect(formatIp(ip('2001:0DB8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatIp(ip('[2001:db8::1]'))).toBe('2001:db8::1');
    expect(formatIp(ip('::ffff:192.0.2.1'))).toBe(formatIp(ip('::ffff:c000:201')));
    expect(formatIp(ip('::'))).toBe('::');
    expect(formatIp(ip('::1'))).toBe('::1');
    expect(formatIp(ip('1:0:0:2:0:0:0:3'))).toBe('1:0:0:2::3'); // the longest run of zeros
    expect(formatIp(ip('1:0:0:2:0:0:3:4'))).toBe('1::2:0:0:3:4'); // the first of equal runs
    expect(formatIp(ip('1:2:3:4:5:6:0:8'))).toBe('1:2:3:4:5:6:0:8'); // a single zero stays
  });

  it('refuses what is not an address, and IPv4 that could be read two ways', () => {
    for (const text of ['', 'example.com', '1.2.3', '1.2.3.4.5', '256.0.0.1', '010.0.0.1', '0x7f.0.0.1', '2130706433', '1::2::3', '1:2:3', '12345::', 'fe80::1%eth0', '::ffff:300.1.1.1', '[::1', '1.2.3.-4']) {
      expect(parseIp(text), text).toBeNull();
    }
  });
});

describe('parseCidr and cidrContains', () => {
  it('matches addresses inside a range and not beside it, for IPv4 and IPv6', () => {
    const net10 = parseCidr('10.0.0.0/8')!;
    expect(cidrContains(net10, ip('10.255.1.2'))).toBe(true);
    expect(cidrContains(net10, ip('11.0.0.0'))).toBe(false);
    const odd = parseCidr('172.16.0.0/12')!;
    expect(cidrContains(odd, ip('172.31.255.255'))).toBe(true);
    expect(cidrContains(odd, ip('172.32.0.0'))).toBe(false);
    const v6 = parseCidr('2001:db8:abcd::/48')!;
    expect(cidrContains(v6, ip('2001:db8:abcd:ffff::1'))).toBe(true);
    expect(cidrContains(v6, ip('2001:db8:abce::1'))).toBe(false);
    expect(cidrContains(v6, ip('10.0.0.1'))).toBe(false);
  });

  it('reads a single address as a /32 or /128, and everything as /0', () => {
    expect(cidrContains(parseCidr('192.0.2.1')!, ip('192.0.2.1'))).toBe(true);
    expect(cidrContains(parseCidr('192.0.2.1')!, ip('192.0.2.2'))).toBe(false);
    expect(cidrContains(parseCidr('::1')!, ip('::1'))).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, ip('203.0.113.9'))).toBe(true);
  });

  it('treats a mapped IPv4 peer and a mapped range as the IPv4 they are', () => {
    expect(cidrContains(parseCidr('127.0.0.1')!, ip('::ffff:127.0.0.1'))).toBe(true);
    const mappedRange = parseCidr('::ffff:10.0.0.0/104')!;
    expect(mappedRange).toMatchObject({ version: 4, prefix: 8 });
    expect(cidrContains(mappedRange, ip('10.1.2.3'))).toBe(true);
  });

  it('refuses bad prefixes and garbage', () => {
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/8/8', '10.0.0/8', 'nope/8', '/8', '10.0.0.0/-1']) {
      expect(parseCidr(text), text).toBeNull();
    }
  });
});

describe('isPublicAddress', () => {
  it('accepts ordinary internet addresses', () => {
    for (const text of ['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e']) {
      expect(isPublicAddress(text), text).toBe(true);
    }
  });

  it('refuses loopback, private, link-local, CGNAT, multicast, unspecified and reserved IPv4', () => {
    const inside = [
      '127.0.0.1', '127.255.255.254', // loopback
      '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', // private
      '169.254.169.254', '169.254.0.1', // link-local, cloud metadata
      '100.64.0.1', '100.100.100.200', '100.127.255.255', // CGNAT
      '224.0.0.1', '239.255.255.250', // multicast
      '0.0.0.0', '0.1.2.3', // unspecified
      '240.0.0.1', '255.255.255.255', // reserved, broadcast
      '192.0.2.1', '198.51.100.1', '203.0.113.1', '198.18.0.1', '192.0.0.170', // documentation, benchmarking, IETF
    ];
    for (const text of inside) expect(isPublicAddress(text), text).toBe(false);
  });

  it('refuses loopback, unique-local, link-local, multicast and unspecified IPv6', () => {
    for (const text of ['::1', '::', 'fd00::1', 'fc00::1', 'fe80::1', 'febf::1', 'fec0::1', 'ff02::1', 'ff05::1:3', '2001:db8::1', '100::1', '2001::1', '3fff::1']) {
      expect(isPublicAddress(text), text).toBe(false);
    }
  });

  it('judges an IPv4 address inside IPv6 by that IPv4 address', () => {
    // IPv4-mapped, IPv4-compatible, NAT64 and 6to4: each reaches the embedded IPv4 address.
    for (const text of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::127.0.0.1', '::a9fe:a9fe', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::']) {
      expect(isPublicAddress(text), text).toBe(false);
    }
    for (const text of ['::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) {
      expect(isPublicAddress(text), text).toBe(true);
    }
  });

  it('refuses what it cannot read', () => {
    expect(isPublicAddress('example.com')).toBe(false);
    expect(isPublicAddress('')).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it('is 127/8 and ::1, however written, and nothing else', () => {
    for (const text of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(text), text).toBe(true);
    for (const text of ['10.0.0.1', '::', '::2', 'fe80::1', '128.0.0.1', '::127.0.0.1', 'localhost']) expect(isLoopbackAddress(text), text).toBe(false);
  });
});
