// Who the client is behind a reverse proxy. X-Forwarded-For is whatever the client typed, plus
// what each proxy appended: only the entries our own proxies added can be believed. So the
// header counts only when the TCP peer is a trusted proxy, and then we walk it from the right
// (the entries closest to us) past our own proxies to the first address they vouch for.
import { cidrContains, formatIp, parseIp, unmapIpv4, type Cidr, type IpAddress } from './ip-address.ts';

/**
 * The client's address: `peer` (the socket's) unless `peer` is one of `trusted`, in which case
 * the right-most X-Forwarded-For entry that is not itself trusted (the left-most when all are).
 * An entry that is not an IP address ends the walk, and the peer is used: a broken chain vouches
 * for nothing. Addresses come back in one canonical spelling (IPv4-mapped IPv6 as IPv4).
 */
export function forwardedClient(peer: string | null, forwardedFor: string | null | undefined, trusted: readonly Cidr[]): string | null {
  const peerIp = peer === null ? null : parseIp(peer);
  const canonicalPeer = peerIp ? formatIp(unmapIpv4(peerIp)) : peer;
  if (!peerIp || !forwardedFor?.trim() || !isTrusted(peerIp, trusted)) return canonicalPeer;
  const entries = forwardedFor.split(',').map((entry) => parseIp(entry));
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (!entry) return canonicalPeer;
    if (!isTrusted(entry, trusted) || index === 0) return formatIp(unmapIpv4(entry));
  }
  return canonicalPeer;
}

function isTrusted(ip: IpAddress, trusted: readonly Cidr[]): boolean {
  return trusted.some((cidr) => cidrContains(cidr, ip));
}
