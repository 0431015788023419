// The HTML layout every mail client renders: presentation tables, a fluid 600 px card with a
// fixed one for Outlook, the button twice (painted table cell, VML for Outlook desktop) with the
// accent and one URL, the hidden preheader first, the color-scheme metas, lang and dir, a design
// carried by inline styles alone, and a plain-text part saying the same with the same links.
import { beforeAll, describe, expect, it } from 'vitest';
import { contrastRatio, DEFAULT_ACCENT } from '../../src/domain/site-branding.ts';
import { mailUnsubscribeLinks } from '../../src/domain/unsubscribe-link-mail.ts';
import { en } from '../../src/i18n/en.ts';
import type { OutgoingMail } from '../../src/mail/mailer.ts';
import { renderConfirmationEmail } from '../../views/emails/confirmation.tsx';
import { EMAIL_COLORS } from '../../views/emails/email-layout.tsx';
import { BASE_URL, confirmPath, makeTestApp } from '../helpers/test-app.ts';

const LANGS = ['en', 'ja'] as const;
const KINDS = ['confirmation', 'welcome', 'unsubscribe_link'] as const;
type Kind = (typeof KINDS)[number];
const ACCENT = '#7c2d12';

/** Each kind in each language, as the outbox hands it to the mailer, for a site with its own accent. */
async function mailsIn(lang: (typeof LANGS)[number]): Promise<Record<Kind, OutgoingMail>> {
  const t = await makeTestApp();
  await t.db.updateTable('sites').set({ accent_color: ACCENT }).where('id', '=', 'demo').execute();
  await t.signup({ email: 'alice@example.com', categories: ['newsletter', 'offers'], lang });
  const [confirmation] = await t.deliver();
  await t.request(confirmPath(confirmation!), { method: 'POST' });
  const [welcome] = await t.deliver();
  await mailUnsubscribeLinks(t.deps, 'alice@example.com', null);
  const [unsubscribeLink] = await t.deliver();
  return { confirmation: confirmation!, welcome: welcome!, unsubscribe_link: unsubscribeLink! };
}

const built: Record<string, Record<Kind, OutgoingMail>> = {};
beforeAll(async () => {
  for (const lang of LANGS) built[lang] = await mailsIn(lang);
});

const MSO_BLOCK = /<!--\[if mso\]>([\s\S]*?)<!\[endif\]-->/g;
const PREHEADER = /<div style="display:none;[^"]*">([\s\S]*?)<\/div>/;

/** What clients other than Outlook desktop render: conditional comments and head left out. */
function visible(html: string): string {
  return html
    .replace(MSO_BLOCK, '')
    .replace(/<!--\[if !mso\]><!-->|<!--<!\[endif\]-->/g, '')
    .replace(/<head>[\s\S]*<\/head>/, '');
}

function decode(text: string): string {
  return text
    .replace(/&zwnj;|&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const URL_LINE = /^(\S.*?[:：]\s?)?https?:\/\/\S+$/;

/** The HTML's sentences, block by block, without the hidden preheader and without link labels. */
function htmlSentences(html: string): string[] {
  const body = visible(html).replace(PREHEADER, '').replace(/<a\b[^>]*>[\s\S]*?<\/a>/g, '');
  const text = decode(body.replace(/<br\s*\/?>|<\/(p|li|h1|td)>/g, '\n').replace(/<[^>]+>/g, ''));
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /[\p{L}\p{N}]/u.test(line) && !URL_LINE.test(line));
}

/** The text part's sentences, list marks and the signature line left out, and lines that are links. */
function textSentences(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*- /, '').trim())
    .filter((line) => line !== '' && line !== '--' && !URL_LINE.test(line));
}

const textUrls = (text: string) => text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
const visibleHrefs = (html: string) => [...visible(html).matchAll(/href="([^"]*)"/g)].map((m) => decode(m[1]!));

const cases = LANGS.flatMap((lang) => KINDS.map((kind) => ({ lang, kind })));

