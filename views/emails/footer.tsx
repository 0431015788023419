// The footer of every email except confirmations: what Japan's Act on Specified Electronic Mail
// requires an advertising email to show (sender, postal address, inquiry contact, a sentence
// saying the recipient can opt out, and the opt-out link), plus the preferences link.
import type { Messages } from '../../src/i18n/index.ts';

export interface FooterProps {
  t: Messages;
  legalName: string;
  postalAddress: string;
  inquiryContact: string;
  unsubscribeUrl: string;
  manageUrl: string;
}

export function EmailFooter(props: FooterProps) {
  const e = props.t.email;
  const colon = props.t.common.colon;
  return (
    <>
      <p style="margin:0 0 8px">{e.footerStop}</p>
      <p style="margin:0 0 12px">
        <a href={props.unsubscribeUrl} style="color:#1d4ed8">
          {e.footerUnsubscribe}
        </a>
        {' · '}
        <a href={props.manageUrl} style="color:#1d4ed8">
          {e.footerPreferences}
        </a>
      </p>
      <p style="margin:0">
        {e.sentBy(props.legalName)}
        <br />
        {e.footerAddress}
        {colon}
        {props.postalAddress}
        <br />
        {e.footerInquiries}
        {colon}
        {props.inquiryContact}
      </p>
    </>
  );
}

/**
 * The same footer as HTML on its own, for the sender's own campaigns (the links API): in the
 * recipient's language, marked as such in case the message around it is in another.
 */
export async function footerHtml(props: FooterProps & { lang: string }): Promise<string> {
  const { lang, ...footer } = props;
  return (
    <div lang={lang}>
      <EmailFooter {...footer} />
    </div>
  ).toString();
}

export function footerText(props: FooterProps): string {
  const e = props.t.email;
  const colon = props.t.common.colon;
  return [
    '--',
    e.footerStop,
    `${e.footerUnsubscribe}${colon}${props.unsubscribeUrl}`,
    `${e.footerPreferences}${colon}${props.manageUrl}`,
    '',
    e.sentBy(props.legalName),
    `${e.footerAddress}${colon}${props.postalAddress}`,
    `${e.footerInquiries}${colon}${props.inquiryContact}`,
    '',
  ].join('\n');
}
