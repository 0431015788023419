// Sites and their categories as the operator API and the console change them: create, read and
// update a site; add, re-describe, reorder, archive and unarchive its categories per locale.
// Category texts and the policy version feed the consent wording, so changing them yields a new
// consent text (and hash); earlier events keep theirs. Archiving never deletes: events and
// consents keep naming the category. The input has passed site-fields.ts; these are the rules
// that need the database.
import type { Kysely } from 'kysely';
import { lastMaterialChanges, recordTermsChangeQuery } from '../db/category-terms.ts';
import type { CategoryKind, Channel, Database, SiteRow } from '../db/schema.ts';
import { recordIdentityChangeQuery } from '../db/site-identity.ts';
import { channelsOf, findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { LOCALES, type Locale } from '../i18n/index.ts';
import { brandPaths } from './site-branding.ts';
import {
  CategoryText,
  type CategoryCreation,
  type CategoryTextValues,
  type CategoryUpdate,
  type FieldProblem,
  type SiteChanges,
  type SiteCreation,
} from './site-fields.ts';

export interface CategoryView {
  key: string;
  kind: CategoryKind;
  position: number;
  archived: boolean;
  archivedAt: string | null;
  translations: Partial<Record<Locale, CategoryTextValues>>;
  /** When its purpose or frequency last changed materially: consents granted before need granting again. */
  materialChangeAt: string | null;
  channels: Channel[];
}

export interface SiteView {
  id: string;
  name: string;
  legalName: string;
  postalAddress: string;
  inquiryContact: string;
  senderAddress: string | null;
  privacyPolicyUrl: string;
  privacyPolicyVersion: string;
  defaultLocale: Locale;
  timeZone: string;
  allowedOrigins: string[];
  accentColor: string | null;
  defaultCountry: string | null;
  smsRatesNotice: boolean;
  /** Root-relative, under BASE_URL's path. */
  logoPath: string | null;
  createdAt: string;
  categories: CategoryView[];
}

export type SiteOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'not_found'; message: string }
  | { kind: 'conflict'; message: string; problems: FieldProblem[] }
  | { kind: 'invalid'; problems: FieldProblem[] };

type SiteDeps = Pick<Deps, 'db' | 'atomic' | 'clock'>;

const NO_SITE = { kind: 'not_found', message: 'No site with this id.' } as const;
const NO_CATEGORY = { kind: 'not_found', message: 'No category with this key on this site.' } as const;

/** The sites' ids and names in the order they were made: every site, or only the one given. */
export function siteNames(db: Kysely<Database>, onlySiteId: string | null = null): Promise<{ id: string; name: string }[]> {
  let query = db.selectFrom('sites').select(['id', 'name']).orderBy('created_at').orderBy('id');
  if (onlySiteId !== null) query = query.where('id', '=', onlySiteId);
  return query.execute();
}

export async function categoriesOf(db: Kysely<Database>, siteId: string, key?: string): Promise<CategoryView[]> {
  let query = db.selectFrom('categories').selectAll().where('site_id', '=', siteId);
  if (key !== undefined) query = query.where('key', '=', key);
  const rows = await query.orderBy('position').orderBy('key').execute();
  let texts = db.selectFrom('category_translations').selectAll().where('site_id', '=', siteId);
  if (key !== undefined) texts = texts.where('category_key', '=', key);
  const translations = await texts.execute();
  const materialChanges = await lastMaterialChanges(db, siteId);
  return rows.map((row) => {
    const own: CategoryView['translations'] = {};
    for (const t of translations.filter((t) => t.category_key === row.key)) {
      if (t.locale === 'en' || t.locale === 'ja') {
        own[t.locale] = { name: t.name, description: t.description, purpose: t.purpose, frequency: t.frequency };
      }
    }
    return {
      key: row.key,
      kind: row.kind,
      position: row.position,
      archived: row.archived_at !== null,
      archivedAt: row.archived_at,
      translations: own,
      materialChangeAt: materialChanges.get(row.key) ?? null,
      channels: channelsOf(row.channels),
    };
  });
}

/** A site's own fields, without its categories: what its settings page shows (no query). */
export function siteFields(site: SiteRow): Omit<SiteView, 'categories'> {
  return {
    id: site.id,
    name: site.name,
    legalName: site.legal_name,
    postalAddress: site.postal_address,
    inquiryContact: site.inquiry_contact,
    senderAddress: site.sender_address,
    privacyPolicyUrl: site.privacy_policy_url,
    privacyPolicyVersion: site.privacy_policy_version,
    defaultLocale: site.default_locale as Locale,
    timeZone: site.time_zone,
    allowedOrigins: JSON.parse(site.allowed_origins) as string[],
    accentColor: site.accent_color,
    defaultCountry: site.default_country,
    smsRatesNotice: site.sms_rates_notice === 1,
    logoPath: brandPaths(site).logo,
    createdAt: site.created_at,
  };
}

