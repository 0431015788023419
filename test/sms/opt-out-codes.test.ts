import { describe, expect, it } from 'vitest';
import {
  OPT_OUT_CODE_ALPHABET,
  OPT_OUT_CODE_LENGTH,
  type RandomBytes,
  isOptOutCode,
  newOptOutCode,
} from '../../src/sms/opt-out-codes.ts';

/**
 * Pearson's chi-square of symbol counts against a uniform spread over the alphabet. With 31
 * symbols (30 degrees of freedom) a fair source exceeds 70 about once in 30,000 runs; the
 * biased source below scores in the hundreds.
 */
function chiSquare(codes: string[]): number {
  const counts = new Map<string, number>();
  let total = 0;
  for (const code of codes) {
    for (const char of code) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
      total++;
    }
  }
  const expected = total / OPT_OUT_CODE_ALPHABET.length;
  let sum = 0;
  for (const char of OPT_OUT_CODE_ALPHABET) sum += ((counts.get(char) ?? 0) - expected) ** 2 / expected;
  return sum;
}
const CHI_SQUARE_LIMIT = 70;

/** Bytes from a list, repeating it, to drive the sampler exactly. */
function scripted(bytes: number[]): RandomBytes {
  let next = 0;
  return (count) => Uint8Array.from({ length: count }, () => bytes[next++ % bytes.length]!);
}

describe('opt-out codes', () => {
  it('use an alphabet with no look-alikes, safe in a URL as it is', () => {
    expect(OPT_OUT_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(OPT_OUT_CODE_ALPHABET).size).toBe(31);
    for (const lookalike of ['0', 'o', 'O', '1', 'l', 'I', 'i']) expect(OPT_OUT_CODE_ALPHABET).not.toContain(lookalike);
    expect(encodeURIComponent(OPT_OUT_CODE_ALPHABET)).toBe(OPT_OUT_CODE_ALPHABET);
    expect(OPT_OUT_CODE_ALPHABET).toBe(OPT_OUT_CODE_ALPHABET.toLowerCase());
  });

  it('are 10 characters of that alphabet, and 10,000 of them never repeat', () => {
    const codes = Array.from({ length: 10_000 }, () => newOptOutCode());
    for (const code of codes) {
      expect(code).toHaveLength(OPT_OUT_CODE_LENGTH);
      expect(isOptOutCode(code)).toBe(true);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('use every symbol about equally often', () => {
    const codes = Array.from({ length: 10_000 }, () => newOptOutCode());
    expect(chiSquare(codes)).toBeLessThan(CHI_SQUARE_LIMIT);
  });

  it('(the uniformity check catches the bias of taking a byte modulo 31)', () => {
    const biased = Array.from({ length: 10_000 }, () =>
      Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => OPT_OUT_CODE_ALPHABET[byte % 31]).join(''),
    );
    expect(chiSquare(biased)).toBeGreaterThan(CHI_SQUARE_LIMIT);
  });

  it('draw again for the 8 bytes that would favour the first symbols', () => {
    // 248..255 are skipped; 0, 30, 31 and 247 are the first, last, first and last symbols.
    const code = newOptOutCode(scripted([248, 255, 0, 30, 31, 247, 250, 62, 1, 32, 100, 200, 249]));
    expect(code).toBe('2z2z' + OPT_OUT_CODE_ALPHABET[62 % 31] + '33' + OPT_OUT_CODE_ALPHABET[100 % 31] + OPT_OUT_CODE_ALPHABET[200 % 31] + '2');
    // A source that keeps returning rejected bytes for a while still ends in a full code.
    let calls = 0;
    const stubborn: RandomBytes = (count) => new Uint8Array(count).fill(calls++ < 5 ? 255 : 7);
    expect(newOptOutCode(stubborn)).toBe(OPT_OUT_CODE_ALPHABET[7]!.repeat(10));
  });

  it.each([
    ['', false],
    ['23456789ab', true],
    ['23456789a', false], // 9
    ['23456789abc', false], // 11
    ['23456789aB', false], // upper case
    ['23456789a0', false], // look-alike
    ['23456789al', false],
    ['23456789a-', false],
    ['23456789a\n', false],
    ['２３４５６７８９ab', false], // full-width
    ['23456789ab/', false],
  ] as const)('isOptOutCode(%j) is %s', (text, expected) => {
    expect(isOptOutCode(text)).toBe(expected);
  });
});
