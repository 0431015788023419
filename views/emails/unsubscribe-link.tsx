// A fresh unsubscribe link, for someone whose old link expired or broke. Like the confirmation,
// it goes to the stored address only and says nothing the person typed.
import type { Messages } from '../../src/i18n/index.ts';
import type { RenderedEmail } from './confirmation.tsx';
import { EmailLayout } from './email-layout.tsx';

export interface UnsubscribeLinkEmailProps {
  t: Messages;
  lang: string;
  siteName: string;
  legalName: string;
  unsubscribeUrl: string;
  manageUrl: string;
}

export async function renderUnsubscribeLinkEmail(props: UnsubscribeLinkEmailProps): Promise<RenderedEmail> {
  const { t } = props;
  const subject = t.email.unsubscribeLinkSubject(props.siteName);
  const html = (
    <EmailLayout lang={props.lang} title={subject} footer={t.email.sentBy(props.legalName)}>
      <h1 style="font-size:20px;margin:0 0 16px">{subject}</h1>
      <p>{t.email.unsubscribeLinkIntro(props.siteName)}</p>
      <p style="margin:24px 0">
        <a
          href={props.unsubscribeUrl}
          style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600"
        >
          {t.email.footerUnsubscribe}
        </a>
      </p>
      <p style="font-size:13px;word-break:break-all;color:#52525b">{props.unsubscribeUrl}</p>
      <p>
        {t.email.unsubscribeLinkPreferences} <a href={props.manageUrl}>{t.email.footerPreferences}</a>
      </p>
      <p>{t.email.unsubscribeLinkIgnore}</p>
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
  return { subject, html: '<!doctype html>' + (await html.toString()), text };
}
