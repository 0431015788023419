// Random identifiers and hashes: node:crypto on Node, WebCrypto elsewhere (src/domain/native-crypto.ts).
import { nativeCrypto } from './native-crypto.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** 20 random base32 characters: 100 bits, URL-safe, no look-alike letters. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}

export function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text: string): Promise<string> {
  if (nativeCrypto) return nativeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');
  return webCryptoSha256Hex(text);
}

export async function webCryptoSha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

export async function hmacSha256Hex(key: string, text: string): Promise<string> {
  if (nativeCrypto) return nativeCrypto.createHmac('sha256', key).update(text, 'utf8').digest('hex');
  return webCryptoHmacSha256Hex(key, text);
}

export async function webCryptoHmacSha256Hex(key: string, text: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return toHex(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(text)));
}

/** Compares two secrets in time that does not depend on where they differ. */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= da.charCodeAt(i) ^ db.charCodeAt(i);
  return diff === 0;
}
