// A site's kinds of email in the console: domain/site-admin.ts with the rules of site-fields.ts,
// as POST/PATCH /api/v1/sites/{site}/categories call them. A change of purpose or frequency is
// refused until the operator says whether it is minor or material, as the API refuses it.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { SiteRow } from '../../db/schema.ts';
import {
  categoriesOf,
  createCategory,
  setCategoryArchived,
  updateCategory,
  type CategoryView,
  type SiteOutcome,
} from '../../domain/site-admin.ts';
import { CATEGORY_TEXT_LIMITS, checkFields, CreateCategoryFields, UpdateCategoryFields, type FieldProblem } from '../../domain/site-fields.ts';
import { adminSiteMessages } from '../../i18n/admin-site.ts';
import { formatDateTime, LOCALES, type Locale } from '../../i18n/index.ts';
import {
  CategoriesPage,
  CategoryPage,
  TEXT_FIELDS,
  type CategoryFormErrors,
  type CategoryFormValues,
} from '../../../views/admin/categories-pages.tsx';
import { formText, formTexts, notFoundPage, page, readForm } from '../render.tsx';
import { copy, mayChange, redirect, siteFor, siteToChange, viewerRefused } from './shared.ts';

export const categoryPages = new Hono<AppEnv>();

/** The site's languages for the forms: the default first (its texts are required). */
function localesOf(site: SiteRow, lang: Locale) {
  const names = adminSiteMessages(lang).languageNames;
  return [...LOCALES]
    .sort((a, b) => Number(b === site.default_locale) - Number(a === site.default_locale))
    .map((locale) => ({ locale, name: names[locale] ?? locale, required: locale === site.default_locale }));
}

/** A category's name in the page's language, else the site's, else its key. */
function namer(site: SiteRow, lang: Locale) {
  return (category: CategoryView) => category.translations[lang]?.name ?? category.translations[site.default_locale as Locale]?.name ?? category.key;
}

function common(c: AppContext, site: SiteRow, values: CategoryFormValues, errors: CategoryFormErrors, notice: string | null) {
  const copied = copy(c);
  return { ...copied, s: adminSiteMessages(copied.lang), site, locales: localesOf(site, copied.lang), values, errors, notice };
}

async function listAnswer(
  c: AppContext,
  site: SiteRow,
  status: 200 | 400 | 409,
  shown: { values?: CategoryFormValues; errors?: CategoryFormErrors; notice?: string | null } = {},
  categories?: CategoryView[],
) {
  categories ??= await categoriesOf(c.var.deps.db, site.id);
  return page(
    c,
    status,
    <CategoriesPage
      {...common(c, site, shown.values ?? {}, shown.errors ?? {}, shown.notice ?? null)}
      categories={categories}
      nameOf={namer(site, copy(c).lang)}
      mayChange={mayChange(c.var.operator)}
    />,
  );
}

categoryPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  // One read of the list: the notice names a category from it.
  const categories = await categoriesOf(c.var.deps.db, site.id);
  return listAnswer(c, site, 200, { notice: noticeOf(c, site, categories) }, categories);
});

/** What the redirect after a change says happened (?done=added&key=...). */
function noticeOf(c: AppContext, site: SiteRow, categories: readonly CategoryView[]): string | null {
  const done = c.req.query('done');
  const key = c.req.query('key');
  if (done === 'created') return adminSiteMessages(copy(c).lang).settings.created;
  if (!done || !key) return null;
  const category = categories.find((one) => one.key === key);
  if (!category) return null;
  const name = namer(site, copy(c).lang)(category);
  const words = adminSiteMessages(copy(c).lang).categories;
  const notices: Record<string, string> = {
    added: words.added(name),
    archived: words.archivedNotice(name),
    unarchived: words.unarchivedNotice(name),
    moved: words.movedNotice(name),
    saved: words.saved,
  };
  return notices[done] ?? null;
}

const after = (c: AppContext, site: SiteRow, done: string, key: string, path = '') =>
  redirect(c, `/admin/sites/${site.id}/categories${path}?lang=${copy(c).lang}&done=${done}&key=${encodeURIComponent(key)}`);

/** The texts typed per language: a language left wholly empty is left out (not translated). */
function textsOf(form: Record<string, unknown> | null, values: CategoryFormValues, keepEmpty: (locale: Locale) => boolean) {
  const translations: Partial<Record<Locale, Record<string, string>>> = {};
  for (const locale of LOCALES) {
    const texts = Object.fromEntries(TEXT_FIELDS.map((field) => [field, formText(form?.[`${locale}.${field}`])]));
    for (const field of TEXT_FIELDS) values[`${locale}.${field}`] = texts[field]!;
    if (Object.values(texts).some((text) => text.trim() !== '') || keepEmpty(locale)) translations[locale] = texts;
  }
  return translations;
}

categoryPages.post('/', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const form = await readForm(c);
  const channels = formTexts(form?.channels);
  const values: CategoryFormValues = { key: formText(form?.key).trim(), kind: formText(form?.kind), channels: channels.join(' ') };
  const input = { key: values.key, kind: values.kind || 'opt_in', channels, translations: textsOf(form, values, () => false) };
  const checked = checkFields(CreateCategoryFields, input);
  const outcome: SiteOutcome<CategoryView> = checked.ok ? await createCategory(c.var.deps, site.id, checked.value) : { kind: 'invalid', problems: checked.problems };
  if (outcome.kind === 'done') return after(c, site, 'added', outcome.value.key);
  if (outcome.kind === 'not_found') return notFoundPage(c);
  return listAnswer(c, site, outcome.kind === 'conflict' ? 409 : 400, { values, errors: wordProblems(c, outcome.problems, outcome.kind === 'conflict') });
});

