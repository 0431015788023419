// Issues a double opt-in link: a confirmation row, a signed token and the queued email, as
// queries for the caller's atomic batch, each guarded inside the batch: the mail only when the
// change that asks for it happened, the address is not erased and the per-inbox limit allows it
// (so the signup form cannot flood someone's inbox), the confirmation row only with its mail.
import { identityHeaders, siteSender } from '../mail/sender-identity.ts';
import { emailBrand } from './site-branding.ts';
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { cachedCategories } from '../db/site-content-cache.ts';
import type { Deps } from '../deps.ts';
import { formatDateTime, isLocale, messages, type Locale } from '../i18n/index.ts';
import { enqueueMailQuery } from '../mail/outbox.ts';
import { renderConfirmationEmail } from '../../views/emails/confirmation.tsx';
import { notErased } from './contact-guards.ts';
import { withinMailLimit } from './mail-limit.ts';

export const CONFIRMATION_MAIL_KIND = 'confirmation';

export function contactLocale(contact: Pick<ContactRow, 'locale'>, site: SiteRow): Locale {
  return isLocale(contact.locale) ? contact.locale : isLocale(site.default_locale) ? site.default_locale : 'en';
}

/**
 * The confirmation mail for these categories and its link, queued only when `when` holds (the
 * batch's own change that calls for it) and the inbox limit allows. `mailboxHash` is of the
 * address the mail goes to.
 */
export async function confirmationMailQueries(
  deps: Deps,
  site: SiteRow,
  contact: Pick<ContactRow, 'id' | 'email' | 'locale' | 'token_epoch'>,
  categoryKeys: readonly string[],
  guard: { mailboxHash: string; when: RawBuilder<boolean> },
): Promise<CompiledQuery[]> {
  const now = deps.clock.now();
  const ttl = deps.config.confirmTtlSeconds;
  const expiresAt = new Date(now.getTime() + ttl * 1000);
  const confirmationId = deps.newId();
  const token = await deps.tokens.sign(
    { purpose: 'confirm', subject: contact.id, site: site.id, jti: confirmationId, categories: [...categoryKeys], epoch: contact.token_epoch },
    ttl,
  );
  const locale = contactLocale(contact, site);
  const t = messages(locale);
  const names = new Map((await cachedCategories(deps.db, site, locale)).map((c) => [c.key, c.name]));
  const email = await renderConfirmationEmail({
    t,
    lang: locale,
    siteName: site.name,
    brand: emailBrand(site, deps.config.baseUrl),
    legalName: site.legal_name,
    categoryNames: categoryKeys.map((key) => names.get(key) ?? key),
    confirmUrl: `${deps.config.baseUrl}/c/${token}`,
    expiresAt: formatDateTime(locale, site.time_zone, expiresAt),
  });
  const mailId = deps.newId();
  const limit = withinMailLimit(CONFIRMATION_MAIL_KIND, { siteId: site.id, mailboxHash: guard.mailboxHash, contactId: contact.id }, now);
  return [
    enqueueMailQuery(
      deps.db,
      {
        id: mailId,
        siteId: site.id,
        contactId: contact.id,
        kind: CONFIRMATION_MAIL_KIND,
        from: siteSender(site, deps.config.mailFrom),
        headers: identityHeaders(site, { kind: CONFIRMATION_MAIL_KIND, baseUrl: deps.config.baseUrl, marketing: false }),
        encryptedTo: contact.email,
        mailboxHash: guard.mailboxHash,
        ...email,
      },
      now,
      sql<boolean>`${guard.when} AND ${notErased(contact.id)} AND ${limit}`,
    ),
    sql`INSERT INTO confirmations (id, site_id, contact_id, categories, created_at, expires_at)
      SELECT ${confirmationId}, ${site.id}, ${contact.id}, ${JSON.stringify(categoryKeys)}, ${now.toISOString()}, ${expiresAt.toISOString()}
      WHERE EXISTS (SELECT 1 FROM outbox WHERE id = ${mailId})`.compile(deps.db),
  ];
}
