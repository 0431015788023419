import type { Kysely } from 'kysely';
import type { Channel, ConsentRow, ConsentStatus, Database } from './schema.ts';

export function listConsents(db: Kysely<Database>, contactId: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('contact_id', '=', contactId)
    .orderBy('category_key')
    .execute();
}

/** category key -> status, for the email channel. */
export function emailConsentStatuses(db: Kysely<Database>, contactId: string): Promise<Map<string, ConsentStatus>> {
  return consentStatuses(db, contactId, 'email');
}

/** category key -> status, for one channel. */
export async function consentStatuses(db: Kysely<Database>, contactId: string, channel: Channel): Promise<Map<string, ConsentStatus>> {
  const rows = await listConsents(db, contactId);
  return new Map(rows.filter((r) => r.channel === channel).map((r) => [r.category_key, r.status]));
}