/** The rules' verdicts in the page's language, on the field they are about. */
function wordProblems(c: AppContext, problems: FieldProblem[], taken = false): CategoryFormErrors {
  const words = adminSiteMessages(copy(c).lang).categories;
  const errors: CategoryFormErrors = {};
  for (const { path } of problems) {
    const [first, locale, field] = path.split('.');
    if (first === 'key') errors.key = taken ? words.errors.keyTaken : words.errors.key;
    else if (first === 'channels') errors.channels = words.errors.channels;
    else if (first === 'termsChange') errors.termsChange = words.termsPick;
    else if (first === 'translations' && locale && field) {
      errors[`${locale}.${field}`] = words.errors.text(CATEGORY_TEXT_LIMITS[field as keyof typeof CATEGORY_TEXT_LIMITS] ?? CATEGORY_TEXT_LIMITS.name);
    } else if (first === 'translations' && locale) {
      errors[locale] = words.errors.defaultLanguage(adminSiteMessages(copy(c).lang).languageNames[locale] ?? locale);
    } else errors[first ?? ''] = words.problems;
  }
  return errors;
}

async function categoryFor(c: AppContext) {
  const site = await siteFor(c);
  const category = site ? (await categoriesOf(c.var.deps.db, site.id, c.req.param('key')))[0] : undefined;
  return site && category ? { site, category } : null;
}

categoryPages.post('/:key/move', async (c) => {
  const found = await categoryFor(c);
  if (!found) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  const position = Number(formText((await readForm(c))?.position));
  const checked = checkFields(UpdateCategoryFields, { position });
  if (!checked.ok) return listAnswer(c, found.site, 400);
  const outcome = await updateCategory(c.var.deps, found.site.id, found.category.key, checked.value);
  if (outcome.kind !== 'done') return notFoundPage(c);
  return after(c, found.site, 'moved', found.category.key);
});

for (const archive of [true, false]) {
  categoryPages.post(`/:key/${archive ? 'archive' : 'unarchive'}`, async (c) => {
    const found = await categoryFor(c);
    if (!found) return notFoundPage(c);
    if (!mayChange(c.var.operator)) return viewerRefused(c);
    await setCategoryArchived(c.var.deps, found.site.id, found.category.key, archive);
    return after(c, found.site, archive ? 'archived' : 'unarchived', found.category.key);
  });
}

function storedValues(category: CategoryView): CategoryFormValues {
  const values: CategoryFormValues = { channels: category.channels.join(' ') };
  for (const locale of LOCALES) for (const field of TEXT_FIELDS) values[`${locale}.${field}`] = category.translations[locale]?.[field] ?? '';
  return values;
}

async function editAnswer(c: AppContext, site: SiteRow, category: CategoryView, status: 200 | 400, shown: { values?: CategoryFormValues; errors?: CategoryFormErrors; askTerms?: boolean; notice?: string | null } = {}) {
  const lang = copy(c).lang;
  return page(
    c,
    status,
    <CategoryPage
      {...common(c, site, shown.values ?? storedValues(category), shown.errors ?? {}, shown.notice ?? null)}
      category={category}
      name={namer(site, lang)(category)}
      mayChange={mayChange(c.var.operator)}
      askTerms={shown.askTerms ?? false}
      materialSince={category.materialChangeAt ? formatDateTime(lang, site.time_zone, new Date(category.materialChangeAt)) : null}
    />,
  );
}

categoryPages.get('/:key', async (c) => {
  const found = await categoryFor(c);
  if (!found) return notFoundPage(c);
  const notice = c.req.query('done') === 'saved' ? adminSiteMessages(copy(c).lang).categories.saved : null;
  return editAnswer(c, found.site, found.category, 200, { notice });
});

categoryPages.post('/:key', async (c) => {
  const found = await categoryFor(c);
  if (!found) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  const { site, category } = found;
  const form = await readForm(c);
  const channels = formTexts(form?.channels);
  const values: CategoryFormValues = { termsChange: formText(form?.termsChange), channels: channels.join(' ') };
  // A language it has texts in is sent even when emptied: emptying a text is refused, not ignored.
  const translations = textsOf(form, values, (locale) => category.translations[locale] !== undefined);
  const input = { translations, channels, ...(values.termsChange ? { termsChange: values.termsChange } : {}) };
  const checked = checkFields(UpdateCategoryFields, input);
  const outcome: SiteOutcome<CategoryView> = checked.ok ? await updateCategory(c.var.deps, site.id, category.key, checked.value) : { kind: 'invalid', problems: checked.problems };
  if (outcome.kind === 'done') return after(c, site, 'saved', category.key, `/${encodeURIComponent(category.key)}`);
  if (outcome.kind === 'not_found') return notFoundPage(c);
  const askTerms = outcome.problems.some((p) => p.path === 'termsChange') || values.termsChange !== '';
  return editAnswer(c, site, category, 400, { values, errors: wordProblems(c, outcome.problems), askTerms });
});
