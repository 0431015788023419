// Personal data at rest: AES-256-GCM (node:crypto on Node, WebCrypto elsewhere: the same bytes),
// with the key id in every value so keys can rotate. Stored form: enc:v1:{kid}:{iv}:{ciphertext},
// base64url. A value without the prefix is legacy plaintext: it reads as itself until the
// re-encryption pass (`npm run cli -- keys rotate`) encrypts it.
import type { EncryptionKey } from '../config.ts';
import { ttlCache } from '../ttl-cache.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { nativeCrypto } from './native-crypto.ts';

const PREFIX = 'enc:v1:';

export interface FieldCipher {
  encrypt(plaintext: string): Promise<string>;
  decrypt(stored: string): Promise<string>;
  /** The id of the key that encrypts (the first of ENCRYPTION_KEYS). */
  currentKeyId: string;
  /** Whether a stored value is already under the current key (else the rotation pass takes it). */
  isCurrent(stored: string): boolean;
}

export function createFieldCipher(keys: readonly EncryptionKey[]): FieldCipher {
  const current = keys[0];
  if (!current) throw new Error('at least one encryption key is required');
  const aes = nativeCrypto ? nativeAesGcm(nativeCrypto, keys) : webCryptoAesGcm(keys);
  return {
    currentKeyId: current.kid,
    isCurrent: (stored) => stored.startsWith(`${PREFIX}${current.kid}:`),
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await aes.seal(current.kid, iv, new TextEncoder().encode(plaintext));
      return `${PREFIX}${current.kid}:${toBase64Url(iv)}:${toBase64Url(sealed)}`;
    },
    async decrypt(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [kid = '', iv = '', data = ''] = stored.slice(PREFIX.length).split(':');
      return new TextDecoder().decode(await aes.open(kid, fromBase64Url(iv), fromBase64Url(data)));
    },
  };
}

/** AES-256-GCM as WebCrypto does it: the sealed bytes are the ciphertext and then the 16-byte tag. */
export interface AesGcm {
  seal(kid: string, iv: Uint8Array<ArrayBuffer>, plaintext: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
  /** Throws when the tag does not match (a changed value, or the wrong key). */
  open(kid: string, iv: Uint8Array<ArrayBuffer>, sealed: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

const TAG_BYTES = 16;

function keyOf(keys: readonly EncryptionKey[], kid: string): Uint8Array<ArrayBuffer> {
  const raw = keys.find((key) => key.kid === kid)?.key;
  if (!raw) throw new Error(`no encryption key "${kid}": it was removed from ENCRYPTION_KEYS while data still uses it`);
  return raw;
}

export function webCryptoAesGcm(keys: readonly EncryptionKey[]): AesGcm {
  // Kept only once imported (src/ttl-cache.ts says why).
  const imported = ttlCache<CryptoKey>({ ttlMs: Infinity });
  const cryptoKey = (kid: string) => imported.get(kid, () => crypto.subtle.importKey('raw', keyOf(keys, kid), 'AES-GCM', false, ['encrypt', 'decrypt']));
  return {
    seal: async (kid, iv, plaintext) => new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await cryptoKey(kid), plaintext)),
    open: async (kid, iv, sealed) => new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await cryptoKey(kid), sealed)),
  };
}

export function nativeAesGcm(native: NonNullable<typeof nativeCrypto>, keys: readonly EncryptionKey[]): AesGcm {
  return {
    async seal(kid, iv, plaintext) {
      const cipher = native.createCipheriv('aes-256-gcm', keyOf(keys, kid), iv);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      return Buffer.concat([head, tail, cipher.getAuthTag()]);
    },
    async open(kid, iv, sealed) {
      if (sealed.byteLength < TAG_BYTES) throw new Error('the stored value is too short to be sealed');
      const decipher = native.createDecipheriv('aes-256-gcm', keyOf(keys, kid), iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
      const head = decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES));
      return Buffer.concat([head, decipher.final()]);
    },
  };
}
