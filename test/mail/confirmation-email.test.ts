import { beforeEach, describe, expect, it } from 'vitest';
import { BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

describe('the confirmation email', () => {
  it('names the site and the categories and has exactly one link, on its own line', async () => {
    await t.signup({ email: 'a@example.com', name: 'Alice', categories: ['newsletter', 'offers'] });
    const [mail] = await t.deliver();
    expect(mail!.subject).toBe('Confirm your subscription to Demo Shop');
    // The site's name at MAIL_FROM's address, never the service's; replies to its inquiry address.
    expect(mail!.from).toBe('Demo Shop <onboarding@resend.dev>');
    expect(mail!.headers).toEqual({ 'Feedback-ID': 'confirmation:demo:assent', 'Reply-To': 'privacy@example.com' });
    const urls = mail!.text.match(/https?:\/\/\S+/g)!;
    expect(urls).toHaveLength(1);
    expect(mail!.text.split('\n')).toContain(urls[0]);
    expect(urls[0]).toMatch(new RegExp(`^${BASE_URL}/c/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    for (const part of [mail!.text, mail!.html]) {
      expect(part).toContain('Demo Shop');
      expect(part).toContain('Newsletter');
      expect(part).toContain('Offers');
    }
    expect(mail!.html).toContain(`href="${urls[0]}"`);
    // Signed up 2026-11-01 09:00 UTC; the link expires 48 h later, shown in the site's zone (Tokyo).
    expect(mail!.text).toContain('The link works until 3 November 2026 at 18:00 GMT+9.');
  });

  it('never carries what the person typed', async () => {
    await t.signup({ email: 'b@example.com', name: 'Visit https://evil.example now', categories: ['newsletter'] });
    const [mail] = await t.deliver();
    for (const part of [mail!.subject, mail!.text, mail!.html]) {
      expect(part).not.toContain('evil');
      expect(part).not.toContain('Visit');
    }
  });

  it('is written in the language of the form, with the expiry in the site’s time zone', async () => {
    await t.signup({ email: 'c@example.com', categories: ['offers'], lang: 'ja' });
    const [mail] = await t.deliver();
    expect(mail!.subject).toBe('Demo Shop のメール配信登録の確認');
    expect(mail!.text).toContain('キャンペーン・クーポン');
    // Signed up 2026-11-01 09:00 UTC; 48 h later is 3 November 18:00 in Tokyo.
    expect(mail!.text).toContain('2026年11月3日 18:00 JST');
    expect(mail!.html).toMatch(/<html lang="ja"[ >]/);
  });

  it('carries the token claims the confirmation needs, signed with a kid', async () => {
    await t.signup({ email: 'd@example.com', categories: ['newsletter'] });
    const [mail] = await t.deliver();
    const token = mail!.text.match(/\/c\/(\S+)/)![1]!;
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', kid: 'k1' });
    expect(payload).toMatchObject({ pur: 'confirm', site: 'demo', cats: ['newsletter'] });
    expect(payload.exp - payload.iat).toBe(48 * 3600);
    expect(typeof payload.jti).toBe('string');
  });
});
