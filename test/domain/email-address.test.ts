import { describe, expect, it } from 'vitest';
import { canonicalMailbox, checkEmail, emailLookupHash, mailboxHash, normaliseEmail, sendableAddress } from '../../src/domain/email-address.ts';

describe('addresses', () => {
  it('normalise by trimming, NFC and lower case', () => {
    expect(normaliseEmail('  Alice@Example.COM ')).toBe('alice@example.com');
    expect(normaliseEmail('Jose\u0301@example.com')).toBe('jos\u00e9@example.com');
    expect(normaliseEmail('ユーザー@例え.JP')).toBe('ユーザー@xn--r8jz45g.jp');
    expect(normaliseEmail('a@Bücher.example')).toBe('a@xn--bcher-kva.example');
    // Mail goes out with the domain in punycode and the local part as typed.
    expect(sendableAddress(' Hana@例え.jp ')).toBe('Hana@xn--r8jz45g.jp');
  });

  it('hash the normalised form with the key', async () => {
    const a = await emailLookupHash('k'.repeat(32), 'Alice@Example.com');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await emailLookupHash('k'.repeat(32), ' alice@example.COM')).toBe(a);
    expect(await emailLookupHash('j'.repeat(32), 'alice@example.com')).not.toBe(a);
    const idn = await emailLookupHash('k'.repeat(32), 'hana@例え.jp');
    expect(await emailLookupHash('k'.repeat(32), 'hana@xn--r8jz45g.jp')).toBe(idn);
  });

  it.each(['a@example.com', 'first.last+tag@sub.example.co.jp', 'ユーザー@例え.jp', "o'neil@example.ie"])('accept %s', (address) => {
    expect(checkEmail(address)).toBeNull();
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    ['plain', 'invalid'],
    ['a@b', 'invalid'],
    ['a@@example.com', 'invalid'],
    ['a b@example.com', 'invalid'],
    ['.a@example.com', 'invalid'],
    ['a..b@example.com', 'invalid'],
    ['a@-example.com', 'invalid'],
    ['a@example.com\r\nBcc: x@y.com', 'invalid'],
    ['a\u0000@example.com', 'invalid'],
    [`${'a'.repeat(65)}@example.com`, 'invalid'],
    [`a@${'b'.repeat(250)}.com`, 'too_long'],
    ['admin\u202Emoc.elpmaxe@example.com', 'invalid'],
    ['zero\u200Bwidth@example.com', 'invalid'],
  ])('refuse %j as %s', (address, problem) => {
    expect(checkEmail(address)).toBe(problem);
  });
});

describe('the inbox an address reaches (for mail limits only)', () => {
  it.each([
    ['A.B@gmail.com', 'ab@gmail.com'],
    ['ab+1@gmail.com', 'ab@gmail.com'],
    ['a.b+news@GoogleMail.com', 'ab@gmail.com'],
    ['ab@googlemail.com', 'ab@gmail.com'],
    // Elsewhere dots matter; a +tag does not.
    ['a.b@example.com', 'a.b@example.com'],
    ['a.b+shop@example.com', 'a.b@example.com'],
    ['Hana+x@例え.jp', 'hana@xn--r8jz45g.jp'],
  ])('%s is the inbox %s', (typed, inbox) => {
    expect(canonicalMailbox(typed)).toBe(inbox);
  });

  it('hash apart from the lookup hash of the same text', async () => {
    const key = 'k'.repeat(32);
    expect(await mailboxHash(key, 'a.b@gmail.com')).toBe(await mailboxHash(key, 'ab+1@googlemail.com'));
    expect(await mailboxHash(key, 'ab@gmail.com')).not.toBe(await emailLookupHash(key, 'ab@gmail.com'));
  });
});
