// The links API's footer: what a sender's own campaign email must show (Japan's Act on Specified
// Electronic Mail: legal name, postal address, inquiry contact, the opt-out sentence and link;
// CAN-SPAM: the postal address), in the recipient's language, with the links it answered.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BASE_URL, makeTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});

const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
const links = async (body: unknown) => {
  const res = await t.request('/api/v1/sites/demo/contacts/links', { method: 'POST', headers: auth, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { manageUrl: string; unsubscribeUrl: string; footer: { text: string; html: string } };
};
const path = (url: string) => url.slice(BASE_URL.length);

describe('POST /api/v1/sites/{site}/contacts/links: footer', () => {
  it('gives the display items and this recipient’s links, as text and as HTML', async () => {
    await t.signup({ email: 'alice@example.com', categories: ['newsletter'] });
    const body = await links({ email: 'alice@example.com' });
    expect(body.footer.text).toBe(
      [
        '--',
        'You can unsubscribe from these emails at any time: use the one-click link below, or choose which emails you get.',
        `Unsubscribe: ${body.unsubscribeUrl}`,
        `Email preferences: ${body.manageUrl}`,
        '',
        'Sent by Demo Shop K.K.',
        'Postal address: 1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan',
        'Inquiries: privacy@example.com',
        '',
      ].join('\n'),
    );
    const { html } = body.footer;
    expect(html.startsWith('<div lang="en">')).toBe(true);
    expect(html).toContain(`<a href="${body.unsubscribeUrl}"`);
    expect(html).toContain(`<a href="${body.manageUrl}"`);
    for (const item of ['You can unsubscribe from these emails at any time', 'Sent by Demo Shop K.K.', '1-2-3 Marunouchi, Chiyoda-ku', 'privacy@example.com']) {
      expect(html).toContain(item);
    }
    // The links in it are the recipient's own and open their pages.
    expect((await t.request(path(body.unsubscribeUrl))).status).toBe(200);
    expect((await t.request(path(body.manageUrl))).status).toBe(200);
  });

  it('speaks the contact’s language', async () => {
    await t.signup({ email: 'hanako@example.jp', categories: ['newsletter'], lang: 'ja' });
    const { footer, unsubscribeUrl } = await links({ email: 'hanako@example.jp' });
    expect(footer.text).toContain('このメールの配信はいつでも停止できます。');
    expect(footer.text).toContain(`配信停止：${unsubscribeUrl}`);
    expect(footer.text).toContain('送信者：Demo Shop K.K.');
    expect(footer.text).toContain('住所：1-2-3 Marunouchi');
    expect(footer.text).toContain('お問い合わせ先：privacy@example.com');
    expect(footer.html.startsWith('<div lang="ja">')).toBe(true);
    expect(footer.html).toContain('配信設定');
  });

  it('carries the scoped unsubscribe link when a category is asked for, and it stops only that one', async () => {
    await t.signup({ email: 'alice@example.com', categories: ['newsletter', 'offers'] });
    const { footer, unsubscribeUrl } = await links({ email: 'alice@example.com', category: 'offers' });
    expect(footer.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
    const link = /<a href="([^"]+)"[^>]*>Unsubscribe<\/a>/.exec(footer.html)![1]!;
    expect(link).toBe(unsubscribeUrl);
    const oneClick = await t.request(path(link), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    expect(await t.consents('alice@example.com')).toEqual({ newsletter: 'pending', offers: 'withdrawn' });
  });

  it('escapes the site’s texts in the HTML and keeps them as typed in the text', async () => {
    const patched = await t.request('/api/v1/sites/demo', {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ legalName: 'Tom & Jerry <K.K.>', postalAddress: '"1" Main St' }),
    });
    expect(patched.status).toBe(200);
    await t.signup({ email: 'alice@example.com', categories: ['newsletter'] });
    const { footer } = await links({ email: 'alice@example.com' });
    expect(footer.text).toContain('Sent by Tom & Jerry <K.K.>');
    expect(footer.text).toContain('Postal address: "1" Main St');
    expect(footer.html).toContain('Sent by Tom &amp; Jerry &lt;K.K.&gt;');
    expect(footer.html).not.toContain('<K.K.>');
  });

  it('is in openapi.json', async () => {
    const doc = await (await t.request('/api/v1/openapi.json')).json();
    const schema = doc.paths['/sites/{site}/contacts/links'].post.responses['200'].content['application/json'].schema;
    expect(schema.properties.footer.properties).toMatchObject({ text: { type: 'string' }, html: { type: 'string' } });
    expect(schema.required).toContain('footer');
  });
});
