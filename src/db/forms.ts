// The signup forms exactly as shown, once per SHA-256 of their content (migration 0015).
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database, FormRow, FormsTable } from './schema.ts';

export interface StoredForm {
  sha256: string;
  siteId: string;
  door: FormsTable['door'];
  locale: string;
  templateVersion: string;
  contentType: string;
  content: string;
  consentTextSha256: string;
}

/** Stores a form once per SHA-256; storing it again is a no-op. Goes after its wording's row. */
export function storeFormQuery(db: Kysely<Database>, form: StoredForm, now: string): CompiledQuery {
  return db
    .insertInto('forms')
    .values({
      sha256: form.sha256,
      site_id: form.siteId,
      door: form.door,
      locale: form.locale,
      template_version: form.templateVersion,
      content_type: form.contentType,
      content: form.content,
      consent_text_sha256: form.consentTextSha256,
      created_at: now,
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .compile();
}

export function findForm(db: Kysely<Database>, siteId: string, sha256: string): Promise<FormRow | undefined> {
  return db.selectFrom('forms').selectAll().where('site_id', '=', siteId).where('sha256', '=', sha256).executeTakeFirst();
}

/** Each form any of this contact's events points at, once. */
export function listFormsOfContact(db: Kysely<Database>, contactId: string): Promise<FormRow[]> {
  return db
    .selectFrom('forms')
    .selectAll()
    .where('sha256', 'in', db.selectFrom('consent_events').select('form_sha256').where('contact_id', '=', contactId))
    .orderBy('created_at')
    .orderBy('sha256')
    .execute();
}

/** A stored form as the API and the proof bundle show it, names in camelCase. */
export function readableForm(row: FormRow) {
  return {
    door: row.door,
    locale: row.locale,
    templateVersion: row.template_version,
    contentType: row.content_type as 'text/html' | 'application/json',
    content: row.content,
    consentTextSha256: row.consent_text_sha256,
    createdAt: row.created_at,
  };
}
