import { beforeEach, describe, expect, it } from 'vitest';
import { confirm, loadConfirmation } from '../../src/domain/confirm.ts';
import type { OutgoingMail } from '../../src/mail/mailer.ts';
import { ADMIN_KEY, BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const HOUR = 3_600_000;
const MINUTE = 60_000;

beforeEach(async () => {
  t = await makeTestApp();
});

const post = (path: string) => t.request(path, { method: 'POST' });

/** Signs up and returns the path of the confirmation link (the email is delivered). */
async function signupLink(email: string, categories: string[], lang?: string): Promise<string> {
  await t.signup({ email, categories, lang });
  const [mail] = await t.deliver();
  return confirmPath(mail!);
}

/** Signs up, presses Confirm and returns what the sender then delivers. */
async function confirmAndDeliver(email: string, categories: string[], lang?: string): Promise<OutgoingMail[]> {
  const path = await signupLink(email, categories, lang);
  expect((await post(path)).status).toBe(200);
  return t.deliver();
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

/** Every URL under BASE_URL in a plain-text part. */
const ourUrls = (text: string) => (text.match(/https?:\/\/\S+/g) ?? []).filter((url) => url.startsWith(BASE_URL));
/** The URLs of the footer (after the "--" line): the receipt before it links the preference page too. */
const footerUrls = (text: string) => ourUrls(text.slice(text.lastIndexOf('\n--\n')));
/** Every href in an HTML part. */
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);

function headerNames(mail: OutgoingMail): string[] {
  return Object.keys(mail.headers).map((name) => name.toLowerCase());
}

describe('queuing the welcome email', () => {
  it('one welcome after a confirmation, listing the granted categories with their frequency', async () => {
    const mails = await confirmAndDeliver('alice@example.com', ['newsletter', 'offers']);
    expect(mails).toHaveLength(1);
    const [welcome] = mails;
    expect(welcome!.subject).toBe('Welcome to Demo Shop');
    expect(welcome!.to).toEqual(['alice@example.com']);
    expect(welcome!.text).toContain('You are confirmed. From now on Demo Shop will send you:');
    // Each category with its frequency and its purpose: the "what" of the consent receipt.
    expect(welcome!.text).toContain(
      '- Newsletter (Monthly)\n  Purpose: To keep you informed about our products and news.\n- Offers (Weekly)\n  Purpose: To send you promotions and special prices.',
    );
    expect(welcome!.html).toContain('<strong>Newsletter (Monthly)</strong>');
    expect(welcome!.html).toContain('Purpose: To keep you informed about our products and news.');
    expect(welcome!.html).toContain('<strong>Offers (Weekly)</strong>');
    expect(welcome!.html).toContain('Purpose: To send you promotions and special prices.');
    expect(welcome!.html).toMatch(/<html lang="en"[ >]/);
    // Exempt categories were never asked for and are not listed.
    expect(welcome!.text).not.toContain('Account and order notices');
    expect(await t.deliver()).toEqual([]);
  });

  it('is written in Japanese for a Japanese signup', async () => {
    const [welcome, ...rest] = await confirmAndDeliver('hanako@example.com', ['newsletter', 'offers'], 'ja');
    expect(rest).toEqual([]);
    expect(welcome!.subject).toBe('Demo Shop へのご登録ありがとうございます');
    expect(welcome!.html).toMatch(/<html lang="ja"[ >]/);
    expect(welcome!.text).toContain('登録が確認されました。今後、Demo Shop から次のメールをお送りします。');
    expect(welcome!.text).toContain('- ニュースレター（月1回）\n  目的：商品とお知らせのご案内のため。\n- キャンペーン・クーポン（週1回）\n  目的：キャンペーンや特別価格のご案内のため。');
    expect(welcome!.html).toContain('<strong>ニュースレター（月1回）</strong>');
    expect(welcome!.html).toContain('<strong>キャンペーン・クーポン（週1回）</strong>');
    expect(welcome!.html).toContain('目的：キャンペーンや特別価格のご案内のため。');
    expect(welcome!.text).not.toContain('Newsletter');
    expect(welcome!.text).not.toContain('Monthly');
  });

  it('pressing Confirm twice queues one welcome', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    expect((await post(path)).status).toBe(200);
    expect((await post(path)).status).toBe(200);
    expect((await t.deliver()).map((m) => m.subject)).toEqual(['Welcome to Demo Shop']);
    // Pressing again after it was sent queues nothing either.
    expect((await post(path)).status).toBe(200);
    expect(await t.deliver()).toEqual([]);
  });

  it('two confirms of one link at once queue one welcome', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    // Both read the link as open before either writes.
    const token = path.slice('/c/'.length);
    const [first, second] = await Promise.all([loadConfirmation(t.deps, token), loadConfirmation(t.deps, token)]);
    if (first.status !== 'open' || second.status !== 'open') throw new Error('expected open links');
    const evidence = { ip: TEST_IP, userAgent: 'Racer/1.0' };
    await Promise.all([confirm(t.deps, first.context, evidence), confirm(t.deps, second.context, evidence)]);
    const mails = await t.deliver();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('- Newsletter (Monthly)');
    expect(mails[0]!.text).toContain('- Offers (Weekly)');
  });

  it('two presses over HTTP at once queue one welcome', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    const [a, b] = await Promise.all([post(path), post(path)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await t.deliver()).toHaveLength(1);
  });

  it('two different open links for the same request, confirmed at once, queue one welcome', async () => {
    // A second signup 11 minutes later mails a second link; both are open and name newsletter.
    const firstPath = await signupLink('alice@example.com', ['newsletter']);
    t.clock.advance(11 * MINUTE);
    const secondPath = await signupLink('alice@example.com', ['newsletter']);
    expect(secondPath).not.toBe(firstPath);
    const [first, second] = await Promise.all([
      loadConfirmation(t.deps, firstPath.slice('/c/'.length)),
      loadConfirmation(t.deps, secondPath.slice('/c/'.length)),
    ]);
    if (first.status !== 'open' || second.status !== 'open') throw new Error('expected open links');
    const evidence = { ip: TEST_IP, userAgent: 'Racer/1.0' };
    await Promise.all([confirm(t.deps, first.context, evidence), confirm(t.deps, second.context, evidence)]);
    expect((await t.events('alice@example.com')).filter((e) => e.action === 'confirmed')).toHaveLength(1);
    expect(await t.deliver()).toHaveLength(1);
  });

  it('a later confirmation lists only what it granted', async () => {
    await confirmAndDeliver('alice@example.com', ['newsletter']);
    t.clock.advance(11 * MINUTE);
    const [welcome, ...rest] = await confirmAndDeliver('alice@example.com', ['offers']);
    expect(rest).toEqual([]);
    expect(welcome!.subject).toBe('Welcome to Demo Shop');
    expect(welcome!.text).toContain('- Offers (Weekly)');
    expect(welcome!.text).not.toContain('Newsletter');
    expect(welcome!.html).not.toContain('Newsletter');
  });

  it('no welcome when the confirmation granted nothing', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).execute();
    expect((await post(path)).status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
    expect(await t.deliver()).toEqual([]);
  });

  it('a category withdrawn before confirming is left out of the welcome', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    await t.db.updateTable('consents').set({ status: 'withdrawn' }).where('category_key', '=', 'offers').execute();
    await post(path);
    const [welcome, ...rest] = await t.deliver();
    expect(rest).toEqual([]);
    expect(welcome!.text).toContain('- Newsletter (Monthly)');
    expect(welcome!.text).not.toContain('Offers');
    expect(welcome!.html).not.toContain('Offers');
  });
});

