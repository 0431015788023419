// Mail other than confirmations: every message carries the one-click unsubscribe headers and the
// footer the Act on Specified Electronic Mail asks for, with links made for its recipient.
import { identityHeaders, siteSender } from '../mail/sender-identity.ts';
import { emailBrand } from './site-branding.ts';
import type { CompiledQuery, RawBuilder } from 'kysely';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { listCategories } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { messages } from '../i18n/index.ts';
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
  only: RawBuilder<boolean>,
): Promise<CompiledQuery> {
  const locale = contactLocale(contact, site);
  const t = messages(locale);
  const byKey = new Map((await listCategories(deps.db, site, locale)).map((c) => [c.key, c]));
  const { footer, headers } = await footerAndHeaders(deps, site, contact);
  const email = await renderWelcomeEmail({
    t,
    lang: locale,
    siteName: site.name,
    brand: emailBrand(site, deps.config.baseUrl),
    categories: granted.map((key) => ({ name: byKey.get(key)?.name ?? key, frequency: byKey.get(key)?.frequency ?? '' })),
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
