// Sites and their categories over the API: domain/site-admin.ts does the work (the console
// calls the same), with the field rules of domain/site-fields.ts, described here for OpenAPI.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import {
  createCategory,
  createSite,
  setCategoryArchived,
  siteView,
  updateCategory,
  updateSite,
  type SiteOutcome,
} from '../../domain/site-admin.ts';
import {
  AccentColor,
  CategoryKindField,
  ChannelField,
  CountryCode,
  CategoryTexts,
  CreateCategoryFields,
  CreateSiteFields,
  HttpsUrl,
  LocaleField,
  Position,
  SenderAddress,
  Slug,
  TermsChange,
  TimeZone,
  UpdateCategoryFields,
  UpdateSiteFields,
} from '../../domain/site-fields.ts';
import { apiError, ERROR_RESPONSES, JSON_BODY_ERRORS, ErrorSchema } from './errors.ts';
import { json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const siteRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const CONFLICT = { 409: { description: 'The id or key is taken', content: { 'application/json': { schema: ErrorSchema } } } };

const described = {
  privacyPolicyUrl: HttpsUrl.openapi({ example: 'https://example.com/privacy' }),
  timeZone: TimeZone.openapi({ example: 'Asia/Tokyo' }),
  senderAddress: SenderAddress.nullable().optional().openapi({ description: 'From address for this site; null: the site’s name at MAIL_FROM’s address', example: 'Shop <news@shop.example>' }),
  defaultCountry: CountryCode.nullable().optional().openapi({
    description: 'The country (ISO 3166 alpha-2) of phone numbers typed without +country code; null: such numbers are refused',
    example: 'JP',
  }),
  accentColor: AccentColor.nullable().optional().openapi({
    description: 'Buttons and links on its pages and emails, #rrggbb; refused unless white text on it has a contrast of at least 4.5:1 (WCAG AA); null: ours',
    example: '#1d4ed8',
  }),
};

const CreateSiteBody = CreateSiteFields.extend({ ...described, id: Slug.openapi({ example: 'shop' }) }).openapi('CreateSite');
const UpdateSiteBody = UpdateSiteFields.extend({ ...described, privacyPolicyUrl: described.privacyPolicyUrl.optional(), timeZone: described.timeZone.optional() }).openapi('UpdateSite');

const CategorySchema = z
  .object({
    key: z.string(),
    kind: CategoryKindField,
    position: z.number().int(),
    archived: z.boolean(),
    archivedAt: z.string().nullable(),
    translations: CategoryTexts,
    materialChangeAt: z.string().nullable().openapi({
      description: 'When its purpose or frequency last changed materially: consents granted before it need granting again',
    }),
    channels: z.array(ChannelField).openapi({ description: 'What it is offered on: email, sms or both' }),
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
    defaultLocale: LocaleField,
    timeZone: z.string(),
    allowedOrigins: z.array(z.string()),
    accentColor: z.string().nullable(),
    defaultCountry: z.string().nullable(),
    smsRatesNotice: z.boolean(),
    logoPath: z.string().nullable().openapi({ description: 'The logo (set in the console), under BASE_URL; null: none' }),
    createdAt: z.string(),
    categories: z.array(CategorySchema),
  })
  .openapi('Site');

const CategoryParam = SiteParam.extend({
  key: z.string().min(1).max(100).openapi({ param: { name: 'key', in: 'path' }, example: 'newsletter' }),
});

/** A use-case's outcome as the API answers it. */
function answer<T, S extends 200 | 201>(c: AppContext, outcome: SiteOutcome<T>, wrap: (value: T) => object, status: S) {
  switch (outcome.kind) {
    case 'not_found':
      return apiError(c, 'not_found', outcome.message);
    case 'conflict':
      return apiError(c, 'conflict', outcome.message, outcome.problems);
    case 'invalid':
      return apiError(c, 'invalid_request', 'The request json is not valid; see details.', outcome.problems);
    case 'done':
      return c.json(wrap(outcome.value), status);
  }
}

// --- Sites -----------------------------------------------------------------------------------

const createSiteRoute = createRoute({
  method: 'post',
  path: '/sites',
  summary: 'Create a site (all-sites key only)',
  request: { body: { content: { 'application/json': { schema: CreateSiteBody } }, required: true } },
  responses: { 201: json(z.object({ site: SiteSchema }), 'Created'), ...JSON_BODY_ERRORS, ...CONFLICT },
});

siteRoutes.openapi(createSiteRoute, async (c) => answer(c, await createSite(c.var.deps, c.req.valid('json')), (site) => ({ site }), 201));

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
  return c.json({ site: await siteView(c.var.deps.db, site) }, 200);
});

