// Sites and their categories: create, read and update a site; add, rename, reorder, archive and
// unarchive its categories per locale. Category texts and the policy version feed the consent
// wording, so changing them yields a new consent text (and hash); earlier events keep theirs.
// Archiving never deletes: events and consents keep naming the category.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { Database, SiteRow } from '../../db/schema.ts';
import { lastMaterialChanges, recordTermsChangeQuery } from '../../db/category-terms.ts';
import { recordIdentityChangeQuery } from '../../db/site-identity.ts';
import { findSite } from '../../db/sites.ts';
import { LOCALES, type Locale } from '../../i18n/index.ts';
import { hasControlCharacters, isSenderAddress } from '../../mail/header-values.ts';
import { apiError, ERROR_RESPONSES, JSON_BODY_ERRORS, ErrorSchema, type ErrorDetail } from './errors.ts';
import { json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const siteRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const CONFLICT = { 409: { description: 'The id or key is taken', content: { 'application/json': { schema: ErrorSchema } } } };

const Slug = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9-]+$/, 'Use only a-z, 0-9 and "-".');

const LocaleSchema = z.enum(LOCALES);

// Site and category texts reach email subjects, From and footers: a line break in one would be
// header injection. Checked before trimming, so a trailing CR/LF is refused too, not hidden.
const Plain = () => z.string().refine((value) => !hasControlCharacters(value), 'Must not contain line breaks or other control characters.');

const Text = (max: number) => Plain().trim().min(1).max(max);

const SenderAddress = Text(320)
  .refine(isSenderAddress, 'Must be an address or "Name <address>", like MAIL_FROM.')
  .openapi({ example: 'Shop <news@shop.example>' });

// WHATWG URL parsing drops tabs and line breaks, so they are refused before it sees the value.
const HttpsUrl = Plain()
  .max(2000)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Must be an https:// URL.')
  .openapi({ example: 'https://example.com/privacy' });

const TimeZone = Plain()
  .min(1)
  .max(100)
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'Not an IANA time zone.')
  .openapi({ example: 'Asia/Tokyo' });

const Origin = Plain()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'Must be an origin such as https://shop.example (scheme and host, no path).');

const SiteFields = z.object({
  name: Text(200),
  legalName: Text(200),
  postalAddress: Text(500),
  inquiryContact: Text(300),
  senderAddress: SenderAddress.nullable().optional().openapi({ description: 'From address for this site; null: MAIL_FROM' }),
  privacyPolicyUrl: HttpsUrl,
  privacyPolicyVersion: Text(50),
  defaultLocale: LocaleSchema,
  timeZone: TimeZone,
  allowedOrigins: z.array(Origin).max(50).optional(),
});

const CreateSiteBody = SiteFields.extend({ id: Slug.openapi({ example: 'shop' }) }).openapi('CreateSite');
const UpdateSiteBody = SiteFields.partial().openapi('UpdateSite');

const TranslationSchema = z.object({ name: Text(200), description: Text(1000), purpose: Text(1000), frequency: Text(200) });
const Translations = z.object({ en: TranslationSchema.optional(), ja: TranslationSchema.optional() });
const TranslationPatches = z.object({ en: TranslationSchema.partial().optional(), ja: TranslationSchema.partial().optional() });

const CategoryKindSchema = z.enum(['opt_in', 'exempt']);
const Position = z.number().int().min(0).max(1_000_000);

const CategorySchema = z
  .object({
    key: z.string(),
    kind: CategoryKindSchema,
    position: z.number().int(),
    archived: z.boolean(),
    archivedAt: z.string().nullable(),
    translations: Translations,
    materialChangeAt: z.string().nullable().openapi({
      description: 'When its purpose or frequency last changed materially: consents granted before it need granting again',
    }),
  })
  .openapi('Category');

const SiteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    legalName: z.string(),
    postalAddress: z.string(),
    inquiryContact: z.string(),
    senderAddress: z.string().nullable(),
    privacyPolicyUrl: z.string(),
    privacyPolicyVersion: z.string(),
    defaultLocale: LocaleSchema,
    timeZone: z.string(),
    allowedOrigins: z.array(z.string()),
    createdAt: z.string(),
    categories: z.array(CategorySchema),
  })
  .openapi('Site');

const CategoryParam = SiteParam.extend({
  key: z.string().min(1).max(100).openapi({ param: { name: 'key', in: 'path' }, example: 'newsletter' }),
});

type Category = z.infer<typeof CategorySchema>;