export async function siteView(db: Kysely<Database>, site: SiteRow): Promise<SiteView> {
  return { ...siteFields(site), categories: await categoriesOf(db, site.id) };
}

async function viewOf(db: Kysely<Database>, siteId: string): Promise<SiteView> {
  return siteView(db, (await findSite(db, siteId))!);
}

export async function createSite(deps: SiteDeps, input: SiteCreation): Promise<SiteOutcome<SiteView>> {
  const { db, clock } = deps;
  const taken: SiteOutcome<SiteView> = { kind: 'conflict', message: 'A site with this id exists.', problems: [{ path: 'id', message: 'Taken.' }] };
  if (await findSite(db, input.id)) return taken;
  const result = await db
    .insertInto('sites')
    .values({
      id: input.id,
      name: input.name,
      legal_name: input.legalName,
      postal_address: input.postalAddress,
      inquiry_contact: input.inquiryContact,
      sender_address: input.senderAddress ?? null,
      privacy_policy_url: input.privacyPolicyUrl,
      privacy_policy_version: input.privacyPolicyVersion,
      default_locale: input.defaultLocale,
      time_zone: input.timeZone,
      allowed_origins: JSON.stringify(input.allowedOrigins ?? []),
      accent_color: input.accentColor ?? null,
      default_country: input.defaultCountry ?? null,
      sms_rates_notice: input.smsRatesNotice ? 1 : 0,
      created_at: clock.now().toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return taken;
  return { kind: 'done', value: await viewOf(db, input.id) };
}

/** Changes the fields given; the sender identity it replaces is kept for the proof of events made under it. */
export async function updateSite(deps: SiteDeps, siteId: string, changes: SiteChanges): Promise<SiteOutcome<SiteView>> {
  const { db, atomic, clock } = deps;
  const site = await findSite(db, siteId);
  if (!site) return NO_SITE;
  const locale = changes.defaultLocale;
  if (locale !== undefined && locale !== site.default_locale) {
    // Every category in use needs a text in the default locale, the fallback for all others.
    const untranslated = (await categoriesOf(db, site.id)).filter((cat) => !cat.archived && !cat.translations[locale]);
    if (untranslated.length > 0) {
      return { kind: 'invalid', problems: [{ path: 'defaultLocale', message: `Categories without a ${locale} text: ${untranslated.map((cat) => cat.key).join(', ')}.` }] };
    }
  }
  const columns = {
    name: changes.name,
    legal_name: changes.legalName,
    postal_address: changes.postalAddress,
    inquiry_contact: changes.inquiryContact,
    sender_address: changes.senderAddress,
    privacy_policy_url: changes.privacyPolicyUrl,
    privacy_policy_version: changes.privacyPolicyVersion,
    default_locale: changes.defaultLocale,
    time_zone: changes.timeZone,
    allowed_origins: changes.allowedOrigins === undefined ? undefined : JSON.stringify(changes.allowedOrigins),
    accent_color: changes.accentColor,
    default_country: changes.defaultCountry,
    sms_rates_notice: changes.smsRatesNotice === undefined ? undefined : changes.smsRatesNotice ? 1 : 0,
  };
  const set = Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length > 0) {
    const identity = { legalName: changes.legalName, postalAddress: changes.postalAddress, inquiryContact: changes.inquiryContact };
    await atomic([
      recordIdentityChangeQuery(db, site.id, identity, clock.now().toISOString()),
      db.updateTable('sites').set(set).where('id', '=', site.id).compile(),
    ]);
  }
  return { kind: 'done', value: await viewOf(db, site.id) };
}

export async function createCategory(deps: SiteDeps, siteId: string, input: CategoryCreation): Promise<SiteOutcome<CategoryView>> {
  const { db, clock, atomic } = deps;
  const site = await findSite(db, siteId);
  if (!site) return NO_SITE;
  if (!input.translations[site.default_locale as Locale]) {
    return { kind: 'invalid', problems: [{ path: `translations.${site.default_locale}`, message: 'Required: the site’s default locale.' }] };
  }
  const exists = await db.selectFrom('categories').select('key').where('site_id', '=', site.id).where('key', '=', input.key).executeTakeFirst();
  if (exists) return { kind: 'conflict', message: 'A category with this key exists on this site.', problems: [{ path: 'key', message: 'Taken.' }] };
  const moves = await placeAt(db, site.id, input.key, input.position);
  await atomic([
    db
      .insertInto('categories')
      .values({ site_id: site.id, key: input.key, kind: input.kind, position: moves.position, channels: JSON.stringify(input.channels ?? ['email']), created_at: clock.now().toISOString() })
      .compile(),
    ...moves.queries,
    ...LOCALES.flatMap((locale) => {
      const text = input.translations[locale];
      return text ? [db.insertInto('category_translations').values({ site_id: site.id, category_key: input.key, locale, ...text }).compile()] : [];
    }),
  ]);
  return { kind: 'done', value: (await categoriesOf(db, site.id, input.key))[0]! };
}

/**
 * Moves `key` to index `position` of the site's order (archived categories count too; past the
 * end, or undefined: last) and renumbers the others 0, 1, 2...: the queries for the others and
 * the position for `key` itself.
 */
async function placeAt(db: Kysely<Database>, siteId: string, key: string, position: number | undefined) {
  const others = (await db.selectFrom('categories').select('key').where('site_id', '=', siteId).orderBy('position').orderBy('key').execute())
    .map((row) => row.key)
    .filter((other) => other !== key);
  const at = Math.min(position ?? others.length, others.length);
  others.splice(at, 0, key);
  const queries = others.flatMap((other, index) =>
    other === key ? [] : [db.updateTable('categories').set({ position: index }).where('site_id', '=', siteId).where('key', '=', other).compile()],
  );
  return { position: at, queries };
}

/** Whether a patch of one locale's texts changes its purpose or frequency (a first text in it does). */
function changesTerms(
  current: { purpose: string; frequency: string } | undefined,
  patch: { purpose?: string | undefined; frequency?: string | undefined } | undefined,
): boolean {
  if (!patch) return false;
  const differs = (field: 'purpose' | 'frequency') => patch[field] !== undefined && patch[field] !== current?.[field];
  return differs('purpose') || differs('frequency');
}

export async function updateCategory(deps: SiteDeps, siteId: string, key: string, update: CategoryUpdate): Promise<SiteOutcome<CategoryView>> {
  const { db, atomic, clock } = deps;
  const site = await findSite(db, siteId);
  if (!site) return NO_SITE;
  const current = (await categoriesOf(db, site.id, key))[0];
  if (!current) return NO_CATEGORY;
  const now = clock.now().toISOString();
  const queries = [];
  const problems: FieldProblem[] = [];
  const termsChangedIn = LOCALES.filter((locale) => changesTerms(current.translations[locale], update.translations?.[locale]));
  if (termsChangedIn.length > 0 && update.termsChange === undefined) {
    problems.push({
      path: 'termsChange',
      message: `Required: this changes the purpose or frequency (${termsChangedIn.join(', ')}). Say "minor", or "material" if consents given before must be given again.`,
    });
  }
  for (const locale of LOCALES) {
    const patch = update.translations?.[locale];
    if (!patch) continue;
    const merged = { ...current.translations[locale], ...patch };
    const complete = CategoryText.safeParse(merged);
    if (!complete.success) {
      for (const issue of complete.error.issues) {
        problems.push({ path: ['translations', locale, ...issue.path.map(String)].join('.'), message: 'Required for a locale not yet translated.' });
      }
      continue;
    }
    // Only the fields given, so that a concurrent update of the others is not written back.
    // Without termsChange the terms given are the ones read (or it was refused): they are not
    // written either, so an update racing a terms change cannot undo it unrecorded.
    const { purpose, frequency, ...rest } = patch;
    const given = update.termsChange === undefined ? rest : patch;
    if (update.termsChange !== undefined) {
      queries.push(recordTermsChangeQuery(db, { siteId: site.id, categoryKey: key, locale, change: update.termsChange, purpose, frequency }, now));
    }
    if (Object.keys(given).length === 0) continue;
    queries.push(
      db
        .insertInto('category_translations')
        .values({ site_id: site.id, category_key: key, locale, ...complete.data })
        .onConflict((oc) => oc.columns(['site_id', 'category_key', 'locale']).doUpdateSet(given))
        .compile(),
    );
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  if (update.channels !== undefined) {
    queries.push(db.updateTable('categories').set({ channels: JSON.stringify(update.channels) }).where('site_id', '=', site.id).where('key', '=', key).compile());
  }
  if (update.position !== undefined) {
    const moves = await placeAt(db, site.id, key, update.position);
    queries.push(db.updateTable('categories').set({ position: moves.position }).where('site_id', '=', site.id).where('key', '=', key).compile(), ...moves.queries);
  }
  if (queries.length > 0) await atomic(queries);
  return { kind: 'done', value: (await categoriesOf(db, site.id, key))[0]! };
}

/** Archived: it leaves the signup and preference pages; its events and consents stay. Twice keeps the first date. */
export async function setCategoryArchived(deps: SiteDeps, siteId: string, key: string, archive: boolean): Promise<SiteOutcome<CategoryView>> {
  const { db, clock } = deps;
  const site = await findSite(db, siteId);
  if (!site) return NO_SITE;
  const row = await db.selectFrom('categories').select('archived_at').where('site_id', '=', site.id).where('key', '=', key).executeTakeFirst();
  if (!row) return NO_CATEGORY;
  if (archive !== (row.archived_at !== null)) {
    await db
      .updateTable('categories')
      .set({ archived_at: archive ? clock.now().toISOString() : null })
      .where('site_id', '=', site.id)
      .where('key', '=', key)
      .execute();
  }
  return { kind: 'done', value: (await categoriesOf(db, site.id, key))[0]! };
}
