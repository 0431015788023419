// Shared frame for HTML emails, written for the clients that render least: nested tables
// (role="presentation", so screen readers skip them) instead of divs, a fluid 600 px card that
// Outlook desktop gets as a fixed-width table inside conditional comments, and every colour and
// size inline. The one <style> block only adds a dark variant for clients that honour
// prefers-color-scheme; without it the light design, readable when a client inverts it, stands.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { EmailBrand } from '../../src/domain/site-branding.ts';

/** The palette of the light design; every text colour has at least 4.5:1 on its background. */
export const EMAIL_COLORS = {
  page: '#f4f4f5',
  card: '#ffffff',
  box: '#f4f4f5',
  border: '#e4e4e7',
  text: '#18181b',
  muted: '#52525b',
} as const;

export const EMAIL_FONT = '-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Hiragino Sans,Hiragino Kaku Gothic ProN,Noto Sans JP,Noto Sans CJK JP,Meiryo,Arial,sans-serif';

/** Tables that only lay out: no borders, spacing or padding of their own. */
export const presentation = { role: 'presentation', cellpadding: '0', cellspacing: '0', border: 0 } as const;

const DARK_STYLE = `@media (prefers-color-scheme: dark) {
  .email-page { background-color: #111113 !important; }
  .email-card { background-color: #1c1c1f !important; }
  .email-text { color: #e4e4e7 !important; }
  .email-muted, .email-footer { color: #b4b4bb !important; border-color: #3f3f46 !important; }
  .email-box { background-color: #27272a !important; border-color: #3f3f46 !important; }
  .email-divider { border-color: #3f3f46 !important; }
  .email-link, .email-footer a { color: #93c5fd !important; }
}`;

/** Text for HTML attributes and content written out by hand (inside conditional comments). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Outlook desktop (Word's renderer) sees what is inside; every other client skips it. */
export function msoOnly(html: string) {
  return raw(`<!--[if mso]>${html}<![endif]-->`);
}

export interface EmailLayoutProps {
  lang: string;
  dir?: 'ltr' | 'rtl';
  title: string;
  /** The inbox's preview line: hidden in the message, shown after the subject in the list. */
  preheader: string;
  brand: EmailBrand;
  footer: Child;
  children: Child;
}

export function EmailLayout(props: EmailLayoutProps) {
  const dir = props.dir ?? 'ltr';
  // Spreads, since JSX has no literal for attribute names with a colon.
  const vml = { xmlns: 'http://www.w3.org/1999/xhtml', 'xmlns:v': 'urn:schemas-microsoft-com:vml', 'xmlns:o': 'urn:schemas-microsoft-com:office:office' };
  return (
    <html lang={props.lang} dir={dir} {...vml}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="x-apple-disable-message-reformatting" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{props.title}</title>
        {msoOnly('<noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript>')}
        <style>{raw(DARK_STYLE)}</style>
      </head>
      <body class="email-page" style={`margin:0;padding:0;width:100%;word-spacing:normal;background-color:${EMAIL_COLORS.page}`}>
        <div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all">
          {props.preheader}
          {raw('&zwnj;&nbsp;'.repeat(60))}
        </div>
        <table {...presentation} width="100%" class="email-page" bgcolor={EMAIL_COLORS.page} style={`width:100%;background-color:${EMAIL_COLORS.page}`}>
          <tr>
            <td align="center" style="padding:24px 12px">
              {msoOnly(`<table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td>`)}
              <table
                {...presentation}
                width="100%"
                class="email-card"
                bgcolor={EMAIL_COLORS.card}
                style={`width:100%;max-width:600px;margin:0 auto;background-color:${EMAIL_COLORS.card};border-radius:8px`}
              >
                <tr>
                  <td
                    class="email-text"
                    dir={dir}
                    style={`padding:28px 24px 8px;font-family:${EMAIL_FONT};font-size:16px;line-height:1.6;color:${EMAIL_COLORS.text};text-align:${dir === 'rtl' ? 'right' : 'left'}`}
                  >
                    {props.brand.logoUrl ? (
                      <img src={props.brand.logoUrl} alt={props.brand.name} height="48" style="display:block;height:48px;width:auto;max-width:200px;margin:0 0 20px;border:0;outline:none;text-decoration:none" />
                    ) : null}
                    {props.children}
                  </td>
                </tr>
                <tr>
                  <td
                    class="email-footer"
                    dir={dir}
                    style={`padding:16px 24px 28px;font-family:${EMAIL_FONT};font-size:13px;line-height:1.6;color:${EMAIL_COLORS.muted};border-top:1px solid ${EMAIL_COLORS.border};text-align:${dir === 'rtl' ? 'right' : 'left'}`}
                  >
                    {props.footer}
                  </td>
                </tr>
              </table>
              {msoOnly('</td></tr></table>')}
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

export function Heading(props: { children: Child }) {
  return <h1 style="margin:0 0 16px;font-size:22px;line-height:1.35;font-weight:700">{props.children}</h1>;
}

export function Paragraph(props: { children: Child; muted?: boolean }) {
  return props.muted ? (
    <p class="email-muted" style={`margin:0 0 16px;font-size:14px;color:${EMAIL_COLORS.muted}`}>
      {props.children}
    </p>
  ) : (
    <p style="margin:0 0 16px">{props.children}</p>
  );
}

/** A link in running text, in the site's accent (which has 4.5:1 on white). */
export function TextLink(props: { href: string; accent: string; children: Child }) {
  return (
    <a href={props.href} class="email-link" style={`color:${props.accent};text-decoration:underline`}>
      {props.children}
    </a>
  );
}

/** The full document as the mail carries it. */
export async function emailDocument(element: { toString(): string | Promise<string> }): Promise<string> {
  return '<!doctype html>' + (await element.toString());
}