const updateSiteRoute = createRoute({
  method: 'patch',
  path: '/sites/{site}',
  summary:
    'Change some of a site’s fields (a new policy version or wording makes a new consent text; the sender identity replaced is kept for the proof)',
  request: { params: SiteParam, body: { content: { 'application/json': { schema: UpdateSiteBody } }, required: true } },
  responses: { 200: json(z.object({ site: SiteSchema }), 'The updated site'), ...JSON_BODY_ERRORS },
});

siteRoutes.openapi(updateSiteRoute, async (c) =>
  answer(c, await updateSite(c.var.deps, c.req.valid('param').site, c.req.valid('json')), (site) => ({ site }), 200),
);

// --- Categories ------------------------------------------------------------------------------

const CreateCategoryBody = CreateCategoryFields.extend({
  key: Slug.openapi({ example: 'offers' }),
  translations: CategoryTexts.openapi({ description: 'At least the site’s default locale' }),
  position: Position.optional().openapi({ description: 'Index in the site’s order (0: first); default: last' }),
}).openapi('CreateCategory');

const UpdateCategoryBody = UpdateCategoryFields.extend({
  translations: UpdateCategoryFields.shape.translations.openapi({ description: 'Per locale, the fields to change; a locale not yet translated needs all four' }),
  position: Position.optional().openapi({ description: 'Move to this index in the site’s order (0: first); the others shift' }),
  termsChange: TermsChange.optional().openapi({
    description:
      'Required when the update changes `purpose` or `frequency` in any locale (a first text in a locale too). `material`: consents granted before it stop allowing mail (eligibility `terms_changed`) until the person grants again; `minor`: they stay',
  }),
}).openapi('UpdateCategory');

const categoryAnswer = (description: string) => json(z.object({ category: CategorySchema }), description);

const createCategoryRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/categories',
  summary: 'Add a category with its texts per locale',
  request: { params: SiteParam, body: { content: { 'application/json': { schema: CreateCategoryBody } }, required: true } },
  responses: { 201: categoryAnswer('Created'), ...JSON_BODY_ERRORS, ...CONFLICT },
});

siteRoutes.openapi(createCategoryRoute, async (c) =>
  answer(c, await createCategory(c.var.deps, c.req.valid('param').site, c.req.valid('json')), (category) => ({ category }), 201),
);

const updateCategoryRoute = createRoute({
  method: 'patch',
  path: '/sites/{site}/categories/{key}',
  summary: 'Rename or re-describe a category per locale, and/or move it (position)',
  request: { params: CategoryParam, body: { content: { 'application/json': { schema: UpdateCategoryBody } }, required: true } },
  responses: { 200: categoryAnswer('The updated category'), ...JSON_BODY_ERRORS },
});

siteRoutes.openapi(updateCategoryRoute, async (c) => {
  const { site, key } = c.req.valid('param');
  return answer(c, await updateCategory(c.var.deps, site, key, c.req.valid('json')), (category) => ({ category }), 200);
});

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
    const { site, key } = c.req.valid('param');
    return answer(c, await setCategoryArchived(c.var.deps, site, key, archive), (category) => ({ category }), 200);
  });
}

archiveRoute(true);
archiveRoute(false);
