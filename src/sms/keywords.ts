// The replies an SMS programme must act on by itself: STOP (the FCC's list, the carriers' and
// Japanese), START to undo it, HELP for the programme's contact details.
//
// A reply counts only when, once normalised, it IS one keyword: "Stop.", "ＳＴＯＰ", "「停止」" and
// "STOP 🙏" are STOP; "please don't stop", "stop sending me offers" and "STOP please" are not.
// Why so strict, when the FCC (2025) lets a person revoke by any reasonable means:
// - A keyword inside a sentence may mean its opposite ("don't stop", "can I stop getting
//   reminders but keep alerts?"), and a sentence that is an opt-out in substance ("stop sending
//   me offers") needs someone to read it. No word list gets both right; an exact one never
//   misreads.
// - SMS platforms commonly act on these keywords only when they are the whole message (Braze
//   documents that "STOP PLEASE" is ignored), so what we record agrees with what they did.
// - So `null` means "not a keyword", never "not an opt-out": the caller keeps every other reply
//   where the operator sees it, since a reasonable revocation in other words still binds.
//
// Normalising: NFKC (full-width ＳＴＯＰ is STOP, half-width ｽﾄｯﾌﾟ is ストップ), upper case, dashes
// made "-", runs of spaces made one, and everything that is not a letter or digit stripped from
// both ends: punctuation, brackets, symbols and emoji (with their joiners, variation selectors
// and skin tones) say nothing a keyword does not.

export const STOP_KEYWORDS = [
  'STOP',
  'STOPALL',
  'STOP ALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPT OUT',
  'OPTOUT',
  'OPT-OUT',
  '停止',
  '配信停止',
  'ストップ',
] as const;

export const START_KEYWORDS = ['START', 'UNSTOP'] as const;

export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

export type ReplyKind = 'stop' | 'start' | 'help';

const KINDS = new Map<string, ReplyKind>([
  ...STOP_KEYWORDS.map((word) => [word, 'stop'] as const),
  ...START_KEYWORDS.map((word) => [word, 'start'] as const),
  ...HELP_KEYWORDS.map((word) => [word, 'help'] as const),
]);

// A keyword with emoji and punctuation around it fits in one SMS; longer text is a sentence.
const MAX_REPLY_LENGTH = 160;
// Punctuation, symbols (emoji among them), separators, controls and format characters (the
// zero-width joiner), and marks (variation selectors, the keycap): nothing a keyword is made of.
const EDGE = /^[\p{P}\p{S}\p{Z}\p{C}\p{M}\s]$/u;

/** What an inbound SMS asks for, if it is exactly one keyword; null for anything else. */
export function classifyReply(text: string): ReplyKind | null {
  if (text.length > MAX_REPLY_LENGTH) return null;
  const chars = Array.from(text.normalize('NFKC').toUpperCase().replace(/[\p{Pd}\u2212]/gu, '-'));
  let start = 0;
  let end = chars.length;
  while (start < end && EDGE.test(chars[start]!)) start++;
  while (end > start && EDGE.test(chars[end - 1]!)) end--;
  const core = chars.slice(start, end).join('').replace(/\s+/gu, ' ');
  return KINDS.get(core) ?? null;
}
