// Appending to the ledger. Each event is an INSERT ... SELECT guarded by the consent's current
// status, so two concurrent requests cannot record the same change twice, and the guard and the
// state update run in one atomic batch.
import type { CompiledQuery, Kysely } from 'kysely';
import type { Channel, ConsentAction, ConsentStatus, Database } from './schema.ts';

export interface LedgerEvent {
  siteId: string;
  contactId: string;
  categoryKey: string;
  channel: Channel;
  action: ConsentAction;
  method: string;
  occurredAt: string;
  sourceUrl: string | null;
  ip: string | null;
  userAgent: string | null;
  consentTextSha256: string | null;
  policyVersion: string | null;
  locale: string;
}

/** Guard on the consent row: `in` needs its status to be one of these, `notIn` none of them. */
export type StatusGuard = { in: ConsentStatus[] } | { notIn: ConsentStatus[] };

export function appendEventQuery(db: Kysely<Database>, event: LedgerEvent, guard: StatusGuard): CompiledQuery {
  const statuses = 'in' in guard ? guard.in : guard.notIn;
  const matching = db
    .selectFrom('consents')
    .select('status')
    .where('contact_id', '=', event.contactId)
    .where('category_key', '=', event.categoryKey)
    .where('channel', '=', event.channel)
    .where('status', 'in', statuses);
  return db
    .insertInto('consent_events')
    .columns([
      'site_id', 'contact_id', 'category_key', 'channel', 'action', 'method', 'occurred_at',
      'source_url', 'ip', 'user_agent', 'consent_text_sha256', 'policy_version', 'locale',
    ])
    .expression(
      db
        .selectNoFrom((eb) => [
          eb.val(event.siteId).as('site_id'),
          eb.val(event.contactId).as('contact_id'),
          eb.val(event.categoryKey).as('category_key'),
          eb.val(event.channel).as('channel'),
          eb.val(event.action).as('action'),
          eb.val(event.method).as('method'),
          eb.val(event.occurredAt).as('occurred_at'),
          eb.val(event.sourceUrl).as('source_url'),
          eb.val(event.ip).as('ip'),
          eb.val(event.userAgent).as('user_agent'),
          eb.val(event.consentTextSha256).as('consent_text_sha256'),
          eb.val(event.policyVersion).as('policy_version'),
          eb.val(event.locale).as('locale'),
        ])
        .where(({ exists, not }) => ('in' in guard ? exists(matching) : not(exists(matching)))),
    )
    .compile();
}

/** Sets the consent's status (creating the row if needed) unless its status is in `unless`. */
export function setConsentQuery(
  db: Kysely<Database>,
  key: { siteId: string; contactId: string; categoryKey: string; channel: Channel },
  status: ConsentStatus,
  now: string,
  guard: StatusGuard,
): CompiledQuery {
  return db
    .insertInto('consents')
    .values({
      contact_id: key.contactId,
      category_key: key.categoryKey,
      channel: key.channel,
      site_id: key.siteId,
      status,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['contact_id', 'category_key', 'channel'])
        .doUpdateSet({ status, updated_at: now })
        .where('consents.status', 'in' in guard ? 'in' : 'not in', 'in' in guard ? guard.in : guard.notIn),
    )
    .compile();
}
