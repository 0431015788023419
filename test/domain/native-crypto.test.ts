// On Node, hashes, MACs and AES-GCM run through node:crypto; on Workers through WebCrypto. The
// two must make the same bytes, or an address hashed on one would not be found on the other and
// a value sealed on one would not open on the other.
import { describe, expect, it } from 'vitest';
import { emailLookupHash, emailLookupHasher, normaliseEmail } from '../../src/domain/email-address.ts';
import { createFieldCipher, nativeAesGcm, webCryptoAesGcm } from '../../src/domain/field-cipher.ts';
import { hmacSha256Hex, sha256Hex, webCryptoHmacSha256Hex, webCryptoSha256Hex } from '../../src/domain/ids.ts';
import { nativeCrypto } from '../../src/domain/native-crypto.ts';

const TEXTS = ['', 'consent wording', 'ニュースレターを受け取る', 'emoji 📬 and a lone surrogate \ud800 here', 'x'.repeat(100_000)];
const KEYS = [{ kid: 'k1', key: new Uint8Array(32).fill(7) }, { kid: 'k2', key: new Uint8Array(32).fill(9) }];

describe('node:crypto and WebCrypto', () => {
  it('node:crypto is what Node uses', () => {
    expect(nativeCrypto).not.toBeNull();
  });

  it('hash and MAC every text alike, Japanese, emoji and broken UTF-16 included', async () => {
    for (const text of TEXTS) {
      expect(await sha256Hex(text)).toBe(await webCryptoSha256Hex(text));
      expect(await hmacSha256Hex('鍵 key', text)).toBe(await webCryptoHmacSha256Hex('鍵 key', text));
    }
  });

  it('find an address by the same lookup hash, one at a time or in bulk', async () => {
    const hasher = await emailLookupHasher('l'.repeat(40));
    for (const email of ['Ann@Example.com', 'はなこ@例え.jp']) {
      const expected = await webCryptoHmacSha256Hex('l'.repeat(40), normaliseEmail(email));
      expect(await emailLookupHash('l'.repeat(40), email)).toBe(expected);
      expect(await hasher(email)).toBe(expected);
    }
  });

  it('open what the other sealed, and refuse a changed value or the wrong key alike', async () => {
    const native = nativeAesGcm(nativeCrypto!, KEYS);
    const web = webCryptoAesGcm(KEYS);
    const iv = new Uint8Array(12).fill(3);
    for (const text of TEXTS) {
      const plaintext = new TextEncoder().encode(text);
      // What a value can hold: a lone surrogate is stored as U+FFFD by either.
      const stored = new TextDecoder().decode(plaintext);
      const sealed = new Uint8Array(await native.seal('k1', iv, plaintext));
      expect(sealed).toEqual(new Uint8Array(await web.seal('k1', iv, plaintext)));
      expect(new TextDecoder().decode(await web.open('k1', iv, sealed))).toBe(stored);
      expect(new TextDecoder().decode(await native.open('k1', iv, sealed))).toBe(stored);
      const changed = sealed.slice();
      changed[0]! ^= 1;
      await expect(native.open('k1', iv, changed)).rejects.toThrow();
      await expect(web.open('k1', iv, changed)).rejects.toThrow();
      await expect(native.open('k2', iv, sealed)).rejects.toThrow();
      await expect(web.open('k2', iv, sealed)).rejects.toThrow();
    }
    await expect(native.open('k1', iv, new Uint8Array(5))).rejects.toThrow();
  });

  it('leave stored values readable: a value the field cipher stores opens, and names a removed key', async () => {
    const cipher = createFieldCipher(KEYS);
    const stored = await cipher.encrypt('ann@example.com');
    expect(stored).toMatch(/^enc:v1:k1:/);
    expect(await cipher.decrypt(stored)).toBe('ann@example.com');
    await expect(createFieldCipher([KEYS[1]!]).decrypt(stored)).rejects.toThrow(/no encryption key "k1"/);
  });
});
