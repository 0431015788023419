// The Japanese catalog as a native writer would have it: full-width punctuation inside Japanese
// text, お客様 rather than あなた, the consent sentence spoken by the person who ticks, and the
// policy version written 「2026-01版」. Checked in the catalog and on the pages it fills.
import { describe, expect, it } from 'vitest';
import { ja } from '../../src/i18n/ja.ts';
import { BASE_URL, confirmPath, makeTestApp } from '../helpers/test-app.ts';

/** Every string of the catalog, functions called with sample arguments. */
function allStrings(value: unknown, path = 'ja'): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') return allStrings((value as (...args: unknown[]) => unknown)('Demo Shop', 'Demo Shop', 'Demo Shop'), path);
  if (Array.isArray(value)) return value.flatMap((item, i) => allStrings(item, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => allStrings(item, `${path}.${key}`));
  return [];
}

const JAPANESE = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー、。「」（）]';
/** A half-width colon, parenthesis, comma, full stop or question mark touching Japanese text. */
const HALF_WIDTH_IN_JAPANESE = new RegExp(`${JAPANESE}\\s?[:(),.?!]|[:(),?!]\\s?${JAPANESE}`, 'u');
/** The same in rendered text, where a Latin word may stand before the mark ("Shop: ") too. */
const HALF_WIDTH_COLON_BEFORE_JAPANESE = new RegExp(`[:]\\s?${JAPANESE}|${JAPANESE}\\s?:`, 'u');

describe('the Japanese catalog', () => {
  const strings = allStrings(ja).filter(([path]) => path !== 'ja.languageName');

  it('uses full-width punctuation inside Japanese text', () => {
    const halfWidth = strings.filter(([, text]) => HALF_WIDTH_IN_JAPANESE.test(text)).map(([path, text]) => `${path}: ${text}`);
    expect(halfWidth).toEqual([]);
  });

  it('speaks to the reader as お客様, never あなた', () => {
    expect(strings.filter(([, text]) => text.includes('あなた')).map(([path]) => path)).toEqual([]);
  });

  it('lets the person tick, and the sender only send, in the consent sentence', () => {
    const consent = ja.signup.consent('Demo Shop K.K.');
    // 「Demo Shop K.K. が上でチェックした種類のメール」 read as if the shop had ticked.
    expect(consent).not.toMatch(/Demo Shop K\.K\. が上で/);
    expect(consent).toContain('上でチェックを入れた種類のメールを、Demo Shop K.K. が記載の目的で、入力したメールアドレスに送信することに同意します。');
  });

  it('writes the policy version as 「2026-01版」', () => {
    expect(ja.signup.privacy('2026-01')).toBe('プライバシーポリシー（2026-01版）');
  });
});

describe('Japanese pages and the evidence', () => {
  it('the signup page and the wording it stores use full-width marks and 「2026-01版」', async () => {
    const t = await makeTestApp();
    const html = await (await t.request('/s/demo?lang=ja')).text();
    const text = html.replace(/<[^>]+>/g, '');
    expect(text).toContain('プライバシーポリシー（2026-01版）');
    expect(text).toContain('アカウント・ご注文に関するお知らせ：領収書');
    expect(text).not.toMatch(HALF_WIDTH_COLON_BEFORE_JAPANESE);

    await t.signup({ email: 'hanako@example.com', categories: ['newsletter'], lang: 'ja' });
    const [event] = await t.events('hanako@example.com');
    const stored = await t.db.selectFrom('consent_texts').select('text').where('sha256', '=', event!.consent_text_sha256!).executeTakeFirstOrThrow();
    expect(stored.text).toContain('[ ] ニュースレター：ショップの近況');
    expect(stored.text).toContain('目的：商品とお知らせのご案内のため。');
    expect(stored.text).toContain('プライバシーポリシー（2026-01版）：https://example.com/privacy');
    expect(stored.text).not.toMatch(HALF_WIDTH_COLON_BEFORE_JAPANESE);
  });

  it('Undo says 配信を再開しました', async () => {
    const t = await makeTestApp();
    await t.signup({ email: 'hanako@example.com', categories: ['newsletter'], lang: 'ja' });
    await t.request(confirmPath((await t.deliver())[0]!), { method: 'POST' });
    const [welcome] = await t.deliver();
    const unsubscribe = welcome!.headers['List-Unsubscribe']!.slice(`<${BASE_URL}`.length, -1);
    const done = await (await t.request(unsubscribe, { method: 'POST', body: new URLSearchParams({ unsubscribe: 'page' }) })).text();
    const undo = /name="undo" value="([^"]+)"/.exec(done)![1]!;
    const restored = await t.request(`${unsubscribe}/undo`, { method: 'POST', body: new URLSearchParams({ undo }) });
    expect(restored.status).toBe(200);
    const html = await restored.text();
    expect(html).toContain('<h1 class="tone-success">配信を再開しました</h1>');
    expect(html).toContain('次のメールを、配信停止の前の状態に戻しました。');
  });
});