describe('the welcome email’s unsubscribe headers', () => {
  it('carry RFC 8058 one-click, pointing at an unscoped unsubscribe link that is the footer’s', async () => {
    const [welcome] = await confirmAndDeliver('alice@example.com', ['newsletter', 'offers']);
    const header = welcome!.headers['List-Unsubscribe'];
    expect(welcome!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // Marketing mail: its list, its feedback-loop id, and replies to the site's inquiry address.
    expect(welcome!.headers['List-Id']).toBe('<demo.assent.test>');
    expect(welcome!.headers['Feedback-ID']).toBe('welcome:demo:assent');
    expect(welcome!.headers['Reply-To']).toBe('privacy@example.com');
    expect(welcome!.from).toBe('Demo Shop <onboarding@resend.dev>');
    expect(header).toMatch(new RegExp(`^<${BASE_URL}/u/[\\w-]+\\.[\\w-]+\\.[\\w-]+>$`));
    const url = header!.slice(1, -1);

    const token = url.slice(`${BASE_URL}/u/`.length);
    const [header64] = token.split('.');
    expect(JSON.parse(Buffer.from(header64!, 'base64url').toString())).toEqual({ alg: 'HS256', kid: 'k1' });
    const payload = decodePayload(token);
    const contact = await t.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    expect(payload).toMatchObject({ pur: 'unsubscribe', site: 'demo', sub: contact.id, ep: 0 });
    expect(payload).not.toHaveProperty('cat');

    expect(welcome!.text.split('\n')).toContain(`Unsubscribe: ${url}`);
    expect(welcome!.html).toContain(`<a href="${url}" style="color:#1d4ed8">Unsubscribe</a>`);
  });

  it('the header link unsubscribes from everything with one POST', async () => {
    const [welcome] = await confirmAndDeliver('alice@example.com', ['newsletter', 'offers']);
    const url = welcome!.headers['List-Unsubscribe']!.slice(1, -1);
    const res = await t.request(url.slice(BASE_URL.length), {
      method: 'POST',
      body: welcome!.headers['List-Unsubscribe-Post'],
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'withdrawn', offers: 'withdrawn' });
  });
});

describe('the welcome email’s footer', () => {
  it('has the sender, postal address, inquiry contact, the opt-out sentence and both links, in HTML and text', async () => {
    const [welcome] = await confirmAndDeliver('alice@example.com', ['newsletter', 'offers']);
    const text = welcome!.text;
    const html = welcome!.html;
    const [unsubscribe, preferences, ...others] = footerUrls(text);
    expect(others).toEqual([]);
    // Above the footer only the receipt's link to the same preference page.
    expect(ourUrls(text)).toEqual([preferences, unsubscribe, preferences]);
    expect(unsubscribe).toMatch(new RegExp(`^${BASE_URL}/u/`));
    expect(preferences).toMatch(new RegExp(`^${BASE_URL}/p/`));
    expect(decodePayload(preferences!.slice(`${BASE_URL}/p/`.length))).toMatchObject({ pur: 'manage' });

    const lines = text.split('\n');
    for (const line of [
      'You can unsubscribe from these emails at any time: use the one-click link below, or choose which emails you get.',
      `Unsubscribe: ${unsubscribe}`,
      `Email preferences: ${preferences}`,
      'Sent by Demo Shop K.K.',
      'Postal address: 1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan',
      'Inquiries: privacy@example.com',
    ]) {
      expect(lines).toContain(line);
    }

    expect(html).toContain('You can unsubscribe from these emails at any time: use the one-click link below, or choose which emails you get.');
    expect(html).toContain('Sent by Demo Shop K.K.');
    expect(html).toContain('Postal address: 1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan');
    expect(html).toContain('Inquiries: privacy@example.com');
    expect(html).toContain(`<a href="${unsubscribe}" style="color:#1d4ed8">Unsubscribe</a>`);
    expect(html).toContain(`<a href="${preferences}" style="color:#1d4ed8">Email preferences</a>`);
    expect(hrefs(html)).toEqual([preferences, unsubscribe, preferences]);
  });

  it('is in Japanese in a Japanese welcome', async () => {
    const [welcome] = await confirmAndDeliver('hanako@example.com', ['newsletter'], 'ja');
    const [unsubscribe, preferences] = footerUrls(welcome!.text);
    expect(welcome!.headers['List-Unsubscribe']).toBe(`<${unsubscribe}>`);
    const stop = 'このメールの配信はいつでも停止できます。下のリンクからワンクリックで配信停止するか、受け取るメールを選んでください。';
    const lines = welcome!.text.split('\n');
    for (const line of [
      stop,
      `配信停止：${unsubscribe}`,
      `配信設定：${preferences}`,
      '送信者：Demo Shop K.K.',
      '住所：1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan',
      'お問い合わせ先：privacy@example.com',
    ]) {
      expect(lines).toContain(line);
    }
    const html = welcome!.html;
    expect(html).toContain(stop);
    expect(html).toContain(`<a href="${unsubscribe}" style="color:#1d4ed8">配信停止</a>`);
    expect(html).toContain(`<a href="${preferences}" style="color:#1d4ed8">配信設定</a>`);
    expect(html).toContain('送信者：Demo Shop K.K.');
    expect(html).toContain('住所：1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan');
    expect(html).toContain('お問い合わせ先：privacy@example.com');
    for (const part of [welcome!.text, html]) {
      expect(part).not.toContain('Sent by');
      expect(part).not.toContain('Postal address');
      expect(part).not.toContain('Inquiries');
      expect(part).not.toContain('You can unsubscribe from these emails');
    }
  });

  it('its links open the recipient’s own unsubscribe page', async () => {
    const [welcome] = await confirmAndDeliver('alice@example.com', ['newsletter', 'offers']);
    const [unsubscribe] = footerUrls(welcome!.text);
    const res = await t.request(unsubscribe!.slice(BASE_URL.length));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Stop all the emails you chose to receive from Demo Shop?');
  });
});

describe('the confirmation email', () => {
  function expectNoListMail(mail: OutgoingMail) {
    expect(headerNames(mail)).not.toContain('list-unsubscribe');
    expect(headerNames(mail)).not.toContain('list-unsubscribe-post');
    const urls = ourUrls(mail.text);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(new RegExp(`^${BASE_URL}/c/`));
    expect(hrefs(mail.html).every((href) => href.startsWith(`${BASE_URL}/c/`))).toBe(true);
    for (const part of [mail.text, mail.html]) {
      expect(part).not.toContain('/u/');
      expect(part).not.toContain('/p/');
      expect(part).not.toContain('You can unsubscribe from these emails');
    }
  }

  it('has neither one-click header nor unsubscribe or preference links', async () => {
    await t.signup({ email: 'alice@example.com', categories: ['newsletter', 'offers'] });
    const [mail, ...rest] = await t.deliver();
    expect(rest).toEqual([]);
    expect(mail!.subject).toBe('Confirm your subscription to Demo Shop');
    expectNoListMail(mail!);
  });

  it('nor has the one re-sent after the link expired', async () => {
    const path = await signupLink('alice@example.com', ['newsletter', 'offers']);
    t.clock.advance(49 * HOUR);
    expect((await post(`${path}/resend`)).status).toBe(200);
    const [mail, ...rest] = await t.deliver();
    expect(rest).toEqual([]);
    expect(mail!.subject).toBe('Confirm your subscription to Demo Shop');
    expect(confirmPath(mail!)).not.toBe(path);
    expectNoListMail(mail!);
  });
});

describe('the welcome email’s consent receipt', () => {
  /** Signs up at 09:00 UTC, presses Confirm at 09:07 (18:07 in Tokyo) and returns the welcome. */
  async function confirmLater(email: string, lang?: string): Promise<OutgoingMail> {
    const path = await signupLink(email, ['newsletter', 'offers'], lang);
    t.clock.advance(7 * MINUTE);
    expect((await post(path)).status).toBe(200);
    const [welcome, ...rest] = await t.deliver();
    expect(rest).toEqual([]);
    return welcome!;
  }

  it('says what, when (the confirmation’s time in the site’s zone), how, and links the preference page', async () => {
    const welcome = await confirmLater('alice@example.com');
    const [, preferences] = footerUrls(welcome.text);
    const lines = welcome.text.split('\n');
    const receipt = [
      'You are confirmed. From now on Demo Shop will send you:',
      '- Newsletter (Monthly)',
      '  Purpose: To keep you informed about our products and news.',
      '- Offers (Weekly)',
      '  Purpose: To send you promotions and special prices.',
      '',
      'Your consent receipt',
      'Confirmed: 1 November 2026 at 18:07 GMT+9',
      'How: You signed up on the Demo Shop signup page and confirmed with the link in our email.',
      'The exact wording you agreed to and the history of your choices are on your preferences page:',
      preferences,
    ];
    const start = lines.indexOf(receipt[0]!);
    expect(lines.slice(start, start + receipt.length)).toEqual(receipt);

    const html = welcome.html;
    for (const sentence of receipt.slice(6, 10)) expect(html).toContain(sentence!.trim());
    expect(html).toContain(`<a href="${preferences}" class="email-link" style="color:#1d4ed8;text-decoration:underline">See your consent record</a>`);
    // The page it links is the person's own preference page.
    const page = await t.request(preferences!.slice(BASE_URL.length));
    expect(page.status).toBe(200);
  });

  it('in Japanese: full-width colons, the time in JST', async () => {
    const welcome = await confirmLater('hanako@example.com', 'ja');
    const [, preferences] = footerUrls(welcome.text);
    const lines = welcome.text.split('\n');
    for (const line of [
      '- ニュースレター（月1回）',
      '  目的：商品とお知らせのご案内のため。',
      'ご同意内容の控え',
      '確認日時：2026年11月1日 18:07 JST',
      '方法：Demo Shop の登録ページでお申し込みいただき、確認メールのリンクからご確認いただきました。',
      '同意いただいた文言とこれまでの変更の履歴は、配信設定ページでご覧いただけます：',
    ]) {
      expect(lines).toContain(line);
      expect(welcome.html).toContain(line.replace(/^- /, '').trim());
    }
    expect(welcome.html).toContain(`<a href="${preferences}" class="email-link" style="color:#1d4ed8;text-decoration:underline">同意の記録を見る</a>`);
  });

  it('writes the time in the site’s own zone', async () => {
    await t.db.updateTable('sites').set({ time_zone: 'Europe/Berlin' }).where('id', '=', 'demo').execute();
    const welcome = await confirmLater('alice@example.com');
    expect(welcome.text.split('\n')).toContain('Confirmed: 1 November 2026 at 10:07 CET');
  });

  it('names a form on the site’s own pages when the request came from one', async () => {
    const SHOP = 'https://shop.example';
    const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
    expect((await t.request('/api/v1/sites/demo', { method: 'PATCH', headers: auth, body: JSON.stringify({ allowedOrigins: [SHOP] }) })).status).toBe(200);
    const snippet = (await (await t.request('/api/v1/sites/demo/embed?lang=en', { headers: auth })).json()) as { html: string };
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(snippet.html)![1]!;
    const body = new URLSearchParams({ consent, lang: 'en', email: 'plain@example.com' });
    body.append('categories', 'newsletter');
    const res = await t.request('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: SHOP, Referer: `${SHOP}/` } });
    expect(res.status).toBe(200);
    expect((await t.events('plain@example.com')).at(-1)).toMatchObject({ action: 'requested', method: 'embedded_form' });
    const [confirmation] = await t.deliver();
    expect((await post(confirmPath(confirmation!))).status).toBe(200);
    const [welcome] = await t.deliver();
    const how = 'How: You signed up on a signup form on the Demo Shop website and confirmed with the link in our email.';
    expect(welcome!.text.split('\n')).toContain(how);
    expect(welcome!.html).toContain(how);
  });
});
