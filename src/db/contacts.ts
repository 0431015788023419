import type { Kysely } from 'kysely';
import type { ContactRow, Database } from './schema.ts';

/** The site's contact with this number (its keyed hash: sms/phone.ts phoneLookupHash). */
export function findContactByPhoneHash(db: Kysely<Database>, siteId: string, phoneHash: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('site_id', '=', siteId).where('phone_hash', '=', phoneHash).executeTakeFirst();
}

export function findContactByEmailHash(
  db: Kysely<Database>,
  siteId: string,
  emailHash: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('email_hash', '=', emailHash)
    .executeTakeFirst();
}

export function findContact(
  db: Kysely<Database>,
  siteId: string,
  contactId: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('id', '=', contactId)
    .executeTakeFirst();
}

/** A contact row as first stored: nothing confirmed, sent, revoked or erased yet. */
export function newContactRow(fields: Pick<ContactRow, 'id' | 'site_id' | 'email' | 'email_hash' | 'name' | 'locale' | 'created_at'>): ContactRow {
  return {
    ...fields,
    confirmed_at: null,
    updated_at: fields.created_at,
    token_epoch: 0,
    erasure_id: null,
    last_sent_at: null,
    evidence_purged_at: null,
    phone: null,
    phone_hash: null,
  };
}
