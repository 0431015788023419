// A site's settings in the console: the same field rules (domain/site-fields.ts) and the same
// update (domain/site-admin.ts) as PATCH /api/v1/sites/{site}; the logo through site-branding.ts.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../app-env.ts';
import type { SiteRow } from '../../db/schema.ts';
import { categoriesOf, siteView, updateSite, type SiteView } from '../../domain/site-admin.ts';
import { contrastRatio, DEFAULT_ACCENT, isAccentColor, meetsContrast, removeLogo, setLogo, type LogoProblem } from '../../domain/site-branding.ts';
import { checkFields, SITE_TEXT_LIMITS, UpdateSiteFields, type FieldProblem } from '../../domain/site-fields.ts';
import { adminSiteMessages } from '../../i18n/admin-site.ts';
import type { Locale } from '../../i18n/index.ts';
import { SETTINGS_FIELDS, SettingsPage, type SettingsField, type SettingsValues } from '../../../views/admin/settings-page.tsx';
import { formText, notFoundPage, page, readForm } from '../render.tsx';
import { copy, mayChange, redirect, siteFor, siteToChange } from './shared.ts';

export const settingsPages = new Hono<AppEnv>();

type Errors = Partial<Record<SettingsField | 'logo', string>>;

function valuesOf(view: SiteView): SettingsValues {
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
  };
}

async function settingsAnswer(c: AppContext, site: SiteRow, status: 200 | 400, shown: { values?: SettingsValues; errors?: Errors; notice?: string | null } = {}) {
  const copied = copy(c);
  const view = await siteView(c.var.deps.db, site);
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
  const form = await readForm(c);
  const values = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, formText(form?.[name])])) as SettingsValues;
  // Origins one per line: the lines kept remember where they were, for the error's line number.
  const originLines = values.allowedOrigins.split(/\r?\n/).map((line, index) => ({ origin: line.trim(), line: index + 1 })).filter((entry) => entry.origin !== '');
  const input = {
    ...values,
    senderAddress: values.senderAddress.trim() === '' ? null : values.senderAddress,
    accentColor: values.accentColor.trim() === '' ? null : values.accentColor.trim(),
    allowedOrigins: originLines.map((entry) => entry.origin),
  };
  const checked = checkFields(UpdateSiteFields, input);
  const problems = checked.ok ? null : checked.problems;
  const outcome = checked.ok ? await updateSite(c.var.deps, site.id, checked.value) : null;
  if (outcome?.kind === 'done') return redirect(c, `/admin/sites/${site.id}/settings?lang=${copy(c).lang}&done=saved`);
  if (outcome?.kind === 'not_found') return notFoundPage(c);
  const found = problems ?? (outcome?.kind === 'invalid' || outcome?.kind === 'conflict' ? outcome.problems : []);
  const errors = await wordProblems(c, site, found, input.accentColor, originLines, values.defaultLocale);
  return settingsAnswer(c, site, 400, { values, errors });
});

/** The rules' verdicts in the page's language, one per field. */
async function wordProblems(c: AppContext, site: SiteRow, problems: FieldProblem[], accent: string | null, originLines: { line: number }[], locale: string): Promise<Errors> {
  const e = adminSiteMessages(copy(c).lang).settings.errors;
  const errors: Errors = {};
  for (const problem of problems) {
    const [field, index] = problem.path.split('.') as [SettingsField, string | undefined];
    if (errors[field]) continue;
    switch (field) {
      case 'allowedOrigins':
        errors.allowedOrigins = index === undefined ? e.tooManyOrigins : e.allowedOrigins(originLines[Number(index)]?.line ?? 1);
        break;
      case 'accentColor':
        errors.accentColor = accent && isAccentColor(accent) && !meetsContrast(accent) ? e.accentContrast(contrastRatio(accent, '#ffffff').toFixed(2)) : e.accentFormat;
        break;
      case 'defaultLocale': {
        // Which categories lack a text in it, for the operator to fix first.
        const untranslated = (await categoriesOf(c.var.deps.db, site.id)).filter((cat) => !cat.archived && !cat.translations[locale as Locale]);
        errors.defaultLocale = e.untranslated(adminSiteMessages(copy(c).lang).languageNames[locale] ?? locale, untranslated.map((cat) => cat.key).join(', '));
        break;
      }
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
