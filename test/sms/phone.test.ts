import { describe, expect, it } from 'vitest';
import { checkEmail, emailLookupHash } from '../../src/domain/email-address.ts';
import { maskPhone, normalisePhone, phoneLookupHash } from '../../src/sms/phone.ts';

const JP_MOBILE = { ok: true, e164: '+819012345678', country: 'JP', mobile: true };

describe('normalisePhone', () => {
  it.each([
    '090-1234-5678',
    '09012345678',
    '090 1234 5678',
    '090.1234.5678',
    '(090) 1234-5678',
    '０９０−１２３４−５６７８', // full-width digits, minus signs
    '０９０ー１２３４ー５６７８', // the IME's prolonged sound mark for "-"
    '０９０ｰ１２３４ｰ５６７８', // and its half-width form
    '090‐1234–5678', // hyphen, en dash
    '090\u30001234\u30005678', // ideographic spaces
    '  090-1234-5678  ',
    '+81 90-1234-5678',
    '+81 (0)90 1234 5678',
    '＋８１９０１２３４５６７８',
    '+81９０１２３４５６７８',
  ])('reads %s typed in Japan as the Japanese mobile', (typed) => {
    expect(normalisePhone(typed, 'JP')).toEqual(JP_MOBILE);
  });

  it('takes the default country in any case, and a "+" number whatever the default', () => {
    expect(normalisePhone('090-1234-5678', 'jp')).toEqual(JP_MOBILE);
    expect(normalisePhone('+81 90 1234 5678', null)).toEqual(JP_MOBILE);
    expect(normalisePhone('+81 90 1234 5678', 'US')).toEqual(JP_MOBILE);
    expect(normalisePhone('+33 6 12 34 56 78', 'JP')).toEqual({ ok: true, e164: '+33612345678', country: 'FR', mobile: true });
    // A German typing the international prefix.
    expect(normalisePhone('0033 6 12 34 56 78', 'DE')).toEqual({ ok: true, e164: '+33612345678', country: 'FR', mobile: true });
  });

  it('reads a national number as the default country’s, so the same digits differ by country', () => {
    expect(normalisePhone('07400 123456', 'GB')).toEqual({ ok: true, e164: '+447400123456', country: 'GB', mobile: true });
    expect(normalisePhone('07400 123456', 'JP')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a national number when there is no default country, or one it does not know', () => {
    expect(normalisePhone('090-1234-5678', null)).toEqual({ ok: false, reason: 'invalid' });
    expect(normalisePhone('090-1234-5678', 'XX')).toEqual({ ok: false, reason: 'invalid' });
    expect(normalisePhone('+81 90 1234 5678', 'XX')).toEqual(JP_MOBILE);
  });

  it('accepts a number the metadata cannot tell from a fixed line, and says it cannot tell', () => {
    // North American numbers are FIXED_LINE_OR_MOBILE.
    expect(normalisePhone('(202) 555-0143', 'US')).toEqual({ ok: true, e164: '+12025550143', country: 'US', mobile: undefined });
    expect(normalisePhone('+1 202-555-0143', null)).toEqual({ ok: true, e164: '+12025550143', country: 'US', mobile: undefined });
  });

  it.each([
    ['03-1234-5678', 'JP'], // Tokyo fixed line
    ['050-1234-5678', 'JP'], // IP phone
    ['0120-123-456', 'JP'], // toll-free
    ['020 7946 0958', 'GB'], // London fixed line
    ['01 23 45 67 89', 'FR'],
    ['+1 800 555 0199', null], // toll-free
    ['+800 1234 5678', null], // international freephone
  ])('refuses %s (%s), which the metadata knows is not a mobile', (typed, country) => {
    expect(normalisePhone(typed, country)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it.each([
    ['abc', 'JP'],
    ['090-1234-567', 'JP'], // a digit short
    ['090-1234-56789', 'JP'], // a digit long
    ['12345', 'JP'],
    ['+', null],
    ['()', 'JP'],
    ['---', 'JP'],
    ['090-1234-5678 ext. 12', 'JP'], // an extension cannot take a text
    ['090-1234-5678#12', 'JP'],
    ['1-800-FLOWERS', 'US'], // letters are not read as digits
    ['tel:+81-90-1234-5678', null],
    ['090-1234-5678 (mobile)', 'JP'],
    ['Call 090-1234-5678', 'JP'], // no number picked out of text
    ['81+9012345678', null],
    ['+81 90 1234 5678\u200b', null], // a zero-width space
  ])('refuses %s (%s) as invalid', (typed, country) => {
    expect(normalisePhone(typed, country)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', '   ', '\u3000', '\n\t'])('calls %j empty', (typed) => {
    expect(normalisePhone(typed, 'JP')).toEqual({ ok: false, reason: 'empty' });
  });

  it('stops at 40 characters before parsing, counting what is inside the outer spaces', () => {
    const forty = `+81 90${' '.repeat(25)}1234 5678`;
    expect(forty).toHaveLength(40);
    expect(normalisePhone(forty, null)).toEqual(JP_MOBILE);
    expect(normalisePhone(`+81 90${' '.repeat(26)}1234 5678`, null)).toEqual({ ok: false, reason: 'too_long' });
    expect(normalisePhone(`  ${forty}  `, null)).toEqual(JP_MOBILE);
    expect(normalisePhone('9'.repeat(100_000), 'JP')).toEqual({ ok: false, reason: 'too_long' });
  });
});

describe('phoneLookupHash', () => {
  const key = 'k'.repeat(32);

  it('is HMAC-SHA256 of "phone:" and the number with the lookup key, in hex', async () => {
    const cryptoKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode('phone:+819012345678'));
    const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(await phoneLookupHash(key, '+819012345678')).toBe(hex);
  });

  it('depends on the key and the number, and never equals an address hash of the same text', async () => {
    const hash = await phoneLookupHash(key, '+819012345678');
    expect(await phoneLookupHash('j'.repeat(32), '+819012345678')).not.toBe(hash);
    expect(await phoneLookupHash(key, '+819012345679')).not.toBe(hash);
    expect(await emailLookupHash(key, '+819012345678')).not.toBe(hash);
    // The hashed text of a number is never an address, so no stored address can share its hash.
    expect(checkEmail('phone:+819012345678')).toBe('invalid');
  });

  it('finds one contact however the number was typed', async () => {
    const typed = ['090-1234-5678', '０９０−１２３４−５６７８', '+81 90 1234 5678'].map((text) => normalisePhone(text, 'JP'));
    const hashes = await Promise.all(typed.map((result) => (result.ok ? phoneLookupHash(key, result.e164) : 'refused')));
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(['090-1234-5678', '+81 90 1234 5678', '819012345678', '+0123', ''])('throws on %j, which is not E.164', (text) => {
    expect(() => phoneLookupHash(key, text)).toThrow(TypeError);
  });
});

describe('maskPhone', () => {
  it.each([
    ['+819012345678', '+81 ** **** 5678'],
    ['+12025550143', '+1 *** *** 0143'],
    ['+442079460958', '+44 ** **** 0958'],
    ['+8613800138000', '+86 *** **** 8000'],
    ['+33612345678', '+33 * ** ** 56 78'],
  ])('shows %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it('shows at most half of a short number', () => {
    expect(maskPhone('+2902222')).toBe('+290 **22');
  });

  it('never throws, and shows no more than 4 digits of what does not parse', () => {
    expect(maskPhone('+99912345678')).toBe('+*******5678');
    expect(maskPhone('not a number')).toBe('+');
    expect(maskPhone('')).toBe('+');
  });
});