async function categoriesOf(db: Kysely<Database>, siteId: string, key?: string): Promise<Category[]> {
  let query = db.selectFrom('categories').selectAll().where('site_id', '=', siteId);
  if (key !== undefined) query = query.where('key', '=', key);
  const rows = await query.orderBy('position').orderBy('key').execute();
  let texts = db.selectFrom('category_translations').selectAll().where('site_id', '=', siteId);
  if (key !== undefined) texts = texts.where('category_key', '=', key);
  const translations = await texts.execute();
  const materialChanges = await lastMaterialChanges(db, siteId);
  return rows.map((row) => {
    const own: Category['translations'] = {};
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
    };
  });
}

async function siteBody(db: Kysely<Database>, site: SiteRow): Promise<z.infer<typeof SiteSchema>> {
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
    createdAt: site.created_at,
    categories: await categoriesOf(db, site.id),
  };
}

function invalid(c: AppContext, details: ErrorDetail[]) {
  return apiError(c, 'invalid_request', 'The request json is not valid; see details.', details);
}

// --- Sites -----------------------------------------------------------------------------------

const createSite = createRoute({
  method: 'post',
  path: '/sites',
  summary: 'Create a site (all-sites key only)',
  request: { body: { content: { 'application/json': { schema: CreateSiteBody } }, required: true } },
  responses: { 201: json(z.object({ site: SiteSchema }), 'Created'), ...JSON_BODY_ERRORS, ...CONFLICT },
});

