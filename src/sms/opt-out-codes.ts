// The short code in an SMS's opt-out link (https://…/s/k7m2xq9wpa): it has to survive being read
// off a small screen and typed into a browser, so no character looks like another (no 0/o,
// 1/l/i), and it is lower case only, which URLs, autocorrect and people all keep as it is.
// 31 symbols, 10 of them: about 49.5 bits, far beyond guessing through a rate-limited route.

export const OPT_OUT_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const OPT_OUT_CODE_LENGTH = 10;

const SIZE = OPT_OUT_CODE_ALPHABET.length;
// The largest multiple of 31 a byte reaches: bytes from here up would favour the first symbols
// (256 = 8 × 31 + 8), so they are drawn again.
const LIMIT = 256 - (256 % SIZE);
const CODE = new RegExp(`^[${OPT_OUT_CODE_ALPHABET}]{${OPT_OUT_CODE_LENGTH}}$`);

/** Random bytes; the default is the platform's CSPRNG. Tests pass their own to see the sampling. */
export type RandomBytes = (count: number) => Uint8Array;

const cryptoBytes: RandomBytes = (count) => crypto.getRandomValues(new Uint8Array(count));

/** A fresh opt-out code: each character uniform over the alphabet (rejection sampling). */
export function newOptOutCode(randomBytes: RandomBytes = cryptoBytes): string {
  let code = '';
  while (code.length < OPT_OUT_CODE_LENGTH) {
    // 16 bytes nearly always give 10 usable ones (each is kept with probability 248/256).
    for (const byte of randomBytes(16)) {
      if (byte >= LIMIT) continue;
      code += OPT_OUT_CODE_ALPHABET[byte % SIZE];
      if (code.length === OPT_OUT_CODE_LENGTH) break;
    }
  }
  return code;
}

/** Whether a route parameter can be an opt-out code at all (before any lookup). */
export function isOptOutCode(text: string): boolean {
  return CODE.test(text);
}
