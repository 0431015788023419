// What a contact's proof bundle reads beyond the ledger itself: the wording its events point at
// and the seal of each of its events.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Each distinct consent wording any of this contact's events points at, once. */
export function listConsentTextsOfContact(db: Kysely<Database>, contactId: string) {
  return db
    .selectFrom('consent_texts')
    .selectAll()
    .where('sha256', 'in', db.selectFrom('consent_events').select('consent_text_sha256').where('contact_id', '=', contactId))
    .orderBy('created_at')
    .orderBy('sha256')
    .execute();
}

/** event id -> chain hash, for the contact's events sealed so far. */
export async function sealsOfContact(db: Kysely<Database>, contactId: string): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('ledger_seals as s')
    .innerJoin('consent_events as e', 'e.id', 's.event_id')
    .select(['s.event_id', 's.hash'])
    .where('e.contact_id', '=', contactId)
    .execute();
  return new Map(rows.map((row) => [row.event_id, row.hash]));
}
