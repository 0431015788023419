// Sent after a confirmation that granted something: what the person will now receive, and a
// receipt of the consent (what, when in the site's time zone, how) with the link to the
// preference page, where the exact wording and the history are.
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import type { RenderedEmail } from './confirmation.tsx';
import { EMAIL_COLORS, EmailLayout, Heading, Paragraph, TextLink, emailDocument, presentation } from './email-layout.tsx';
import { EmailFooter, footerText, type FooterProps } from './footer.tsx';

export interface WelcomeCategory {
  name: string;
  frequency: string;
  purpose: string;
}

export interface ConsentReceipt {
  /** When the confirmation happened, written in the site's time zone. */
  confirmedAt: string;
  /** How: the form of the request and the confirmation link, as one sentence. */
  how: string;
  /** The preference page, where the exact wording and the history are. */
  recordUrl: string;
}

export interface WelcomeEmailProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The site's logo and accent. */
  brand: EmailBrand;
  categories: WelcomeCategory[];
  receipt: ConsentReceipt;
  footer: FooterProps;
}

export async function renderWelcomeEmail(props: WelcomeEmailProps): Promise<RenderedEmail> {
  const { t, receipt } = props;
  const e = t.email;
  const colon = t.common.colon;
  const subject = e.welcomeSubject(props.siteName);
  const title = (category: WelcomeCategory) => (category.frequency ? e.welcomeCategory(category.name, category.frequency) : category.name);
  const html = (
    <EmailLayout lang={props.lang} title={subject} preheader={e.welcomePreheader} brand={props.brand} footer={<EmailFooter {...props.footer} />}>
      <Heading>{subject}</Heading>
      <Paragraph>{e.welcomeIntro(props.siteName)}</Paragraph>
      <table {...presentation} width="100%" class="email-box" bgcolor={EMAIL_COLORS.box} style={`width:100%;margin:0 0 16px;background-color:${EMAIL_COLORS.box};border:1px solid ${EMAIL_COLORS.border};border-radius:6px`}>
        <tr>
          <td style="padding:16px 16px 4px">
            {props.categories.map((category) => (
              <p style="margin:0 0 12px">
                <strong>{title(category)}</strong>
                {category.purpose ? (
                  <>
                    <br />
                    <span class="email-muted" style={`font-size:14px;color:${EMAIL_COLORS.muted}`}>
                      {e.receiptPurpose}
                      {colon}
                      {category.purpose}
                    </span>
                  </>
                ) : null}
              </p>
            ))}
          </td>
        </tr>
        <tr>
          <td class="email-divider" style={`padding:12px 16px 16px;border-top:1px solid ${EMAIL_COLORS.border};font-size:14px`}>
            <p style="margin:0 0 8px;font-weight:700">{e.receiptTitle}</p>
            <p style="margin:0 0 4px">
              {e.receiptWhen}
              {colon}
              {receipt.confirmedAt}
            </p>
            <p style="margin:0 0 8px">
              {e.receiptHow}
              {colon}
              {receipt.how}
            </p>
            <p style="margin:0">
              {e.receiptRecord}{' '}
              <TextLink href={receipt.recordUrl} accent={props.brand.accent}>
                {e.receiptRecordLink}
              </TextLink>
            </p>
          </td>
        </tr>
      </table>
      <Paragraph>{e.welcomeOutro}</Paragraph>
    </EmailLayout>
  );
  const text = [
    subject,
    '',
    e.welcomeIntro(props.siteName),
    ...props.categories.flatMap((category) => [`- ${title(category)}`, ...(category.purpose ? [`  ${e.receiptPurpose}${colon}${category.purpose}`] : [])]),
    '',
    e.receiptTitle,
    `${e.receiptWhen}${colon}${receipt.confirmedAt}`,
    `${e.receiptHow}${colon}${receipt.how}`,
    e.receiptRecord,
    receipt.recordUrl,
    '',
    e.welcomeOutro,
    '',
    footerText(props.footer),
  ].join('\n');
  return { subject, html: await emailDocument(html), text };
}
