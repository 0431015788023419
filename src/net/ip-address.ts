// IP addresses as bytes: parsing, CIDR ranges, and which addresses are public. No node:* imports,
// so the Workers entry can use it as it is. Comparing bytes (never text) is what makes every
// spelling of one address the same address.

export interface IpAddress {
  version: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
}

export interface Cidr extends IpAddress {
  /** Leading bits that must match: 0-32 for IPv4, 0-128 for IPv6. */
  prefix: number;
}

/**
 * Dotted-quad IPv4 in plain decimal. Leading zeros are refused: some parsers read "010" as
 * octal 8 and others as decimal 10, and an address that means two things is not an address.
 */
export function parseIpv4(text: string): IpAddress | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (const [index, part] of parts.entries()) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    bytes[index] = Number(part);
  }
  return { version: 4, bytes };
}

/** RFC 4291 text (with "::" and an optional trailing dotted quad); no brackets, no zone. */
export function parseIpv6(text: string): IpAddress | null {
  const groups = ipv6Groups(text);
  if (!groups) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 255;
  });
  return { version: 6, bytes };
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
export function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4 || lastColon < 1) return null;
    const b = v4.bytes;
    // "::1.2.3.4" keeps its "::"; "1::2:1.2.3.4" its last colon.
    text = `${text.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

/** Either kind of address as text; an IPv6 one may come in brackets, as in URLs. */
export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) return parseIpv6(trimmed.slice(1, -1));
  return trimmed.includes(':') ? parseIpv6(trimmed) : parseIpv4(trimmed);
}

/** "10.0.0.0/8", "2001:db8::/32", or one address (a /32 or /128). Host bits are ignored. */
export function parseCidr(text: string): Cidr | null {
  const cidr = parseRange(text);
  // An IPv4 range written as IPv4-mapped IPv6 (::ffff:10.0.0.0/104) is that IPv4 range, since
  // cidrContains compares a mapped peer as the IPv4 address it is.
  const mapped = cidr && cidr.version === 6 && cidr.prefix >= 96 ? mappedIpv4(cidr) : null;
  return mapped ? { ...mapped, prefix: cidr!.prefix - 96 } : cidr;
}

function parseRange(text: string): Cidr | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const ip = parseIp(address!);
  if (!ip) return null;
  const max = ip.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix > max ? null : { ...ip, prefix };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const ip = unmapIpv4(address);
  if (ip.version !== cidr.version) return false;
  return prefixMatches(cidr.bytes, ip.bytes, cidr.prefix);
}

function prefixMatches(range: Uint8Array, bytes: Uint8Array, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((range[bit / 8]! & mask) !== (bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), or null. */
export function mappedIpv4(ip: IpAddress): IpAddress | null {
  const mapped = ip.version === 6 && ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return mapped ? { version: 4, bytes: ip.bytes.slice(12) } : null;
}

/** A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: that is the IPv4 address. */
export function unmapIpv4(ip: IpAddress): IpAddress {
  return mappedIpv4(ip) ?? ip;
}

/** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, the longest run of zeros as "::"). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (ip.bytes[i * 2]! << 8) | ip.bytes[i * 2 + 1]!);
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > best.length) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The tables below keep IPv6 ranges as IPv6 (parseCidr would turn ::ffff:0:0/96 into IPv4). */
const range = (text: string): Cidr => parseRange(text)!;

function within(ip: IpAddress, cidr: Cidr): boolean {
  return ip.version === cidr.version && prefixMatches(cidr.bytes, ip.bytes, cidr.prefix);
}

/** IPv4 ranges that do not lead to someone's server on the internet. */
const NOT_PUBLIC_V4: readonly Cidr[] = [
  '0.0.0.0/8', // unspecified, "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT (and Alibaba Cloud's metadata at 100.100.100.200)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local (cloud metadata at 169.254.169.254)
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relays (deprecated)
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 broadcast
].map(range);

/** IPv6 ranges whose last 32 bits (or bits 16-47 for 6to4) are an IPv4 address that decides. */
const EMBEDS_V4: readonly { cidr: Cidr; offset: number }[] = [
  { cidr: range('::ffff:0:0/96'), offset: 12 }, // ::ffff:a.b.c.d, IPv4-mapped
  { cidr: range('::/96'), offset: 12 }, // ::a.b.c.d, IPv4-compatible (deprecated); also :: and ::1
  { cidr: range('64:ff9b::/96'), offset: 12 }, // NAT64
  { cidr: range('2002::/16'), offset: 2 }, // 6to4
];

/** Only global unicast (2000::/3) reaches the internet; inside it, these do not. */
const GLOBAL_UNICAST = range('2000::/3');
const NOT_PUBLIC_V6: readonly Cidr[] = [
  '2001::/23', // IETF protocol assignments: Teredo, benchmarking, ORCHID
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation
].map(range);
// Outside 2000::/3, and so refused too: :: and ::1, fc00::/7 unique-local, fe80::/10 link-local,
// fec0::/10 site-local, ff00::/8 multicast, 100::/64 discard, 64:ff9b:1::/48 local NAT64.

/** Whether a connection to this address goes out to the internet rather than somewhere inside. */
export function isPublicAddress(address: IpAddress | string): boolean {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return false;
  if (ip.version === 4) return !NOT_PUBLIC_V4.some((cidr) => within(ip, cidr));
  for (const { cidr, offset } of EMBEDS_V4) {
    if (within(ip, cidr)) return isPublicAddress({ version: 4, bytes: ip.bytes.slice(offset, offset + 4) });
  }
  return within(ip, GLOBAL_UNICAST) && !NOT_PUBLIC_V6.some((cidr) => within(ip, cidr));
}

const LOOPBACK_V4 = range('127.0.0.0/8');
const LOOPBACK_V6 = range('::1/128');

/** 127/8 (also as ::ffff:127.x.y.z) and ::1. */
export function isLoopbackAddress(address: IpAddress | string): boolean {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return false;
  const plain = unmapIpv4(ip);
  return within(plain, LOOPBACK_V4) || within(plain, LOOPBACK_V6);
}
