// The footer a sender puts in its own campaigns, from the links API: the same one our own mail
// carries (legal name, postal address, inquiry contact, the sentence saying the recipient can
// unsubscribe from these emails, the unsubscribe and preference links: the Act on Specified Electronic
// Mail's display items, and CAN-SPAM's postal address), in the recipient's language.
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { messages } from '../i18n/index.ts';
import { footerHtml, footerText } from '../../views/emails/footer.tsx';
import { contactLocale } from './confirmation-mail.ts';

export interface CampaignFooter {
  text: string;
  html: string;
}

export async function campaignFooter(
  site: SiteRow,
  contact: Pick<ContactRow, 'locale'>,
  links: { unsubscribeUrl: string; manageUrl: string },
): Promise<CampaignFooter> {
  const lang = contactLocale(contact, site);
  const props = {
    t: messages(lang),
    legalName: site.legal_name,
    postalAddress: site.postal_address,
    inquiryContact: site.inquiry_contact,
    ...links,
  };
  return { text: footerText(props), html: await footerHtml({ ...props, lang }) };
}
