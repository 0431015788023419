// Sent after a confirmation that granted something: what the person will now receive.
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import type { RenderedEmail } from './confirmation.tsx';
import { EmailLayout, Heading, Paragraph, emailDocument } from './email-layout.tsx';
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
    <EmailLayout lang={props.lang} title={subject} preheader={t.email.welcomePreheader} brand={props.brand} footer={<EmailFooter {...props.footer} />}>
      <Heading>{subject}</Heading>
      <Paragraph>{t.email.welcomeIntro(props.siteName)}</Paragraph>
      <ul style="margin:0 0 16px;padding:0 0 0 24px">
        {props.categories.map((category) => (
          <li style="margin:0 0 4px">
            <strong>{category.name}</strong> ({category.frequency})
          </li>
        ))}
      </ul>
      <Paragraph>{t.email.welcomeOutro}</Paragraph>
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
  return { subject, html: await emailDocument(html), text };
}