siteRoutes.openapi(createSite, async (c) => {
  const { db, clock } = c.var.deps;
  const body = c.req.valid('json');
  if (await findSite(db, body.id)) return apiError(c, 'conflict', 'A site with this id exists.', [{ path: 'id', message: 'Taken.' }]);
  const result = await db
    .insertInto('sites')
    .values({
      id: body.id,
      name: body.name,
      legal_name: body.legalName,
      postal_address: body.postalAddress,
      inquiry_contact: body.inquiryContact,
      sender_address: body.senderAddress ?? null,
      privacy_policy_url: body.privacyPolicyUrl,
      privacy_policy_version: body.privacyPolicyVersion,
      default_locale: body.defaultLocale,
      time_zone: body.timeZone,
      allowed_origins: JSON.stringify(body.allowedOrigins ?? []),
      created_at: clock.now().toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
    return apiError(c, 'conflict', 'A site with this id exists.', [{ path: 'id', message: 'Taken.' }]);
  }
  return c.json({ site: await siteBody(db, (await findSite(db, body.id))!) }, 201);
});

const getSite = createRoute({
  method: 'get',
  path: '/sites/{site}',
  summary: 'A site with its categories in every locale (archived ones marked)',
  request: { params: SiteParam },
  responses: { 200: json(z.object({ site: SiteSchema }), 'The site'), ...ERROR_RESPONSES },
});

siteRoutes.openapi(getSite, async (c) => {
  const site = await findSite(c.var.deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  return c.json({ site: await siteBody(c.var.deps.db, site) }, 200);
});

const updateSite = createRoute({
  method: 'patch',
  path: '/sites/{site}',
  summary:
    'Change some of a site’s fields (a new policy version or wording makes a new consent text; the sender identity replaced is kept for the proof)',
  request: { params: SiteParam, body: { content: { 'application/json': { schema: UpdateSiteBody } }, required: true } },
  responses: { 200: json(z.object({ site: SiteSchema }), 'The updated site'), ...JSON_BODY_ERRORS },
});

siteRoutes.openapi(updateSite, async (c) => {
  const { db, atomic, clock } = c.var.deps;
  const site = await findSite(db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const body = c.req.valid('json');
  if (body.defaultLocale !== undefined && body.defaultLocale !== site.default_locale) {
    // Every category in use needs a text in the default locale, the fallback for all others.
    const untranslated = (await categoriesOf(db, site.id)).filter((cat) => !cat.archived && !cat.translations[body.defaultLocale!]);
    if (untranslated.length > 0) {
      return invalid(c, [
        { path: 'defaultLocale', message: `Categories without a ${body.defaultLocale} text: ${untranslated.map((cat) => cat.key).join(', ')}.` },
      ]);
    }
  }
  const changes = {
    name: body.name,
    legal_name: body.legalName,
    postal_address: body.postalAddress,
    inquiry_contact: body.inquiryContact,
    sender_address: body.senderAddress,
    privacy_policy_url: body.privacyPolicyUrl,
    privacy_policy_version: body.privacyPolicyVersion,
    default_locale: body.defaultLocale,
    time_zone: body.timeZone,
    allowed_origins: body.allowedOrigins === undefined ? undefined : JSON.stringify(body.allowedOrigins),
  };
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length > 0) {
    // The identity it replaces is kept for the proof of events made under it.
    const identity = { legalName: body.legalName, postalAddress: body.postalAddress, inquiryContact: body.inquiryContact };
    await atomic([
      recordIdentityChangeQuery(db, site.id, identity, clock.now().toISOString()),
      db.updateTable('sites').set(set).where('id', '=', site.id).compile(),
    ]);
  }
  return c.json({ site: await siteBody(db, (await findSite(db, site.id))!) }, 200);
});

// --- Categories ------------------------------------------------------------------------------

const CreateCategoryBody = z
  .object({
    key: Slug.openapi({ example: 'offers' }),
    kind: CategoryKindSchema,
    translations: Translations.openapi({ description: 'At least the site’s default locale' }),
    position: Position.optional().openapi({ description: 'Index in the site’s order (0: first); default: last' }),
  })
  .openapi('CreateCategory');

const UpdateCategoryBody = z
  .object({
    translations: TranslationPatches.optional().openapi({
      description: 'Per locale, the fields to change; a locale not yet translated needs all four',
    }),
    position: Position.optional().openapi({ description: 'Move to this index in the site’s order (0: first); the others shift' }),
    termsChange: z.enum(['minor', 'material']).optional().openapi({
      description:
        'Required when the update changes `purpose` or `frequency` in any locale (a first text in a locale too). `material`: consents granted before it stop allowing mail (eligibility `terms_changed`) until the person grants again; `minor`: they stay',
    }),
  })
  .openapi('UpdateCategory');

const categoryAnswer = (description: string) => json(z.object({ category: CategorySchema }), description);

const createCategory = createRoute({
  method: 'post',
  path: '/sites/{site}/categories',
  summary: 'Add a category with its texts per locale',
  request: { params: SiteParam, body: { content: { 'application/json': { schema: CreateCategoryBody } }, required: true } },
  responses: { 201: categoryAnswer('Created'), ...JSON_BODY_ERRORS, ...CONFLICT },
});

siteRoutes.openapi(createCategory, async (c) => {
  const { db, clock, atomic } = c.var.deps;
  const site = await findSite(db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const body = c.req.valid('json');
  if (!body.translations[site.default_locale as Locale]) {
    return invalid(c, [{ path: `translations.${site.default_locale}`, message: `Required: the site’s default locale.` }]);
  }
  const exists = await db.selectFrom('categories').select('key').where('site_id', '=', site.id).where('key', '=', body.key).executeTakeFirst();
  if (exists) return apiError(c, 'conflict', 'A category with this key exists on this site.', [{ path: 'key', message: 'Taken.' }]);
  const moves = await placeAt(db, site.id, body.key, body.position);
  await atomic([
    db
      .insertInto('categories')
      .values({ site_id: site.id, key: body.key, kind: body.kind, position: moves.position, created_at: clock.now().toISOString() })
      .compile(),
    ...moves.queries,
    ...LOCALES.flatMap((locale) => {
      const text = body.translations[locale];
      return text ? [db.insertInto('category_translations').values({ site_id: site.id, category_key: body.key, locale, ...text }).compile()] : [];
    }),
  ]);
  return c.json({ category: (await categoriesOf(db, site.id, body.key))[0]! }, 201);
});

/**
 * Moves `key` to index `position` of the site's order (archived categories count too; past the
 * end, or undefined: last) and renumbers the others 0, 1, 2...: the queries for the others and
 * the position for `key` itself.
 */
async function placeAt(db: Kysely<Database>, siteId: string, key: string, position: number | undefined) {
  const others = (
    await db.selectFrom('categories').select('key').where('site_id', '=', siteId).orderBy('position').orderBy('key').execute()
  )
    .map((row) => row.key)
    .filter((other) => other !== key);
  const at = Math.min(position ?? others.length, others.length);
  others.splice(at, 0, key);
  const queries = others.flatMap((other, index) =>
    other === key ? [] : [db.updateTable('categories').set({ position: index }).where('site_id', '=', siteId).where('key', '=', other).compile()],
  );
  return { position: at, queries };
}

/** The site and the category's row, or the 404 answer. */
async function categoryByKey(c: AppContext, siteId: string, key: string) {
  const { db } = c.var.deps;
  const site = await findSite(db, siteId);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const row = await db.selectFrom('categories').selectAll().where('site_id', '=', site.id).where('key', '=', key).executeTakeFirst();
  if (!row) return apiError(c, 'not_found', 'No category with this key on this site.');
  return { site, row };
}

const updateCategory = createRoute({
  method: 'patch',
  path: '/sites/{site}/categories/{key}',
  summary: 'Rename or re-describe a category per locale, and/or move it (position)',
  request: { params: CategoryParam, body: { content: { 'application/json': { schema: UpdateCategoryBody } }, required: true } },
  responses: { 200: categoryAnswer('The updated category'), ...JSON_BODY_ERRORS },
});

siteRoutes.openapi(updateCategory, async (c) => {
  const { db, atomic, clock } = c.var.deps;
  const { site: siteId, key } = c.req.valid('param');
  const found = await categoryByKey(c, siteId, key);
  if (found instanceof Response) return found;
  const body = c.req.valid('json');
  const current = (await categoriesOf(db, found.site.id, key))[0]!;
  const now = clock.now().toISOString();
  const queries = [];
  const details: ErrorDetail[] = [];
  const termsChangedIn = LOCALES.filter((locale) => changesTerms(current.translations[locale], body.translations?.[locale]));
  if (termsChangedIn.length > 0 && body.termsChange === undefined) {
    details.push({
      path: 'termsChange',
      message: `Required: this changes the purpose or frequency (${termsChangedIn.join(', ')}). Say "minor", or "material" if consents given before must be given again.`,
    });
  }
  for (const locale of LOCALES) {
    const patch = body.translations?.[locale];
    if (!patch) continue;
    const merged = { ...current.translations[locale], ...patch };
    const complete = TranslationSchema.safeParse(merged);
    if (!complete.success) {
      for (const issue of complete.error.issues) {
        details.push({ path: ['translations', locale, ...issue.path.map(String)].join('.'), message: 'Required for a locale not yet translated.' });
      }
      continue;
    }
    // Only the fields given, so that a concurrent update of the others is not written back.
    // Without termsChange the terms given are the ones read (or it was a 400): they are not
    // written either, so an update racing a terms change cannot undo it unrecorded.
    const { purpose, frequency, ...rest } = patch;
    const given = body.termsChange === undefined ? rest : patch;
    if (body.termsChange !== undefined) {
      queries.push(recordTermsChangeQuery(db, { siteId: found.site.id, categoryKey: key, locale, change: body.termsChange, purpose, frequency }, now));
    }
    if (Object.keys(given).length === 0) continue;
    queries.push(
      db
        .insertInto('category_translations')
        .values({ site_id: found.site.id, category_key: key, locale, ...complete.data })
        .onConflict((oc) => oc.columns(['site_id', 'category_key', 'locale']).doUpdateSet(given))
        .compile(),
    );
  }
  if (details.length > 0) return invalid(c, details);
  if (body.position !== undefined) {
    const moves = await placeAt(db, found.site.id, key, body.position);
    queries.push(
      db.updateTable('categories').set({ position: moves.position }).where('site_id', '=', found.site.id).where('key', '=', key).compile(),
      ...moves.queries,
    );
  }
  if (queries.length > 0) await atomic(queries);
  return c.json({ category: (await categoriesOf(db, found.site.id, key))[0]! }, 200);
});

/** Whether a patch of one locale's texts changes its purpose or frequency (a first text in it does). */
function changesTerms(
  current: { purpose: string; frequency: string } | undefined,
  patch: { purpose?: string | undefined; frequency?: string | undefined } | undefined,
): boolean {
  if (!patch) return false;
  const differs = (field: 'purpose' | 'frequency') => patch[field] !== undefined && patch[field] !== current?.[field];
  return differs('purpose') || differs('frequency');
}

function archiveRoute(archive: boolean) {
  const route = createRoute({
    method: 'post',
    path: `/sites/{site}/categories/{key}/${archive ? 'archive' : 'unarchive'}`,
    summary: archive
      ? 'Archive a category: it leaves the signup and preference pages; its events and consents stay'
      : 'Offer an archived category again',
    request: { params: CategoryParam },
    responses: { 200: categoryAnswer(archive ? 'Archived (or already was)' : 'In use again'), ...ERROR_RESPONSES },
  });
  siteRoutes.openapi(route, async (c) => {
    const { db, clock } = c.var.deps;
    const { site: siteId, key } = c.req.valid('param');
    const found = await categoryByKey(c, siteId, key);
    if (found instanceof Response) return found;
    // Archiving twice keeps the first date.
    if (archive !== (found.row.archived_at !== null)) {
      await db
        .updateTable('categories')
        .set({ archived_at: archive ? clock.now().toISOString() : null })
        .where('site_id', '=', found.site.id)
        .where('key', '=', key)
        .execute();
    }
    return c.json({ category: (await categoriesOf(db, found.site.id, key))[0]! }, 200);
  });
}

archiveRoute(true);
archiveRoute(false);
