// The one path that removes personal data while keeping the evidence verifiable. Existing ledger
// rows are not touched: they hold no personal data, only a MAC of the evidence, so the seal
// still verifies after the evidence (IP, user agent) is gone. What the ledger proves remains:
// when, how, which wording, which policy version.
//
// In the same batch: one `erased` event per category the contact has a consent row for (any
// status; the seal covers them like every other event), every consent set to withdrawn, the
// address's lookup hash kept as a suppression entry, links revoked (token epoch), open
// confirmation links spent, queued mail failed. The contact row itself stays, blanked, so its
// ledger still has a subject; the address can come back only through a new double opt-in.
import type { CompiledQuery } from 'kysely';
import { listConsents } from '../db/consents.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { changeQueries } from './consent-change.ts';
import { enqueueWebhookQuery } from '../webhooks/events.ts';

export const ERASURE_METHOD = 'erasure_request';

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
  const suppressed = await db
    .selectFrom('suppressions')
    .select('created_at')
    .where('site_id', '=', site.id)
    .where('email_hash', '=', contact.email_hash)
    .executeTakeFirst();
  // Blank and suppressed: erased already. A blank address that signed up again is not blank.
  if (contact.email === '' && suppressed) return { contactId, erasedAt: suppressed.created_at, already: true };

  const now = deps.clock.now().toISOString();
  const queries: CompiledQuery[] = [];
  for (const consent of await listConsents(db, contact.id)) {
    queries.push(
      ...(await changeQueries(
        deps,
        { site, contact },
        {
          key: consent.category_key,
          action: 'erased',
          status: 'withdrawn',
          method,
          guard: { in: ['pending', 'granted', 'withdrawn'] },
        },
        { ip: null, userAgent: null },
        { sha256: null, policyVersion: null },
        now,
      )),
    );
  }
  const events = db.selectFrom('consent_events').select('id').where('contact_id', '=', contactId);
  queries.push(
    db.deleteFrom('event_evidence').where('event_id', 'in', events).compile(),
    // The lookup hash stays: it is how an erased address is recognised (and suppressed) later.
    db
      .updateTable('contacts')
      .set((eb) => ({ email: '', name: null, updated_at: now, token_epoch: eb('token_epoch', '+', 1) }))
      .where('id', '=', contactId)
      .compile(),
    db.updateTable('confirmations').set({ spent_at: now }).where('contact_id', '=', contactId).where('spent_at', 'is', null).compile(),
    db.updateTable('outbox').set({ to_address: '' }).where('contact_id', '=', contactId).where('status', '!=', 'queued').compile(),
    db
      .updateTable('outbox')
      .set({ to_address: '', status: 'failed', last_error: 'recipient erased' })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'queued')
      .compile(),
  );
  if (options.suppress ?? true) {
    queries.push(
      db
        .insertInto('suppressions')
        .values({ site_id: site.id, email_hash: contact.email_hash, contact_id: contact.id, created_at: now })
        .onConflict((oc) => oc.columns(['site_id', 'email_hash']).doNothing())
        .compile(),
    );
  }
  queries.push(
    enqueueWebhookQuery(
      db,
      'contact.erased',
      { site: site.id, contactId, category: null, channel: null, action: 'erased', method, occurredAt: now },
      deps.newId(),
    ),
  );
  await deps.atomic(queries);
  return { contactId, erasedAt: suppressed?.created_at ?? now, already: false };
}
