// Sent after a confirmation that granted something: what the person will now receive.
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import type { RenderedEmail } from './confirmation.tsx';
import { EmailLayout } from './email-layout.tsx';
import { EmailFooter, footerText, type FooterProps } from './footer.tsx';

export interface WelcomeEmailProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The site's logo and accent. */
  brand: EmailBrand;
  categories: { name: string; frequency: string }[];
  footer: FooterProps;
}

export async function renderWelcomeEmail(props: WelcomeEmailProps): Promise<RenderedEmail> {
  const { t } = props;
  const subject = t.email.welcomeSubject(props.siteName);
  const html = (
    <EmailLayout lang={props.lang} title={subject} brand={props.brand} footer={<EmailFooter {...props.footer} />}>
      <h1 style="font-size:20px;margin:0 0 16px">{subject}</h1>
      <p>{t.email.welcomeIntro(props.siteName)}</p>
      <ul>
        {props.categories.map((category) => (
          <li>
            <strong>{category.name}</strong> ({category.frequency})
          </li>
        ))}
      </ul>
      <p>{t.email.welcomeOutro}</p>
    </EmailLayout>
  );
  const text = [
    subject,
    '',
    t.email.welcomeIntro(props.siteName),
    ...props.categories.map((category) => `- ${category.name} (${category.frequency})`),
    '',
    t.email.welcomeOutro,
    '',
    footerText(props.footer),
  ].join('\n');
  return { subject, html: '<!doctype html>' + (await html.toString()), text };
}
