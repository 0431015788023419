// A site's settings in the console: the same field rules (domain/site-fields.ts) and the same
// update (domain/site-admin.ts) as PATCH /api/v1/sites/{site}; the logo through site-branding.ts.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { SiteRow } from '../../db/schema.ts';
import { categoriesOf, createSite, siteFields, updateSite, type SiteOutcome, type SiteView } from '../../domain/site-admin.ts';
import { contrastRatio, DEFAULT_ACCENT, isAccentColor, meetsContrast, removeLogo, setLogo, type LogoProblem } from '../../domain/site-branding.ts';
import { checkFields, CreateSiteFields, SITE_TEXT_LIMITS, UpdateSiteFields, type FieldProblem } from '../../domain/site-fields.ts';
import { adminSiteMessages } from '../../i18n/admin-site.ts';
import type { Locale } from '../../i18n/index.ts';
import { SETTINGS_FIELDS, SettingsPage, type SettingsField, type SettingsValues } from '../../../views/admin/settings-page.tsx';
import { errorPage, formText, notFoundPage, page, readForm } from '../render.tsx';
import { copy, mayChange, redirect, siteFor, siteToChange } from './shared.ts';

export const settingsPages = new Hono<AppEnv>();

type Errors = Partial<Record<SettingsField | 'logo' | 'id', string>>;

function valuesOf(view: ReturnType<typeof siteFields>): SettingsValues {
  return {
    name: view.name,
    legalName: view.legalName,
    postalAddress: view.postalAddress,
    inquiryContact: view.inquiryContact,
    senderAddress: view.senderAddress ?? '',
    privacyPolicyUrl: view.privacyPolicyUrl,
    privacyPolicyVersion: view.privacyPolicyVersion,
    defaultLocale: view.defaultLocale,
    timeZone: view.timeZone,
    allowedOrigins: view.allowedOrigins.join('\n'),
    accentColor: view.accentColor ?? '',
    defaultCountry: view.defaultCountry ?? '',
    smsRatesNotice: view.smsRatesNotice ? '1' : '',
  };
}

async function settingsAnswer(c: AppContext, site: SiteRow, status: 200 | 400, shown: { values?: SettingsValues; errors?: Errors; notice?: string | null } = {}) {
  const copied = copy(c);
  const view = siteFields(site);
  const values = shown.values ?? valuesOf(view);
  const typed = values.accentColor.trim();
  const previewAccent = isAccentColor(typed) ? typed : (view.accentColor ?? DEFAULT_ACCENT);
  return page(
    c,
    status,
    <SettingsPage
      {...copied}
      s={adminSiteMessages(copied.lang)}
      site={site}
      values={values}
      errors={shown.errors ?? {}}
      mayChange={mayChange(c.var.operator)}
      notice={shown.notice ?? null}
      languageNames={adminSiteMessages(copied.lang).languageNames}
      logoPath={view.logoPath}
      previewAccent={previewAccent}
    />,
  );
}

settingsPages.get('/', async (c) => {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  const s = adminSiteMessages(copy(c).lang).settings;
  const done = c.req.query('done');
  const notice = done === 'saved' ? s.saved : done === 'logo' ? s.logoSaved : done === 'no-logo' ? s.logoRemoved : null;
  return settingsAnswer(c, site, 200, { notice });
});

settingsPages.post('/', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const typed = await typedSettings(c);
  const checked = checkFields(UpdateSiteFields, typed.input);
  const outcome: SiteOutcome<SiteView> = checked.ok ? await updateSite(c.var.deps, site.id, checked.value) : { kind: 'invalid', problems: checked.problems };
  if (outcome.kind === 'done') return redirect(c, `/admin/sites/${site.id}/settings?lang=${copy(c).lang}&done=saved`);
  if (outcome.kind === 'not_found') return notFoundPage(c);
  const errors = await wordProblems(c, site.id, outcome.problems, typed);
  return settingsAnswer(c, site, 400, { values: typed.values, errors });
});

/** The settings form as typed, and as the site fields' rules read it. */
async function typedSettings(c: AppContext) {
  const form = await readForm(c);
  const values = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, formText(form?.[name])])) as SettingsValues;
  // Origins one per line: the lines kept remember where they were, for the error's line number.
  const originLines = values.allowedOrigins.split(/\r?\n/).map((line, index) => ({ origin: line.trim(), line: index + 1 })).filter((entry) => entry.origin !== '');
  const input = {
    ...values,
    senderAddress: values.senderAddress.trim() === '' ? null : values.senderAddress,
    accentColor: values.accentColor.trim() === '' ? null : values.accentColor.trim(),
    defaultCountry: values.defaultCountry.trim() === '' ? null : values.defaultCountry.trim(),
    smsRatesNotice: values.smsRatesNotice === '1',
    allowedOrigins: originLines.map((entry) => entry.origin),
  };
  return { values, input, originLines, id: formText(form?.id).trim() };
}

