// Phone numbers as the SMS channel keeps them: E.164, checked against libphonenumber's full
// ("max") metadata, which is the one that knows a mobile range from a fixed line. A number is
// personal data: here too are the keyed hash to find a contact by and the masked form for logs.
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { hmacSha256Hex } from '../domain/ids.ts';

/** Longer than any number a person types with its separators (E.164 has at most 15 digits). */
export const MAX_PHONE_INPUT_LENGTH = 40;

export type PhoneProblem = 'empty' | 'invalid' | 'not_mobile' | 'too_long';

export type NormalisedPhone =
  | { ok: true; e164: string; country: string | undefined; mobile: boolean | undefined }
  | { ok: false; reason: PhoneProblem };

// Every dash a keyboard or an IME produces: Japanese input in kana mode turns "-" into the
// prolonged sound mark ー (and its half-width ｰ, which NFKC has already made ー), and word
// processors into hyphens, en dashes and minus signs.
const DASHES = /[\p{Pd}\u2212\u30fc\u2015]/gu;
// What is left once the dashes are plain: digits, a leading "+", and the separators people type.
const TYPED_NUMBER = /^\+?[0-9 ().\-/]+$/;

/**
 * A typed number as E.164. Without a country code the number is read as national to
 * `defaultCountry` (ISO 3166 alpha-2, any case; one libphonenumber does not know is ignored, so
 * only numbers with a "+" are then accepted). Full-width digits and the usual separators are
 * fine (０９０−１２３４−５６７８); letters, extensions and text around the number are not.
 */
export function normalisePhone(input: string, defaultCountry: string | null): NormalisedPhone {
  // trim() knows the ideographic space; the length is checked before any other work.
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, reason: 'empty' };
  if (trimmed.length > MAX_PHONE_INPUT_LENGTH) return { ok: false, reason: 'too_long' };
  const typed = trimmed.normalize('NFKC').replace(DASHES, '-');
  if (!TYPED_NUMBER.test(typed)) return { ok: false, reason: 'invalid' };
  const country = defaultCountry?.toUpperCase();
  const parsed = parsePhoneNumberFromString(typed, {
    defaultCountry: country && isSupportedCountry(country) ? country : undefined,
    extract: false,
  });
  if (!parsed?.isValid()) return { ok: false, reason: 'invalid' };
  // FIXED_LINE_OR_MOBILE (most of North America) and no type at all mean the metadata cannot
  // tell, and are let through. Every other type is known not to be a handset: fixed lines, VoIP
  // ranges (Japan's 050, which mostly cannot take SMS), toll-free, premium, pagers, personal numbers.
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' && type !== undefined) return { ok: false, reason: 'not_mobile' };
  return { ok: true, e164: parsed.number, country: parsed.country, mobile: type === 'MOBILE' ? true : undefined };
}

const E164 = /^\+[1-9][0-9]{1,14}$/;

/**
 * The per-site lookup key of a number: HMAC-SHA256 with the site's lookup key, like
 * emailLookupHash, over `phone:+81...`. An address always holds an "@" and this text never does,
 * so a number's hash cannot equal an address's. Takes the E.164 form only (normalisePhone's
 * output): hashing a number as typed would file it where no lookup finds it, so that throws.
 */
export function phoneLookupHash(lookupKey: string, e164: string): Promise<string> {
  if (!E164.test(e164)) throw new TypeError('phoneLookupHash takes an E.164 number (normalisePhone first)');
  return hmacSha256Hex(lookupKey, `phone:${e164}`);
}

/**
 * A number for logs and lists: the country code and the international grouping stay, every
 * digit but the last four is a "*" (+81 ** **** 5678); a number with fewer than 8 digits after
 * its country code shows only half of them. Never throws: text that does not parse as a number
 * comes out as "+" and its digits, masked the same way.
 */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164, { extract: false });
  if (parsed) {
    const prefix = `+${parsed.countryCallingCode}`;
    const international = parsed.formatInternational();
    const rest = international.startsWith(prefix) ? international.slice(prefix.length) : ` ${parsed.nationalNumber}`;
    return prefix + maskDigits(rest);
  }
  return `+${maskDigits(e164.replace(/\D/g, ''))}`;
}

function maskDigits(text: string): string {
  const total = text.replace(/\D/g, '').length;
  const visible = Math.min(4, Math.floor(total / 2));
  let seen = 0;
  return text.replace(/\d/g, (digit) => (++seen > total - visible ? digit : '*'));
}
