// The one path that removes personal data while keeping the evidence verifiable. Existing ledger
// rows are not touched: they hold no personal data, only a MAC of the evidence, so the seal
// still verifies after the evidence (IP, user agent) is gone. What the ledger proves remains:
// when, how, which wording, which policy version.
//
// In the same batch: one `erased` event per category the contact has a consent row for (any
// status; the seal covers them like every other event), every consent set to withdrawn, the
// address's lookup hash kept as a suppression entry, links revoked (token epoch), open
// confirmation links spent, queued mail failed. The evidence (IP, user agent, import notes) goes
// too, unless the contact was ever mailed: then it is held (domain/evidence-hold.ts). The contact row itself stays, blanked, so its
// ledger still has a subject; the address can come back only through a new double opt-in.
//
// The batch's first statement claims the contact (marks it with the batch's id) only while it
// is not erased yet; the events and the webhook follow only that claim, so two erasures at
// once (or an erasure racing the retention job) write one erasure.
import { sql, type CompiledQuery } from 'kysely';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { enqueueWebhookQuery } from '../webhooks/events.ts';

export const ERASURE_METHOD = 'erasure_request';
/** The person deleted their own data from the preference page. */
export const SELF_SERVICE_ERASURE = 'self_service';

export interface Erasure {
  contactId: string;
  erasedAt: string;
  /** True when the contact was already erased and nothing was written now. */
  already: boolean;
}

/**
 * Erases a contact; null when there is no such contact. Erasing twice changes nothing.
 * The retention job uses the same path with its own method and no suppression entry: a
 * sign-up that was never confirmed is forgotten, not blocked.
 */
export async function erasePersonalData(
  deps: Deps,
  contactId: string,
  options: { method?: string; suppress?: boolean } = {},
): Promise<Erasure | null> {
  const method = options.method ?? ERASURE_METHOD;
  const { db } = deps;
  const contact = await db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
  const site = contact && (await findSite(db, contact.site_id));
  if (!contact || !site) return null;
  const suppressedSince = () =>
    db.selectFrom('suppressions').select('created_at').where('site_id', '=', site.id).where('email_hash', '=', contact.email_hash).executeTakeFirst();
  const suppressed = await suppressedSince();
  // Blank and suppressed: erased already. A blank address that signed up again is not blank.
  if (contact.email === '' && suppressed) return { contactId, erasedAt: suppressed.created_at, already: true };

  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const suppress = options.suppress ?? true;
  const suppression = sql`EXISTS (SELECT 1 FROM suppressions WHERE site_id = ${site.id} AND email_hash = ${contact.email_hash})`;
  // An erasure request takes any contact not erased and suppressed already; the retention job
  // only one that is still an unconfirmed sign-up when it runs (not one confirmed meanwhile).
  const eligible = suppress
    ? sql`NOT (email = '' AND ${suppression})`
    : sql`email != '' AND confirmed_at IS NULL AND last_sent_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM consent_events WHERE contact_id = ${contactId} AND action IN ('granted', 'confirmed'))`;
  const claimed = sql<boolean>`EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId} AND erasure_id = ${batch})`;
  const queries: CompiledQuery[] = [
    // The address's lookup hash stays: it is how an erased address is recognised (and
    // suppressed) later. The number goes with its hash: a later SMS signup starts afresh, with a
    // new code (there is no suppression list for numbers).
    sql`UPDATE contacts SET erasure_id = ${batch}, email = '', name = NULL, phone = NULL, phone_hash = NULL, updated_at = ${now},
      token_epoch = token_epoch + 1
      WHERE id = ${contactId} AND ${eligible}`.compile(db),
  ];
  // Every consent row the contact has when the batch runs (not when it was read: a signup
  // committed in between is erased too) is withdrawn and gets its `erased` event, in key order.
  queries.push(
    sql`UPDATE consents SET status = 'withdrawn', updated_at = ${now}, change_id = ${batch}
      WHERE contact_id = ${contactId} AND ${claimed}`.compile(db),
    // contact_seq: each event's place in the contact's history, counted before this statement
    // inserts anything (SQLite runs a SELECT from the table it inserts into to its end first).
    sql`INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at,
        source_url, consent_text_sha256, policy_version, locale, evidence_mac, actor, contact_seq)
      SELECT site_id, contact_id, category_key, channel, 'erased', ${method}, ${now}, NULL, NULL, NULL,
        (SELECT locale FROM contacts WHERE id = ${contactId}), NULL, NULL,
        (SELECT count(*) FROM consent_events WHERE contact_id = ${contactId}) + row_number() OVER (ORDER BY category_key) - 1
      FROM consents WHERE contact_id = ${contactId} AND change_id = ${batch} ORDER BY category_key`.compile(db),
  );
  // The rest is harmless to repeat: what is gone stays gone. The evidence of a contact that was
  // ever mailed stays under a retention hold (domain/evidence-hold.ts); the rest goes now.
  queries.push(
    sql`DELETE FROM event_evidence WHERE event_id IN (SELECT id FROM consent_events WHERE contact_id = ${contactId})
      AND EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId} AND last_sent_at IS NULL)`.compile(db),
    db.updateTable('confirmations').set({ spent_at: now }).where('contact_id', '=', contactId).where('spent_at', 'is', null).compile(),
    db.updateTable('outbox').set({ to_address: '' }).where('contact_id', '=', contactId).where('status', '!=', 'queued').compile(),
    db
      .updateTable('outbox')
      .set({ to_address: '', status: 'failed', last_error: 'recipient erased' })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'queued')
      .compile(),
    db.updateTable('sms_outbox').set({ to_number: '' }).where('contact_id', '=', contactId).where('status', '!=', 'queued').compile(),
    db
      .updateTable('sms_outbox')
      .set({ to_number: '', status: 'failed', last_error: 'recipient erased' })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'queued')
      .compile(),
    db.updateTable('sms_codes').set({ spent_at: now }).where('contact_id', '=', contactId).where('spent_at', 'is', null).compile(),
  );
  if (suppress) {
    queries.push(
      sql`INSERT INTO suppressions (site_id, email_hash, contact_id, created_at)
        SELECT ${site.id}, ${contact.email_hash}, ${contact.id}, ${now} WHERE ${claimed}
        ON CONFLICT (site_id, email_hash) DO NOTHING`.compile(db),
    );
  }
  queries.push(
    enqueueWebhookQuery(
      db,
      'contact.erased',
      { site: site.id, contactId, category: null, channel: null, action: 'erased', method, occurredAt: now },
      deps.newId(),
      { when: claimed },
    ),
  );
  await deps.atomic(queries);
  const after = await db.selectFrom('contacts').select(['erasure_id', 'updated_at']).where('id', '=', contactId).executeTakeFirstOrThrow();
  if (after.erasure_id === batch) return { contactId, erasedAt: suppressed?.created_at ?? now, already: false };
  // Another erasure won: answer with its time.
  const winner = await suppressedSince();
  return { contactId, erasedAt: winner?.created_at ?? after.updated_at, already: true };
}
