// Retention holds. Erasure removes the address and the name at once; the consent evidence of a
// contact that was ever mailed (its IPs, user agents, an import's evidence note) is what proves
// the mail was allowed, so it stays, held, until the last send + EVIDENCE_RETENTION: Japan's Act
// on Specified Electronic Mail keeps the consent record at least a month after the last send (a
// year under an administrative order), and GDPR Art. 17(3)(e) allows keeping what defends a
// legal claim. Only the operator's proof endpoint (audited) shows it meanwhile. The hourly job
// removes it when the hold ends. A contact never mailed keeps nothing: there is no claim to defend.
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import type { ContactRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';

export const HOLD_REASON =
  "Consent evidence of an address that was mailed: Japan's Act on Specified Electronic Mail asks for it until at least 1 month after the last send (1 year under an administrative order); GDPR Art. 17(3)(e) allows keeping it to defend legal claims.";

export interface EvidenceHold {
  until: string;
  reason: string;
}

/** The hold on an erased contact's evidence, or null (not erased, never mailed, or already purged). */
export function evidenceHold(config: Pick<Config, 'evidenceRetentionSeconds'>, contact: Pick<ContactRow, 'email' | 'last_sent_at' | 'evidence_purged_at'>): EvidenceHold | null {
  if (contact.email !== '' || contact.last_sent_at === null || contact.evidence_purged_at !== null) return null;
  const until = new Date(new Date(contact.last_sent_at).getTime() + config.evidenceRetentionSeconds * 1000).toISOString();
  return { until, reason: HOLD_REASON };
}

/** Removes the held evidence of up to `limit` erased contacts whose hold has ended; returns how many. */
export async function purgeEndedHolds(deps: Deps, limit = 200): Promise<number> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.evidenceRetentionSeconds * 1000).toISOString();
  const due = await deps.db
    .selectFrom('contacts')
    .select('id')
    // Literal, not a bound '': SQLite uses the partial index contacts_held_evidence (migration
    // 0018) only for a condition it can read as the index's own.
    .where(sql<boolean>`email = ''`)
    .where('last_sent_at', 'is not', null)
    .where('last_sent_at', '<=', cutoff)
    .where('evidence_purged_at', 'is', null)
    .limit(limit)
    .execute();
  let purged = 0;
  for (const { id } of due) {
    // Still erased and still past its hold as the batch runs (a new signup brings the address
    // back, and its evidence with it).
    const ended = sql`EXISTS (SELECT 1 FROM contacts WHERE id = ${id} AND email = '' AND evidence_purged_at IS NULL
      AND last_sent_at <= ${cutoff})`;
    await deps.atomic([
      sql`DELETE FROM event_evidence WHERE event_id IN (SELECT id FROM consent_events WHERE contact_id = ${id}) AND ${ended}`.compile(deps.db),
      sql`UPDATE contacts SET evidence_purged_at = ${now.toISOString()} WHERE id = ${id} AND ${ended}`.compile(deps.db),
    ]);
    const after = await deps.db.selectFrom('contacts').select('evidence_purged_at').where('id', '=', id).executeTakeFirst();
    if (after?.evidence_purged_at === now.toISOString()) purged++;
  }
  return purged;
}