describe.each(cases)('the $kind email in $lang', ({ lang, kind }) => {
  const mail = () => built[lang]![kind];

  it('declares its language, direction, the VML namespaces and both colour schemes', () => {
    const { html } = mail();
    expect(html.startsWith('<!doctype html><html ')).toBe(true);
    const root = /<html [^>]*>/.exec(html)![0];
    expect(root).toContain(`lang="${lang}"`);
    expect(root).toContain('dir="ltr"');
    expect(root).toContain('xmlns:v="urn:schemas-microsoft-com:vml"');
    expect(root).toContain('xmlns:o="urn:schemas-microsoft-com:office:office"');
    expect(html).toContain('<meta name="color-scheme" content="light dark"/>');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark"/>');
  });

  it('lays out with presentation tables only: a fluid card up to 600 px, a fixed 600 px one for Outlook', () => {
    const { html } = mail();
    const tables = html.match(/<table\b[^>]*>/g)!;
    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const table of tables) {
      expect(table).toContain('role="presentation"');
      expect(table).toContain('cellpadding="0"');
      expect(table).toContain('cellspacing="0"');
      expect(table).toContain('border="0"');
    }
    expect(html).toMatch(/<table [^>]*width="100%"[^>]*style="width:100%;max-width:600px;/);
    expect(html).toMatch(/<!--\[if mso\]><table role="presentation" width="600" [^>]*><tr><td><!\[endif\]-->/);
    expect(html).toContain('<!--[if mso]></td></tr></table><![endif]-->');
    // The only div is the preheader: divs and their widths are what Outlook's renderer breaks.
    expect(html.match(/<div\b/g)).toHaveLength(1);
  });

  it('starts its body with the hidden preheader, padded so no body text follows it into the preview', () => {
    const { html } = mail();
    const body = html.slice(html.indexOf('<body'));
    const preheader = PREHEADER.exec(body)!;
    expect(body.indexOf(preheader[0])).toBe(body.indexOf('>') + 1);
    const style = /style="([^"]*)"/.exec(preheader[0])![1]!;
    for (const rule of ['display:none', 'max-height:0', 'overflow:hidden', 'mso-hide:all']) expect(style).toContain(rule);
    expect(preheader[1]).toContain('&zwnj;&nbsp;'.repeat(20));
    const words = decode(preheader[1]!.replace(/&zwnj;|&nbsp;/g, '')).trim();
    expect(words.length).toBeGreaterThan(10);
    // The first text a client finds in the body is the preheader.
    const firstText = decode(body.replace(/<[^>]+>/g, ' ')).trim();
    expect(firstText.startsWith(words)).toBe(true);
  });

  it('carries its design in inline styles: <style> holds only a dark variant, every class has an inline fallback', () => {
    const { html } = mail();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!.trim());
    expect(styles).toHaveLength(1);
    expect(styles[0]).toMatch(/^@media \(prefers-color-scheme: dark\) \{[\s\S]*\}$/);
    expect(html).not.toMatch(/<link\b/);
    for (const tag of html.match(/<[a-z]+\b[^>]*\bclass="[^"]*"[^>]*>/g)!) expect(tag, tag).toMatch(/\b(style|bgcolor)="/);
    expect(html).toContain(`<body class="email-page" style="margin:0;padding:0;width:100%;word-spacing:normal;background-color:${EMAIL_COLORS.page}">`);
    expect(html).toMatch(new RegExp(`class="email-card" bgcolor="${EMAIL_COLORS.card}" style="[^"]*background-color:${EMAIL_COLORS.card}`));
    expect(html).toMatch(new RegExp(`class="email-text" [^>]*style="[^"]*color:${EMAIL_COLORS.text}`));
  });

  it('has a plain-text part with the same sentences in the same order, and the same links', () => {
    const { html, text } = mail();
    expect(htmlSentences(html).length).toBeGreaterThan(4);
    expect(textSentences(text)).toEqual(htmlSentences(html));
    expect(textUrls(text)).toEqual(visibleHrefs(html));
    // Outlook's VML button goes where a visible link goes.
    const vmlHrefs = [...html.matchAll(MSO_BLOCK)].flatMap((m) => [...m[1]!.matchAll(/href="([^"]*)"/g)].map((h) => decode(h[1]!)));
    for (const href of vmlHrefs) expect(visibleHrefs(html)).toContain(href);
    if (kind === 'confirmation') {
      expect(textUrls(text)).toHaveLength(1);
      expect(textUrls(text)[0]).toMatch(new RegExp(`^${BASE_URL}/c/`));
    }
  });
});

