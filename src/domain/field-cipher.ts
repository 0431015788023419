// Personal data at rest: AES-256-GCM through WebCrypto (the same code on Node and Workers), with
// the key id in every value so keys can rotate. Stored form: enc:v1:{kid}:{iv}:{ciphertext},
// base64url. A value without the prefix is legacy plaintext: it reads as itself until the
// re-encryption pass (`npm run cli -- keys rotate`) encrypts it.
import type { EncryptionKey } from '../config.ts';

const PREFIX = 'enc:v1:';

export interface FieldCipher {
  encrypt(plaintext: string): Promise<string>;
  decrypt(stored: string): Promise<string>;
  /** The SQL LIKE pattern of values already under the current key. */
  currentPattern: string;
}

export function createFieldCipher(keys: readonly EncryptionKey[]): FieldCipher {
  const current = keys[0];
  if (!current) throw new Error('at least one encryption key is required');
  const imported = new Map<string, Promise<CryptoKey>>();
  const cryptoKey = (kid: string) => {
    const raw = keys.find((key) => key.kid === kid)?.key;
    if (!raw) throw new Error(`no encryption key "${kid}": it was removed from ENCRYPTION_KEYS while data still uses it`);
    let key = imported.get(kid);
    if (!key) {
      key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
      imported.set(kid, key);
    }
    return key;
  };

  return {
    currentPattern: `${PREFIX}${current.kid}:%`,
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await cryptoKey(current.kid), new TextEncoder().encode(plaintext));
      return `${PREFIX}${current.kid}:${toBase64Url(iv)}:${toBase64Url(new Uint8Array(sealed))}`;
    },
    async decrypt(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [kid = '', iv = '', data = ''] = stored.slice(PREFIX.length).split(':');
      const opened = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64Url(iv) },
        await cryptoKey(kid),
        fromBase64Url(data),
      );
      return new TextDecoder().decode(opened);
    },
  };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
