// Address rules shared by every entry point.
import { hmacSha256Hex, toHex } from './ids.ts';
import { nativeCrypto } from './native-crypto.ts';

export const MAX_EMAIL_LENGTH = 254;

/**
 * The form the lookup key is computed from: trimmed, Unicode NFC, lower-cased, and an
 * internationalised domain in punycode, so 例え.jp and xn--r8jz45g.jp are one address.
 */
export function normaliseEmail(typed: string): string {
  const address = typed.trim().normalize('NFC').toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  return `${address.slice(0, at)}@${asciiDomain(address.slice(at + 1))}`;
}

/** The address to hand a mail provider: as typed, its domain in punycode (any server takes it). */
export function sendableAddress(typed: string): string {
  const address = typed.trim();
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  // An ASCII domain goes out exactly as typed; only an internationalised one is converted.
  return at < 0 || /^[\x21-\x7e]*$/.test(domain) ? address : `${address.slice(0, at)}@${asciiDomain(domain)}`;
}

/** The WHATWG URL parser does IDNA (UTS #46) the same way on Node and Workers. */
export function asciiDomain(domain: string): string {
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return domain;
  }
}

// One "@", a non-empty local part of at most 64 characters, a dotted domain of letters, digits
// and hyphens (Unicode letters allowed for internationalised domains), no spaces or controls.
const LOCAL = /^[^\s@"(),:;<>[\\\]\p{Cc}]{1,64}$/u;
const DOMAIN = /^(?=.{1,253}$)([\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export type EmailProblem = 'missing' | 'too_long' | 'invalid';

export function checkEmail(typed: string): EmailProblem | null {
  const trimmed = typed.trim();
  if (!trimmed) return 'missing';
  if (trimmed.length > MAX_EMAIL_LENGTH) return 'too_long';
  // Invisible format characters (bidi overrides, zero-width joiners) only serve to disguise.
  if (/\p{Cf}/u.test(trimmed)) return 'invalid';
  const at = trimmed.lastIndexOf('@');
  if (at < 1 || trimmed.indexOf('@') !== at) return 'invalid';
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'invalid';
  }
  return DOMAIN.test(domain) ? null : 'invalid';
}

/** The per-site lookup key: HMAC-SHA256 of the normalised address. */
export function emailLookupHash(lookupKey: string, typed: string): Promise<string> {
  return hmacSha256Hex(lookupKey, normaliseEmail(typed));
}

/**
 * emailLookupHash for many addresses: the HMAC key is imported once and reused, which is what
 * makes hashing 10,000 addresses cheap. Same output as emailLookupHash.
 */
export async function emailLookupHasher(lookupKey: string): Promise<(typed: string) => Promise<string>> {
  if (nativeCrypto) {
    const native = nativeCrypto;
    const key = native.createSecretKey(lookupKey, 'utf8');
    return async (typed) => native.createHmac('sha256', key).update(normaliseEmail(typed), 'utf8').digest('hex');
  }
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(lookupKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (typed) => toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(normaliseEmail(typed))));
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The inbox an address reaches, for per-inbox limits only (the stored address stays as typed):
 * normalised, a `+tag` dropped, and for Gmail dots ignored and googlemail.com joined to gmail.com,
 * as Gmail delivers them all to one inbox.
 */
export function canonicalMailbox(typed: string): string {
  const address = normaliseEmail(typed);
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  let local = address.slice(0, at).replace(/\+.*$/, '');
  let domain = address.slice(at + 1);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** The keyed hash the mail limits count by; the prefix keeps it apart from lookup hashes. */
export function mailboxHash(lookupKey: string, typed: string): Promise<string> {
  return hmacSha256Hex(lookupKey, `mailbox:${canonicalMailbox(typed)}`);
}
