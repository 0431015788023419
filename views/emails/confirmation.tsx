// The double opt-in email. It names the site and the categories and carries the one link; it
// never contains anything the person typed (a form can be abused to mail strangers).
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { EmailButton } from './email-button.tsx';
import { EmailLayout } from './email-layout.tsx';

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
    <EmailLayout lang={props.lang} title={subject} brand={props.brand} footer={t.email.sentBy(props.legalName)}>
      <h1 style="font-size:20px;margin:0 0 16px">{subject}</h1>
      <p>{t.email.confirmIntro(props.siteName)}</p>
      <ul>
        {props.categoryNames.map((name) => (
          <li>{name}</li>
        ))}
      </ul>
      <p>{t.email.confirmAction}</p>
      <EmailButton accent={props.brand.accent} href={props.confirmUrl} label={t.email.confirmButton} />
      <p>{t.email.confirmExpiry(props.expiresAt)}</p>
      <p>{t.email.confirmIgnore}</p>
    </EmailLayout>
  );
  // The plain part holds exactly one URL, on a line of its own, so any client can open it.
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
  return { subject, html: '<!doctype html>' + (await html.toString()), text };
}
