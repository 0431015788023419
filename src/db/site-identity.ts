// The sender identity a site had before each change of it (legal name, postal address, inquiry
// contact: what Japan's Act wants every advertising mail to show), so the proof can show the
// identity in force when each event happened rather than today's.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface SenderIdentity {
  legalName: string;
  postalAddress: string;
  inquiryContact: string;
}

/**
 * Keeps the identity being replaced, only where the update really changes it as the batch runs:
 * put it before the statement that updates the site. Undefined fields are not changed.
 */
export function recordIdentityChangeQuery(db: Kysely<Database>, siteId: string, next: Partial<SenderIdentity>, now: string): CompiledQuery {
  const legalName = next.legalName ?? null;
  const postalAddress = next.postalAddress ?? null;
  const inquiryContact = next.inquiryContact ?? null;
  return sql`INSERT INTO site_identity_history (site_id, legal_name, postal_address, inquiry_contact, replaced_at)
    SELECT id, legal_name, postal_address, inquiry_contact, ${now} FROM sites
    WHERE id = ${siteId} AND (legal_name IS NOT coalesce(${legalName}, legal_name)
      OR postal_address IS NOT coalesce(${postalAddress}, postal_address)
      OR inquiry_contact IS NOT coalesce(${inquiryContact}, inquiry_contact))`.compile(db);
}

/** The identities a site had before its current one, oldest first, each with when it was replaced. */
export async function identityHistory(db: Kysely<Database>, siteId: string): Promise<(SenderIdentity & { replacedAt: string })[]> {
  const rows = await db.selectFrom('site_identity_history').selectAll().where('site_id', '=', siteId).orderBy('replaced_at').orderBy('id').execute();
  return rows.map((row) => ({ legalName: row.legal_name, postalAddress: row.postal_address, inquiryContact: row.inquiry_contact, replacedAt: row.replaced_at }));
}
