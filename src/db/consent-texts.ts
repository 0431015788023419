import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Stores a wording once per SHA-256; storing it again is a no-op. */
export function storeConsentTextQuery(
  db: Kysely<Database>,
  wording: { sha256: string; text: string; locale: string; policyVersion: string },
  now: string,
): CompiledQuery {
  return db
    .insertInto('consent_texts')
    .values({
      sha256: wording.sha256,
      text: wording.text,
      locale: wording.locale,
      policy_version: wording.policyVersion,
      created_at: now,
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .compile();
}
