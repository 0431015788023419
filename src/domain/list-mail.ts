// Mail other than confirmations: every message carries the one-click unsubscribe headers and the
// footer the Act on Specified Electronic Mail asks for, with links made for its recipient.
import { identityHeaders, siteSender } from '../mail/sender-identity.ts';
import { emailBrand } from './site-branding.ts';
import type { CompiledQuery, RawBuilder } from 'kysely';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { cachedCategories } from '../db/site-content-cache.ts';
import type { Deps } from '../deps.ts';
import { formatDateTime, messages, type Messages } from '../i18n/index.ts';
import { enqueueMailQuery } from '../mail/outbox.ts';
import type { FooterProps } from '../../views/emails/footer.tsx';
import { renderWelcomeEmail } from '../../views/emails/welcome.tsx';
import { contactLocale } from './confirmation-mail.ts';
import { listUnsubscribeHeaders, manageUrl, unsubscribeUrl } from './links.ts';

type Recipient = Pick<ContactRow, 'id' | 'site_id' | 'email' | 'locale' | 'token_epoch'>;

async function footerAndHeaders(deps: Deps, site: SiteRow, contact: Recipient) {
  const unsubscribe = await unsubscribeUrl(deps, contact);
  const footer: Omit<FooterProps, 't'> = {
    legalName: site.legal_name,
    postalAddress: site.postal_address,
    inquiryContact: site.inquiry_contact,
    unsubscribeUrl: unsubscribe,
    manageUrl: await manageUrl(deps, contact),
  };
  return { footer, headers: listUnsubscribeHeaders(unsubscribe) };
}

/** What the welcome's consent receipt says about the confirmation it follows. */
export interface WelcomeConsent {
  /** The time of the confirmed events. */
  confirmedAt: Date;
  /** The methods of the requests it answers (each once, in ledger order): the forms the person used; the confirmation itself is by the emailed link, the only way to a welcome today. */
  requestMethods: readonly string[];
}

/**
 * The welcome email after a confirmation, queued only when `only` holds as the batch reaches it
 * (the confirmation it welcomes happened); queuing the same `mailId` twice sends it once.
 */
export async function welcomeMailQuery(
  deps: Deps,
  site: SiteRow,
  contact: Recipient,
  mailId: string,
  granted: readonly string[],
  consent: WelcomeConsent,
  only: RawBuilder<boolean>,
): Promise<CompiledQuery> {
  const locale = contactLocale(contact, site);
  const t = messages(locale);
  const byKey = new Map((await cachedCategories(deps.db, site, locale)).map((c) => [c.key, c]));
  const { footer, headers } = await footerAndHeaders(deps, site, contact);
  const email = await renderWelcomeEmail({
    t,
    lang: locale,
    siteName: site.name,
    brand: emailBrand(site, deps.config.baseUrl),
    categories: granted.map((key) => {
      const category = byKey.get(key);
      return { name: category?.name ?? key, frequency: category?.frequency ?? '', purpose: category?.purpose ?? '' };
    }),
    receipt: {
      confirmedAt: formatDateTime(locale, site.time_zone, consent.confirmedAt),
      how: howSentence(t, site, consent.requestMethods),
      recordUrl: footer.manageUrl,
    },
    footer: { t, ...footer },
  });
  return enqueueMailQuery(
    deps.db,
    {
      id: mailId,
      siteId: site.id,
      contactId: contact.id,
      kind: 'welcome',
      from: siteSender(site, deps.config.mailFrom),
      encryptedTo: contact.email,
      headers: { ...headers, ...identityHeaders(site, { kind: 'welcome', baseUrl: deps.config.baseUrl, marketing: true }) },
      ...email,
    },
    deps.clock.now(),
    only,
  );
}

function howSentence(t: Messages, site: SiteRow, methods: readonly string[]): string {
  const e = t.email;
  const where = methods.flatMap((method) => {
    if (method === 'signup_form') return [e.receiptSignupPage(site.name)];
    if (method === 'embedded_form') return [e.receiptSiteForm(site.name)];
    if (method === 'preference_page') return [e.receiptPreferencePage];
    // An undone unsubscribe or an import names no form the person filled in.
    return [];
  });
  return where.length > 0 ? e.receiptSignedUp(where.join(e.receiptWhereSeparator)) : e.receiptLinkOnly;
}
