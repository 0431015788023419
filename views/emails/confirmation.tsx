// The double opt-in email. It names the site and the categories and carries the one link; it
// never contains anything the person typed (a form can be abused to mail strangers).
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { EmailButton } from './email-button.tsx';
import { EmailLayout, Heading, Paragraph, emailDocument } from './email-layout.tsx';

export interface ConfirmationEmailProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The site's logo and accent. */
  brand: EmailBrand;
  legalName: string;
  categoryNames: string[];
  confirmUrl: string;
  expiresAt: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export async function renderConfirmationEmail(props: ConfirmationEmailProps): Promise<RenderedEmail> {
  const { t } = props;
  const subject = t.email.confirmSubject(props.siteName);
  const html = (
    <EmailLayout lang={props.lang} title={subject} preheader={t.email.confirmPreheader} brand={props.brand} footer={t.email.sentBy(props.legalName)}>
      <Heading>{subject}</Heading>
      <Paragraph>{t.email.confirmIntro(props.siteName)}</Paragraph>
      <ul style="margin:0 0 16px;padding:0 0 0 24px">
        {props.categoryNames.map((name) => (
          <li style="margin:0 0 4px">{name}</li>
        ))}
      </ul>
      <Paragraph>{t.email.confirmAction}</Paragraph>
      <EmailButton accent={props.brand.accent} href={props.confirmUrl} label={t.email.confirmButton} />
      <Paragraph>{t.email.confirmExpiry(props.expiresAt)}</Paragraph>
      <Paragraph>{t.email.confirmIgnore}</Paragraph>
    </EmailLayout>
  );
  // The same sentences in the same order; exactly one URL, on a line of its own, so any client
  // can open it.
  const text = [
    subject,
    '',
    t.email.confirmIntro(props.siteName),
    ...props.categoryNames.map((name) => `- ${name}`),
    '',
    t.email.confirmAction,
    '',
    props.confirmUrl,
    '',
    t.email.confirmExpiry(props.expiresAt),
    t.email.confirmIgnore,
    '',
    '--',
    t.email.sentBy(props.legalName),
    '',
  ].join('\n');
  return { subject, html: await emailDocument(html), text };
}
