// A site and its categories as the busy pages read them (every signup, one-click and preference
// page), kept for a second per database (src/ttl-cache.ts). The operator API and anything else
// that must see its own change at once read src/db/sites.ts directly, and whoever changes a site
// through this process calls forgetSiteContent.
import type { Kysely } from 'kysely';
import { ttlCache, type TtlCache } from '../ttl-cache.ts';
import type { Database, SiteRow } from './schema.ts';
import { findSite, listCategories, type LocalisedCategory } from './sites.ts';

interface SiteContent {
  sites: TtlCache<SiteRow | undefined>;
  categories: TtlCache<readonly LocalisedCategory[]>;
}

const byDatabase = new WeakMap<Kysely<Database>, SiteContent>();

function contentOf(db: Kysely<Database>): SiteContent {
  let content = byDatabase.get(db);
  if (!content) byDatabase.set(db, (content = { sites: ttlCache(), categories: ttlCache() }));
  return content;
}

export function cachedSite(db: Kysely<Database>, siteId: string): Promise<SiteRow | undefined> {
  return contentOf(db).sites.get(siteId, () => findSite(db, siteId));
}

/** listCategories, kept: callers must not change what they get (it is shared). */
export function cachedCategories(db: Kysely<Database>, site: SiteRow, locale: string): Promise<readonly LocalisedCategory[]> {
  return contentOf(db).categories.get(`${site.id} ${site.default_locale} ${locale}`, () => listCategories(db, site, locale));
}

export function forgetSiteContent(db: Kysely<Database>): void {
  const content = byDatabase.get(db);
  content?.sites.clear();
  content?.categories.clear();
}
