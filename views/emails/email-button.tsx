// The one call to action of an email, as a "bulletproof" button: a table cell painted in the
// site's accent with the link inside (every client), and a VML rounded rectangle for Outlook
// desktop, whose Word renderer ignores padding and backgrounds on links. Its URL is written out
// below for clients that show no buttons (and for people who want to see where a link goes).
import { raw } from 'hono/html';
import { EMAIL_COLORS, EMAIL_FONT, escapeHtml, msoOnly, presentation } from './email-layout.tsx';

export function EmailButton(props: { href: string; label: string; accent: string }) {
  const href = escapeHtml(props.href);
  const accent = escapeHtml(props.accent);
  const vml =
    `<v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="urn:schemas-microsoft-com:office:word" href="${href}" ` +
    `style="height:48px;v-text-anchor:middle;width:300px" arcsize="13%" stroke="f" fillcolor="${accent}">` +
    `<w:anchorlock/><center style="color:#ffffff;font-family:Arial,sans-serif;font-size:16px;font-weight:bold">${escapeHtml(props.label)}</center>` +
    `</v:roundrect>`;
  return (
    <>
      <table {...presentation} style="margin:24px 0 8px">
        <tr>
          <td>
            {msoOnly(vml)}
            {raw('<!--[if !mso]><!-->')}
            <table {...presentation}>
              <tr>
                <td align="center" bgcolor={props.accent} style={`background-color:${props.accent};border-radius:6px;padding:12px 24px`}>
                  <a
                    href={props.href}
                    target="_blank"
                    style={`display:block;color:#ffffff;font-family:${EMAIL_FONT};font-size:16px;font-weight:600;line-height:24px;text-decoration:none`}
                  >
                    {props.label}
                  </a>
                </td>
              </tr>
            </table>
            {raw('<!--<![endif]-->')}
          </td>
        </tr>
      </table>
      <p class="email-muted" style={`margin:0 0 24px;font-size:13px;line-height:1.5;word-break:break-all;color:${EMAIL_COLORS.muted}`}>
        {props.href}
      </p>
    </>
  );
}