/** The rules' verdicts in the page's language, one per field. */
async function wordProblems(c: AppContext, siteId: string, problems: readonly FieldProblem[], typed: Awaited<ReturnType<typeof typedSettings>>): Promise<Errors> {
  const accent = typed.input.accentColor;
  const locale = typed.values.defaultLocale;
  const s = adminSiteMessages(copy(c).lang).settings;
  const e = s.errors;
  const errors: Errors = {};
  for (const problem of problems) {
    const [field, index] = problem.path.split('.') as [SettingsField | 'id', string | undefined];
    if (errors[field]) continue;
    switch (field) {
      case 'allowedOrigins':
        errors.allowedOrigins = index === undefined ? e.tooManyOrigins : e.allowedOrigins(typed.originLines[Number(index)]?.line ?? 1);
        break;
      case 'accentColor':
        errors.accentColor = accent && isAccentColor(accent) && !meetsContrast(accent) ? e.accentContrast(contrastRatio(accent, '#ffffff').toFixed(2)) : e.accentFormat;
        break;
      case 'defaultLocale': {
        // Which categories lack a text in it, for the operator to fix first.
        const untranslated = (await categoriesOf(c.var.deps.db, siteId)).filter((cat) => !cat.archived && !cat.translations[locale as Locale]);
        errors.defaultLocale = e.untranslated(adminSiteMessages(copy(c).lang).languageNames[locale] ?? locale, untranslated.map((cat) => cat.key).join(', '));
        break;
      }
      case 'id':
        errors.id = problem.message === 'Taken.' ? s.idTaken : s.idError;
        break;
      case 'defaultCountry':
      case 'senderAddress':
      case 'privacyPolicyUrl':
      case 'timeZone':
        errors[field] = e[field];
        break;
      default:
        errors[field] = e.text(SITE_TEXT_LIMITS[field as keyof typeof SITE_TEXT_LIMITS] ?? SITE_TEXT_LIMITS.name);
    }
  }
  return errors;
}

settingsPages.post('/logo', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  const form = await readForm(c);
  const file = [form?.logo].flat()[0];
  const s = adminSiteMessages(copy(c).lang).settings;
  let problem: LogoProblem | 'missing' = 'missing';
  if (typeof file === 'object' && file !== null && (file.size > 0 || file.name !== '')) {
    const stored = await setLogo(c.var.deps, site.id, new Uint8Array(await file.arrayBuffer()));
    if (stored.ok) return redirect(c, `/admin/sites/${site.id}/settings?lang=${copy(c).lang}&done=logo#logo`);
    problem = stored.problem;
  }
  return settingsAnswer(c, site, 400, { errors: { logo: s.logoErrors[problem] } });
});

settingsPages.post('/logo/delete', async (c) => {
  const site = await siteToChange(c);
  if (site instanceof Response) return site;
  await removeLogo(c.var.deps, site.id);
  return redirect(c, `/admin/sites/${site.id}/settings?lang=${copy(c).lang}&done=no-logo#logo`);
});

// --- A new site, for owners: the same form, its id first, and createSite as POST /api/v1/sites.

export const newSitePages = new Hono<AppEnv>();

newSitePages.use('*', async (c, next) => {
  const words = adminSiteMessages(copy(c).lang).settings;
  if (c.var.operator.role !== 'owner') return errorPage(c, 403, () => [words.ownersOnly, words.ownersOnly]);
  return next();
});

function newSiteAnswer(c: AppContext, status: 200 | 400 | 409, values: SettingsValues, id: string, errors: Errors = {}) {
  const copied = copy(c);
  const s = adminSiteMessages(copied.lang);
  const typed = values.accentColor.trim();
  return page(
    c,
    status,
    <SettingsPage
      {...copied}
      s={s}
      site={{ id, name: copied.t.site.back }}
      values={values}
      errors={errors}
      mayChange
      notice={null}
      languageNames={s.languageNames}
      logoPath={null}
      previewAccent={isAccentColor(typed) ? typed : DEFAULT_ACCENT}
      creating={{ id, error: errors.id }}
    />,
  );
}

newSitePages.get('/', (c) => {
  const blank = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, ''])) as SettingsValues;
  return newSiteAnswer(c, 200, { ...blank, defaultLocale: copy(c).lang }, '');
});

newSitePages.post('/', async (c) => {
  const typed = await typedSettings(c);
  const checked = checkFields(CreateSiteFields, { ...typed.input, id: typed.id });
  const outcome: SiteOutcome<SiteView> = checked.ok ? await createSite(c.var.deps, checked.value) : { kind: 'invalid', problems: checked.problems };
  if (outcome.kind === 'done') return redirect(c, `/admin/sites/${outcome.value.id}/categories?lang=${copy(c).lang}&done=created`);
  if (outcome.kind === 'not_found') return notFoundPage(c);
  const errors = await wordProblems(c, typed.id, outcome.problems, typed);
  return newSiteAnswer(c, outcome.kind === 'conflict' ? 409 : 400, typed.values, typed.id, errors);
});
