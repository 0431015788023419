// Operator passwords: PBKDF2-SHA256 through WebCrypto, the same code on Node and Workers, with
// 600,000 iterations (OWASP's figure for it) on Node. Cloudflare's Workers refuse more than
// 100,000 (workerd#1346; the local workerd of wrangler dev does not enforce it), so a Worker
// hashes with 100,000, the most it may. Each hash says its count, and is checked with it.
// Stored form: pbkdf2-sha256${iterations}${salt}${hash}, salt and hash base64url.
import { onWorkers } from '../runtime.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';

export const WORKERS_MAX_ITERATIONS = 100_000;
export const PASSWORD_ITERATIONS = onWorkers ? WORKERS_MAX_ITERATIONS : 600_000;
export const MIN_PASSWORD_LENGTH = 12;
/** PBKDF2 hashes any length; a bound keeps a megabyte "password" out of every iteration's HMAC key setup. */
export const MAX_PASSWORD_LENGTH = 200;

const PREFIX = 'pbkdf2-sha256';

export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${PREFIX}$${iterations}$${toBase64Url(salt)}$${toBase64Url(await derive(password, salt, iterations))}`;
}

/** Whether `password` is the one `stored` was made from; false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, rounds, salt, hash] = stored.split('$');
  const iterations = Number(rounds);
  if (prefix !== PREFIX || !Number.isSafeInteger(iterations) || iterations < 1 || !salt || !hash) return false;
  // A hash made on Node (600,000) cannot be checked by a Worker: the operator sets a new password.
  if (onWorkers && iterations > WORKERS_MAX_ITERATIONS) return false;
  let expected: Uint8Array;
  let saltBytes: Uint8Array<ArrayBuffer>;
  try {
    expected = fromBase64Url(hash);
    saltBytes = fromBase64Url(salt);
  } catch {
    return false;
  }
  return constantTimeEqual(await derive(password, saltBytes, iterations), expected);
}

/**
 * A stored hash of no one's password: verifying an unknown address against it costs what a
 * known one does, so the time of the answer does not say which addresses are operators.
 */
export const UNKNOWN_OPERATOR_HASH = `${PREFIX}$${PASSWORD_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
