// Conditions on the contact that a batch's statements check in SQL, at the moment they run.
import { sql, type RawBuilder } from 'kysely';
import type { ContactRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { mailboxHash } from './email-address.ts';

/** True in SQL while the contact still has an address (erasure blanks it). */
export function notErased(contactId: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId} AND email != '')`;
}

/**
 * True in SQL while links made at this epoch still speak for the contact: revoke-links and
 * erasure bump the epoch, so a change made through an older link (or racing those) does nothing.
 */
export function linkStillValid(contactId: string, epoch: number): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId} AND token_epoch = ${epoch} AND email != '')`;
}

/** The inbox hash of the contact's stored address (the mail limits count by it). */
export async function decryptedMailboxHash(deps: Deps, contact: Pick<ContactRow, 'email'>): Promise<string> {
  return mailboxHash(deps.config.lookupKey, contact.email === '' ? '' : await deps.cipher.decrypt(contact.email));
}
