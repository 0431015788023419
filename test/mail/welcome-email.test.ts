import { beforeEach, describe, expect, it } from 'vitest';
import { confirm, loadConfirmation } from '../../src/domain/confirm.ts';
import type { OutgoingMail } from '../../src/mail/mailer.ts';
import { BASE_URL, TEST_IP, confirmPath, makeTestApp, type TestApp } from '../helpers/test-app.ts';

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
    expect(welcome!.text).toContain('- Newsletter (Monthly)\n- Offers (Weekly)');
    expect(welcome!.html).toContain('<li style="margin:0 0 4px"><strong>Newsletter</strong> (Monthly)</li>');
    expect(welcome!.html).toContain('<li style="margin:0 0 4px"><strong>Offers</strong> (Weekly)</li>');
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
    expect(welcome!.text).toContain('- ニュースレター (月1回)\n- キャンペーン・クーポン (週1回)');
    expect(welcome!.html).toContain('<li style="margin:0 0 4px"><strong>ニュースレター</strong> (月1回)</li>');
    expect(welcome!.html).toContain('<li style="margin:0 0 4px"><strong>キャンペーン・クーポン</strong> (週1回)</li>');
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
    expect(mails[0]!.text).toContain('- Newsletter (Monthly)\n- Offers (Weekly)');
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
    const [unsubscribe, preferences, ...others] = ourUrls(text);
    expect(others).toEqual([]);
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
    expect(hrefs(html)).toEqual([unsubscribe, preferences]);
  });

  it('is in Japanese in a Japanese welcome', async () => {
    const [welcome] = await confirmAndDeliver('hanako@example.com', ['newsletter'], 'ja');
    const [unsubscribe, preferences] = ourUrls(welcome!.text);
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
    const [unsubscribe] = ourUrls(welcome!.text);
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
