import type { Kysely } from 'kysely';
import type { CategoryKind, Channel, Database, SiteRow } from './schema.ts';

export interface LocalisedCategory {
  key: string;
  kind: CategoryKind;
  name: string;
  description: string;
  purpose: string;
  frequency: string;
  /** Archived: no longer offered on the signup and preference pages, still named in history. */
  archived: boolean;
  /** What it is offered on: email, SMS or both. */
  channels: Channel[];
}

export function findSite(db: Kysely<Database>, siteId: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', siteId).executeTakeFirst();
}

export async function countSites(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A site's categories in position order, each in `locale` if translated, else in the site's
 * default locale, else in whatever translation exists. Archived ones are included (flagged), so
 * history and mails can still name them; forms show `activeCategories` of this.
 */
export async function listCategories(
  db: Kysely<Database>,
  site: SiteRow,
  locale: string,
): Promise<LocalisedCategory[]> {
  const rows = await db
    .selectFrom('categories as c')
    .innerJoin('category_translations as t', (join) =>
      join.onRef('t.site_id', '=', 'c.site_id').onRef('t.category_key', '=', 'c.key'),
    )
    .select(['c.key', 'c.kind', 'c.position', 'c.archived_at', 'c.channels', 't.locale', 't.name', 't.description', 't.purpose', 't.frequency'])
    .where('c.site_id', '=', site.id)
    .orderBy('c.position')
    .orderBy('c.key')
    .execute();
  const rank = (l: string) => (l === locale ? 0 : l === site.default_locale ? 1 : 2);
  const best = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const current = best.get(row.key);
    if (!current || rank(row.locale) < rank(current.locale)) best.set(row.key, row);
  }
  return [...best.values()].map(({ key, kind, name, description, purpose, frequency, archived_at, channels }) => ({
    key,
    kind,
    name,
    description,
    purpose,
    frequency,
    archived: archived_at !== null,
    channels: channelsOf(channels),
  }));
}

/** A category's channels column, read: a JSON array of known channels (email when unreadable). */
export function channelsOf(column: string): Channel[] {
  try {
    const parsed: unknown = JSON.parse(column);
    const known = Array.isArray(parsed) ? parsed.filter((c): c is Channel => c === 'email' || c === 'sms') : [];
    return known.length > 0 ? known : ['email'];
  } catch {
    return ['email'];
  }
}

/** The categories a form offers: those not archived. */
export function activeCategories(categories: readonly LocalisedCategory[]): LocalisedCategory[] {
  return categories.filter((category) => !category.archived);
}

export async function findCategoryKind(db: Kysely<Database>, siteId: string, key: string): Promise<CategoryKind | null> {
  const row = await db
    .selectFrom('categories')
    .select('kind')
    .where('site_id', '=', siteId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.kind ?? null;
}
