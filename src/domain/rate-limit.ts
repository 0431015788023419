// Per-IP rate limits: fixed windows counted in the database, so every process (and every
// Workers isolate on D1) shares them. The address is personal data and is never stored: the
// bucket is the scope plus an HMAC of the address keyed with LOOKUP_KEY.
import type { RateLimit } from '../config.ts';
import { countHit, deleteEndedWindows, uncountHit } from '../db/rate-limits.ts';
import type { Deps } from '../deps.ts';
import { ipv6Groups } from '../net/ip-address.ts';
import { ttlCache } from '../ttl-cache.ts';
import { hmacSha256Hex } from './ids.ts';

/**
 * signup: POST /s/{site}. links: every /c/, /u/ and /p/ request. api: per API key.
 * apiAuth: failed API authentications per client address. login: console sign-in attempts per
 * client address; loginAccount: per operator address tried, from anywhere.
 */
export type RateLimitScope = 'signup' | 'links' | 'api' | 'apiAuth' | 'login' | 'loginAccount';

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one request from `ip` (null: the runtime does not know the peer) against the scope. */
export async function hitRateLimit(deps: Deps, scope: RateLimitScope, ip: string | null): Promise<RateLimitVerdict> {
  return (await countInWindow(deps, scope, clientKey(ip))).verdict;
}

export interface Reservation {
  verdict: RateLimitVerdict;
  /** This attempt's number in its window (beyond the limit when refused). */
  count: number;
  /** The attempt turned out not to count (a key that was right): take it back. */
  release(): Promise<void>;
}

/**
 * Counts an attempt before knowing whether it counts (a failed authentication), so that parallel
 * attempts cannot all slip under the limit while being checked; the ones that turn out fine are
 * released. A read-then-count would let every attempt in flight through.
 */
export async function reserveRateLimit(deps: Deps, scope: RateLimitScope, ip: string | null): Promise<Reservation> {
  return reserveFor(deps, scope, clientKey(ip));
}

/** reserveRateLimit for something other than a client address (an account tried, by its hash). */
export async function reserveAccountRateLimit(deps: Deps, scope: RateLimitScope, account: string): Promise<Reservation> {
  return reserveFor(deps, scope, `account ${account}`);
}

async function reserveFor(deps: Deps, scope: RateLimitScope, subject: string): Promise<Reservation> {
  const { verdict, count, bucket, windowStart } = await countInWindow(deps, scope, subject);
  return { verdict, count, release: () => uncountHit(deps.db, bucket, windowStart) };
}

async function countInWindow(deps: Deps, scope: RateLimitScope, subject: string) {
  const { limit, windowSeconds }: RateLimit = deps.config.rateLimits[scope];
  const now = deps.clock.now().getTime();
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  const end = start + windowMs;
  const bucket = await bucketOf(deps.config.lookupKey, scope, subject);
  const windowStart = new Date(start).toISOString();
  const count = await countHit(deps.db, bucket, windowStart, new Date(end).toISOString());
  // The first hit of a window is rare (once per client per window): a cheap moment to drop
  // every window that has ended, so the table holds only the current ones. No timers needed.
  if (count === 1) await deleteEndedWindows(deps.db, new Date(now).toISOString());
  const verdict: RateLimitVerdict =
    count <= limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)) };
  return { verdict, count, bucket, windowStart };
}

export async function rateLimitBucket(lookupKey: string, scope: RateLimitScope, ip: string | null): Promise<string> {
  return bucketOf(lookupKey, scope, clientKey(ip));
}

async function bucketOf(lookupKey: string, scope: RateLimitScope, subject: string): Promise<string> {
  return `${scope}:${await clientMac(lookupKey, subject)}`;
}

/**
 * The MACs of the clients seen lately: a client makes many requests in a row, and each MAC is a
 * WebCrypto call. Kept in memory only, never stored, like the address in the request itself.
 */
const macs = ttlCache<string>({ ttlMs: Infinity, maxEntries: 10_000 });

function clientMac(lookupKey: string, client: string): Promise<string> {
  // The prefix keeps these MACs apart from the address lookup hashes made with the same key.
  return macs.get(`${lookupKey}\n${client}`, () => hmacSha256Hex(lookupKey, `rate-limit:${client}`));
}

/**
 * What one client is. An IPv4 address is one; an IPv6 host usually holds a whole /64, so it
 * could change address on every request: IPv6 counts per /64. Unknown peers share one bucket.
 */
export function clientKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!address.includes(':')) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  // An IPv4 address mapped into IPv6 is that IPv4 client.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
