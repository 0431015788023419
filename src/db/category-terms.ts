// Versions of a category's terms (its purpose and frequency per locale), one row per change with
// the operator's verdict on it. A material change makes earlier grants ask again.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database, TermsChange } from './schema.ts';

export interface TermsPatch {
  siteId: string;
  categoryKey: string;
  locale: string;
  change: TermsChange;
  /** The new texts; undefined: unchanged. */
  purpose?: string | undefined;
  frequency?: string | undefined;
}

/**
 * Records the change, with the texts before it, only where the stored texts really differ as the
 * batch runs: put it before the statement that writes the new texts. Two updates at once each
 * record what they changed, and one that finds the texts already so records nothing.
 */
export function recordTermsChangeQuery(db: Kysely<Database>, patch: TermsPatch, now: string): CompiledQuery {
  const purpose = patch.purpose ?? null;
  const frequency = patch.frequency ?? null;
  return sql`INSERT INTO category_terms_versions
      (site_id, category_key, locale, change, purpose, frequency, previous_purpose, previous_frequency, changed_at)
    SELECT ${patch.siteId}, ${patch.categoryKey}, ${patch.locale}, ${patch.change},
      coalesce(${purpose}, t.purpose), coalesce(${frequency}, t.frequency), t.purpose, t.frequency, ${now}
    FROM (SELECT 1) LEFT JOIN category_translations t
      ON t.site_id = ${patch.siteId} AND t.category_key = ${patch.categoryKey} AND t.locale = ${patch.locale}
    WHERE coalesce(${purpose}, t.purpose) IS NOT NULL AND coalesce(${frequency}, t.frequency) IS NOT NULL
      AND (t.purpose IS NOT coalesce(${purpose}, t.purpose) OR t.frequency IS NOT coalesce(${frequency}, t.frequency))`.compile(db);
}

/** When the category's terms last changed materially (any locale), or null. */
export async function lastMaterialChange(db: Kysely<Database>, siteId: string, categoryKey: string): Promise<string | null> {
  const row = await db
    .selectFrom('category_terms_versions')
    .select((eb) => eb.fn.max('changed_at').as('at'))
    .where('site_id', '=', siteId)
    .where('category_key', '=', categoryKey)
    .where('change', '=', 'material')
    .executeTakeFirst();
  return row?.at ?? null;
}

/** Per category of the site, when its terms last changed materially (categories never so changed are absent). */
export async function lastMaterialChanges(db: Kysely<Database>, siteId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('category_terms_versions')
    .select(['category_key', (eb) => eb.fn.max('changed_at').as('at')])
    .where('site_id', '=', siteId)
    .where('change', '=', 'material')
    .groupBy('category_key')
    .execute();
  return new Map(rows.map((row) => [row.category_key, row.at]));
}

/** Every terms version of a category, oldest first. */
export function termsVersions(db: Kysely<Database>, siteId: string, categoryKey: string) {
  return db
    .selectFrom('category_terms_versions')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('category_key', '=', categoryKey)
    .orderBy('id')
    .execute();
}
