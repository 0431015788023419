import type { Kysely } from 'kysely';
import type { ContactRow, Database } from './schema.ts';

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
