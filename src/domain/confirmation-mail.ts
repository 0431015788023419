// Issues a double opt-in link: a confirmation row, a signed token and the queued email, as
// queries for the caller's atomic batch. Also the per-address limit that stops the signup form
// from being used to flood someone's inbox.
import type { CompiledQuery } from 'kysely';
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { listCategories } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { formatDateTime, isLocale, messages, type Locale } from '../i18n/index.ts';
import { enqueueMailQuery } from '../mail/outbox.ts';
import { renderConfirmationEmail } from '../../views/emails/confirmation.tsx';

export const CONFIRMATION_MAIL_KIND = 'confirmation';
const MIN_INTERVAL_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_PER_DAY = 5;

/** At most one confirmation email per address every 10 minutes, and five a day. */
export async function mayMailConfirmation(deps: Deps, contactId: string): Promise<boolean> {
  const now = deps.clock.now().getTime();
  const recent = await deps.db
    .selectFrom('outbox')
    .select('created_at')
    .where('contact_id', '=', contactId)
    .where('kind', '=', CONFIRMATION_MAIL_KIND)
    .where('created_at', '>', new Date(now - DAY_MS).toISOString())
    .execute();
  if (recent.length >= MAX_PER_DAY) return false;
  const cutoff = new Date(now - MIN_INTERVAL_MS).toISOString();
  return !recent.some((row) => row.created_at > cutoff);
}

export function contactLocale(contact: Pick<ContactRow, 'locale'>, site: SiteRow): Locale {
  return isLocale(contact.locale) ? contact.locale : isLocale(site.default_locale) ? site.default_locale : 'en';
}

export async function confirmationMailQueries(
  deps: Deps,
  site: SiteRow,
  contact: Pick<ContactRow, 'id' | 'email' | 'locale'>,
  categoryKeys: readonly string[],
): Promise<CompiledQuery[]> {
  const now = deps.clock.now();
  const ttl = deps.config.confirmTtlSeconds;
  const expiresAt = new Date(now.getTime() + ttl * 1000);
  const confirmationId = deps.newId();
  const token = await deps.tokens.sign(
    { purpose: 'confirm', subject: contact.id, site: site.id, jti: confirmationId, categories: [...categoryKeys] },
    ttl,
  );
  const locale = contactLocale(contact, site);
  const t = messages(locale);
  const names = new Map((await listCategories(deps.db, site, locale)).map((c) => [c.key, c.name]));
  const email = await renderConfirmationEmail({
    t,
    lang: locale,
    siteName: site.name,
    legalName: site.legal_name,
    categoryNames: categoryKeys.map((key) => names.get(key) ?? key),
    confirmUrl: `${deps.config.baseUrl}/c/${token}`,
    expiresAt: formatDateTime(locale, site.time_zone, expiresAt),
  });
  return [
    deps.db
      .insertInto('confirmations')
      .values({
        id: confirmationId,
        site_id: site.id,
        contact_id: contact.id,
        categories: JSON.stringify(categoryKeys),
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
      })
      .compile(),
    enqueueMailQuery(
      deps.db,
      {
        id: deps.newId(),
        siteId: site.id,
        contactId: contact.id,
        kind: CONFIRMATION_MAIL_KIND,
        from: site.sender_address ?? deps.config.mailFrom,
        encryptedTo: contact.email,
        ...email,
      },
      now,
    ),
  ];
}
