import { describe, expect, it } from 'vitest';
import { HELP_KEYWORDS, START_KEYWORDS, STOP_KEYWORDS, classifyReply } from '../../src/sms/keywords.ts';

/** The same text in full-width forms (ASCII letters, digits, punctuation and space). */
function fullWidth(text: string): string {
  return text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
}

const ALL: [string, 'stop' | 'start' | 'help'][] = [
  ...STOP_KEYWORDS.map((word) => [word, 'stop'] as [string, 'stop']),
  ...START_KEYWORDS.map((word) => [word, 'start'] as [string, 'start']),
  ...HELP_KEYWORDS.map((word) => [word, 'help'] as [string, 'help']),
];

describe('classifyReply', () => {
  it('knows the FCC’s revocation words, the carriers’ and the Japanese ones', () => {
    for (const word of ['STOP', 'QUIT', 'END', 'REVOKE', 'OPT OUT', 'CANCEL', 'UNSUBSCRIBE']) expect(STOP_KEYWORDS).toContain(word);
    expect(STOP_KEYWORDS).toEqual(expect.arrayContaining(['STOPALL', 'OPTOUT', 'OPT-OUT', '停止', '配信停止', 'ストップ']));
    expect(START_KEYWORDS).toEqual(['START', 'UNSTOP']);
    expect(HELP_KEYWORDS).toEqual(['HELP', 'INFO']);
  });

  describe.each(ALL)('%s', (word, kind) => {
    const capitalised = word.charAt(0) + word.slice(1).toLowerCase();
    it.each([
      ['as listed', word],
      ['in lower case', word.toLowerCase()],
      ['capitalised', capitalised],
      ['full-width', fullWidth(word)],
      ['full-width, lower case', fullWidth(word.toLowerCase())],
      ['with spaces around', `  ${word.toLowerCase()}  `],
      ['with a full stop', `${capitalised}.`],
      ['shouted', `${word}!!`],
      ['in Japanese brackets', `「${word}」`],
      ['with a Japanese full stop', `${word}。`],
      ['with an emoji', `${word} 🙏`],
      ['between emoji with variation selectors', `❤️${word}❤️`],
      ['with a skin-toned emoji', `${word} 👍🏽`],
      ['on a line of its own', `\n${word}\r\n`],
    ])(`is ${kind} %s`, (_how, text) => {
      expect(classifyReply(text)).toBe(kind);
    });
  });

  it.each([
    ['ｽﾄｯﾌﾟ', 'stop'], // half-width katakana
    ['ｽﾄｯﾌﾟ｡', 'stop'],
    ['「停止」', 'stop'],
    ['『配信停止』', 'stop'],
    ['停止！', 'stop'],
    ['ＳＴＯＰ', 'stop'],
    ['ｓｔｏｐ', 'stop'],
    ['opt out', 'stop'],
    ['Opt  Out', 'stop'], // two spaces
    ['opt\u3000out', 'stop'], // an ideographic space
    ['opt－out', 'stop'], // full-width hyphen
    ['opt‐out', 'stop'], // Unicode hyphen
    ['opt–out', 'stop'], // en dash
    ['Stop all', 'stop'],
    ['STOP 🙏', 'stop'],
    ['#STOP', 'stop'],
    ['"Stop"', 'stop'],
    ['*HELP*', 'help'],
    ['info?', 'help'],
    ['Start!', 'start'],
    ['ｕｎｓｔｏｐ', 'start'],
  ] as const)('reads %j as %s', (text, kind) => {
    expect(classifyReply(text)).toBe(kind);
  });

  it.each([
    // A keyword inside a sentence is not a keyword: it may mean the opposite.
    "please don't stop",
    'stop sending me offers',
    'Can I stop the offers but keep the alerts?',
    'I want to cancel my order',
    'what is this info about',
    'start date?',
    'the end',
    'quit it',
    // Exact keyword only: a courtesy word makes it a sentence (see the comment in keywords.ts).
    'STOP please',
    'stop thanks',
    'Please stop',
    'no',
    'yes', // not a START keyword
    'subscribe',
    'STOPP',
    'STOOP',
    'S T O P',
    'STOP1',
    '1STOP',
    'STOP STOP',
    'stop.stop',
    '停止してください',
    '配信を停止',
    '配信 停止',
    'すとっぷ',
    'opt',
    'out',
    'optout now',
    '',
    '   ',
    '🙏',
    '!!!',
  ])('does not take %j for a keyword', (text) => {
    expect(classifyReply(text)).toBeNull();
  });

  it('gives up on text longer than one SMS without reading it', () => {
    expect(classifyReply(`STOP${' '.repeat(156)}`)).toBe('stop');
    expect(classifyReply(`STOP${' '.repeat(157)}`)).toBeNull();
    expect(classifyReply(`${'!'.repeat(100_000)}x`)).toBeNull();
  });
});
