// "Email me a new unsubscribe link", for a person whose link expired or broke. The answer is the
// same for every address; the mail goes to the stored address of each matching contact (of the
// link's site when the expired link still names it, else of every site), within the same
// per-inbox limit as confirmations (its own count), queued only while the contact is not erased.
import { identityHeaders, siteSender } from '../mail/sender-identity.ts';
import { emailBrand } from './site-branding.ts';
import type { CompiledQuery } from 'kysely';
import { sql } from 'kysely';
import type { ContactRow } from '../db/schema.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { messages } from '../i18n/index.ts';
import { enqueueMailQuery } from '../mail/outbox.ts';
import { renderUnsubscribeLinkEmail } from '../../views/emails/unsubscribe-link.tsx';
import { contactLocale } from './confirmation-mail.ts';
import { notErased } from './contact-guards.ts';
import { emailLookupHash, mailboxHash } from './email-address.ts';
import { manageUrl, unsubscribeUrl } from './links.ts';
import { withinMailLimit } from './mail-limit.ts';

export const UNSUBSCRIBE_LINK_MAIL_KIND = 'unsubscribe_link';

export async function mailUnsubscribeLinks(deps: Deps, typedEmail: string, siteId: string | null): Promise<void> {
  const { db } = deps;
  const [hash, inbox] = await Promise.all([emailLookupHash(deps.config.lookupKey, typedEmail), mailboxHash(deps.config.lookupKey, typedEmail)]);
  let matching = db.selectFrom('contacts').selectAll().where('email_hash', '=', hash).where('email', '!=', '');
  if (siteId !== null) matching = matching.where('site_id', '=', siteId);
  const now = deps.clock.now();
  const queries: CompiledQuery[] = [];
  for (const contact of await matching.execute()) queries.push(...(await linkMail(deps, contact, inbox, now)));
  if (queries.length === 0) return;
  await deps.atomic(queries);
  deps.mailQueued();
}

async function linkMail(deps: Deps, contact: ContactRow, inbox: string, now: Date): Promise<CompiledQuery[]> {
  const site = await findSite(deps.db, contact.site_id);
  if (!site) return [];
  const locale = contactLocale(contact, site);
  const email = await renderUnsubscribeLinkEmail({
    t: messages(locale),
    lang: locale,
    siteName: site.name,
    brand: emailBrand(site, deps.config.baseUrl),
    legalName: site.legal_name,
    unsubscribeUrl: await unsubscribeUrl(deps, contact),
    manageUrl: await manageUrl(deps, contact),
  });
  const limit = withinMailLimit(UNSUBSCRIBE_LINK_MAIL_KIND, { siteId: site.id, mailboxHash: inbox, contactId: contact.id }, now);
  return [
    enqueueMailQuery(
      deps.db,
      {
        id: deps.newId(),
        siteId: site.id,
        contactId: contact.id,
        kind: UNSUBSCRIBE_LINK_MAIL_KIND,
        from: siteSender(site, deps.config.mailFrom),
        headers: identityHeaders(site, { kind: UNSUBSCRIBE_LINK_MAIL_KIND, baseUrl: deps.config.baseUrl, marketing: false }),
        encryptedTo: contact.email,
        mailboxHash: inbox,
        ...email,
      },
      now,
      sql<boolean>`${notErased(contact.id)} AND ${limit}`,
    ),
  ];
}
