// A fresh unsubscribe link, for someone whose old link expired or broke. Like the confirmation,
// it goes to the stored address only and says nothing the person typed.
import type { EmailBrand } from '../../src/domain/site-branding.ts';
import type { Messages } from '../../src/i18n/index.ts';
import type { RenderedEmail } from './confirmation.tsx';
import { EmailButton } from './email-button.tsx';
import { EmailLayout, Heading, Paragraph, TextLink, emailDocument } from './email-layout.tsx';

export interface UnsubscribeLinkEmailProps {
  t: Messages;
  lang: string;
  siteName: string;
  /** The site's logo and accent. */
  brand: EmailBrand;
  legalName: string;
  unsubscribeUrl: string;
  manageUrl: string;
}

export async function renderUnsubscribeLinkEmail(props: UnsubscribeLinkEmailProps): Promise<RenderedEmail> {
  const { t } = props;
  const subject = t.email.unsubscribeLinkSubject(props.siteName);
  const html = (
    <EmailLayout lang={props.lang} title={subject} preheader={t.email.unsubscribeLinkPreheader} brand={props.brand} footer={t.email.sentBy(props.legalName)}>
      <Heading>{subject}</Heading>
      <Paragraph>{t.email.unsubscribeLinkIntro(props.siteName)}</Paragraph>
      <EmailButton accent={props.brand.accent} href={props.unsubscribeUrl} label={t.email.footerUnsubscribe} />
      <Paragraph>
        {t.email.unsubscribeLinkPreferences}{' '}
        <TextLink href={props.manageUrl} accent={props.brand.accent}>
          {t.email.footerPreferences}
        </TextLink>
      </Paragraph>
      <Paragraph>{t.email.unsubscribeLinkIgnore}</Paragraph>
    </EmailLayout>
  );
  const text = [
    subject,
    '',
    t.email.unsubscribeLinkIntro(props.siteName),
    '',
    props.unsubscribeUrl,
    '',
    t.email.unsubscribeLinkPreferences,
    props.manageUrl,
    '',
    t.email.unsubscribeLinkIgnore,
    '',
    '--',
    t.email.sentBy(props.legalName),
    '',
  ].join('\n');
  return { subject, html: await emailDocument(html), text };
}