describe.each(LANGS.flatMap((lang) => (['confirmation', 'unsubscribe_link'] as const).map((kind) => ({ lang, kind }))))(
  'the button of the $kind email in $lang',
  ({ lang, kind }) => {
    it('is a table cell in the site’s accent with a block link, and a VML roundrect for Outlook, both to the one URL', () => {
      const { html, text } = built[lang]![kind];
      const url = kind === 'confirmation' ? textUrls(text)[0]! : textUrls(text).find((u) => u.startsWith(`${BASE_URL}/u/`))!;
      const label = kind === 'confirmation' ? (lang === 'ja' ? '登録を確認する' : 'Confirm my subscription') : lang === 'ja' ? '配信停止' : 'Unsubscribe';

      const cell = new RegExp(`<td align="center" bgcolor="${ACCENT}" style="background-color:${ACCENT};border-radius:6px;padding:12px 24px"><a href="([^"]+)" target="_blank" style="display:block;color:#ffffff;[^"]*">${label}</a></td>`);
      const table = cell.exec(html);
      expect(table).not.toBeNull();
      expect(table![1]).toBe(url);
      // The table button is hidden from Outlook desktop, which gets the VML one instead.
      expect(html.indexOf('<!--[if !mso]><!-->')).toBeLessThan(table!.index);
      // indexOf is -1 when the marker is missing: the opener must be there, before the table
      // and not closed again before it.
      const opener = html.lastIndexOf('<!--[if !mso]><!-->', table!.index);
      expect(opener).toBeGreaterThanOrEqual(0);
      expect(html.slice(opener, table!.index)).not.toContain('<!--<![endif]-->');
      expect(html.indexOf('<!--<![endif]-->', table!.index)).toBeGreaterThan(table!.index);

      const vml = [...html.matchAll(MSO_BLOCK)].map((m) => m[1]!).find((block) => block.includes('<v:roundrect'))!;
      expect(vml).toBeDefined();
      expect(vml).toContain(`href="${url}"`);
      expect(vml).toContain(`fillcolor="${ACCENT}"`);
      expect(vml).toContain(`>${label}</center></v:roundrect>`);
      // The URL is written out below the button too, for clients that show no buttons.
      expect(htmlSentences(html)).not.toContain(url);
      expect(visible(html)).toContain(`>${url}</p>`);
    });
  },
);

describe('the VML button', () => {
  it('escapes the URL and the label it writes by hand into the conditional comment', async () => {
    const email = await renderConfirmationEmail({
      t: en,
      lang: 'en',
      siteName: 'Demo Shop',
      brand: { name: 'Demo Shop', logoUrl: null, accent: DEFAULT_ACCENT },
      legalName: 'Demo Shop K.K.',
      categoryNames: ['Newsletter'],
      confirmUrl: 'https://assent.test/c/a?b=1&c="><script>x</script>',
      expiresAt: 'soon',
    });
    const vml = /<!--\[if mso\]>(<v:roundrect[\s\S]*?)<!\[endif\]-->/.exec(email.html)![1]!;
    expect(vml).toContain('href="https://assent.test/c/a?b=1&amp;c=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(email.html).not.toContain('<script>');
  });
});

describe('the palette', () => {
  it('keeps text at 4.5:1 or more on every background of the light design', () => {
    for (const [fg, bg] of [
      [EMAIL_COLORS.text, EMAIL_COLORS.card],
      [EMAIL_COLORS.muted, EMAIL_COLORS.card],
      [EMAIL_COLORS.text, EMAIL_COLORS.box],
      [EMAIL_COLORS.muted, EMAIL_COLORS.box],
      [EMAIL_COLORS.muted, EMAIL_COLORS.page],
      ['#ffffff', DEFAULT_ACCENT],
      [DEFAULT_ACCENT, EMAIL_COLORS.card],
    ] as const) {
      expect(contrastRatio(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
