// What a contact's proof bundle reads beyond the ledger itself: the wording its events point at
// and the seal of each of its events, with the seal before it in the ledger.
import { sql, type Kysely } from 'kysely';
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

export interface EventSeal {
  hash: string;
  /** The seal of the event before it in the ledger (anyone's); null: it is the first event. */
  previous: string | null;
}

/** event id -> chain hash and the one before it, for the contact's events sealed so far. */
export async function sealsOfContact(db: Kysely<Database>, contactId: string): Promise<Map<number, EventSeal>> {
  const rows = await db
    .selectFrom('ledger_seals as s')
    .innerJoin('consent_events as e', 'e.id', 's.event_id')
    .select([
      's.event_id',
      's.hash',
      // Sealing goes in id order, so the previous link is the greatest sealed id below this one.
      sql<string | null>`(SELECT p.hash FROM ledger_seals p WHERE p.event_id < s.event_id ORDER BY p.event_id DESC LIMIT 1)`.as('previous'),
    ])
    .where('e.contact_id', '=', contactId)
    .execute();
  return new Map(rows.map((row) => [row.event_id, { hash: row.hash, previous: row.previous }]));
}
