// Retention (APPI: delete what is no longer needed). A sign-up nobody confirmed within
// UNCONFIRMED_RETENTION (30 days by default), that never had a grant and was never mailed,
// loses its personal data through the one erasure path, with method `retention_purge` and no
// suppression entry; the ledger records an `erased` event per category, so what was done stays
// provable.
import type { Deps } from '../deps.ts';
import { erasePersonalData } from './erase-personal-data.ts';

export const RETENTION_METHOD = 'retention_purge';

/** Purges up to `limit` stale unconfirmed sign-ups; returns how many (not one confirmed meanwhile). */
export async function purgeUnconfirmedSignups(deps: Deps, limit = 200): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.unconfirmedRetentionSeconds * 1000).toISOString();
  const stale = await deps.db
    .selectFrom('contacts')
    .select('id')
    .where('confirmed_at', 'is', null)
    .where('email', '!=', '')
    .where('created_at', '<', cutoff)
    // Nothing granted, ever (an imported consent is consent without a confirmation), and never
    // mailed: such a contact's record is evidence to keep, not a stale sign-up.
    .where('last_sent_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('consent_events').select('id').whereRef('consent_events.contact_id', '=', 'contacts.id').where('action', 'in', ['granted', 'confirmed']))),
    )
    .limit(limit)
    .execute();
  let purged = 0;
  for (const { id } of stale) {
    const erasure = await erasePersonalData(deps, id, { method: RETENTION_METHOD, suppress: false });
    if (erasure && !erasure.already) purged++;
  }
  return purged;
}
