// The hosted signup page: GET shows the form, POST validates and records the request.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import type { SiteRow } from '../db/schema.ts';
import { activeCategories, findSite, listCategories } from '../db/sites.ts';
import { buildConsentWording, type ConsentWording } from '../domain/consent-wording.ts';
import { verifyHuman } from '../domain/human-check.ts';
import { validateSignup, type SignupErrors, type SignupFields } from '../domain/signup-form.ts';
import { subscribe } from '../domain/subscribe.ts';
import { formatDuration, isLocale, messages, type Locale } from '../i18n/index.ts';
import { SignupPage } from '../../views/pages/signup.tsx';
import { MessagePage } from '../../views/pages/message.tsx';
import { badRequestPage, evidenceOf, formText, formTexts, languageLinks, notFoundPage, page, readForm, requestLocale } from './render.tsx';

export const signupRoutes = new Hono<AppEnv>();

signupRoutes.get('/:site', async (c) => {
  const site = await findSite(c.var.deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale));
  return renderForm(c, 200, form, { email: '', name: '', categories: [] }, {});
});

signupRoutes.post('/:site', async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const body = await readForm(c);
  if (!body) return badRequestPage(c);
  const lang = formText(body.lang);
  const form = await loadForm(c, site, isLocale(lang) ? lang : requestLocale(c, site.default_locale));
  const fields: SignupFields = {
    email: formText(body.email),
    name: formText(body.name),
    categories: formTexts(body.categories),
  };
  // Turnstile (when on) before anything else; every signup entry point must make this call.
  const human = await verifyHuman(deps, formText(body['cf-turnstile-response']), c.var.ip);
  if (human === 'unavailable') {
    const t = form.t;
    return page(c, 503, <MessagePage lang={form.locale} title={t.errors.checkUnavailableTitle} paragraphs={[t.errors.checkUnavailableBody]} tone="error" />);
  }
  if (human !== 'human') {
    return renderForm(c, 400, form, fields, {}, human === 'missing' ? form.t.signup.humanMissing : form.t.signup.humanFailed);
  }
  // The honeypot field is invisible to people: whoever filled it in gets the usual answer, and
  // nothing is recorded or sent.
  if (formText(body.website) !== '') return checkInboxPage(c, form);

  const errors = validateSignup(fields, form.categories);
  if (Object.keys(errors).length > 0) return renderForm(c, 400, form, fields, errors);

  // The form carries the hash of the wording it showed; if that is not what we would show now,
  // we cannot prove what this person read, so they must read it again.
  const shown = formText(body.consent);
  if (shown !== form.wording.sha256) {
    return renderForm(c, shown ? 409 : 400, form, fields, {}, form.t.signup.errors.wordingChanged);
  }

  await subscribe(deps, {
    site,
    locale: form.locale,
    email: fields.email,
    name: fields.name,
    categories: [...new Set(fields.categories)],
    wording: form.wording,
    method: 'signup_form',
    sourceUrl: `${deps.config.baseUrl}/s/${site.id}?lang=${form.locale}`,
    ...evidenceOf(c),
  });
  // The same answer whatever happened: new, pending, confirmed, withdrawn or rate-limited
  // (and for a filled-in honeypot, above).
  return checkInboxPage(c, form);
});

function checkInboxPage(c: AppContext, form: LoadedForm) {
  const t = form.t;
  return page(
    c,
    200,
    <MessagePage
      lang={form.locale}
      title={t.checkInbox.title}
      paragraphs={[t.checkInbox.body, t.checkInbox.expiry(formatDuration(t, c.var.deps.config.confirmTtlSeconds)), t.checkInbox.already]}
    />,
  );
}

interface LoadedForm {
  site: SiteRow;
  locale: Locale;
  t: ReturnType<typeof messages>;
  categories: Awaited<ReturnType<typeof listCategories>>;
  wording: ConsentWording;
}

async function loadForm(c: AppContext, site: SiteRow, locale: Locale): Promise<LoadedForm> {
  const t = messages(locale);
  // Archived categories are neither shown nor accepted (validation sees only these).
  const categories = activeCategories(await listCategories(c.var.deps.db, site, locale));
  const wording = await buildConsentWording(site, categories, t, locale);
  return { site, locale, t, categories, wording };
}

function renderForm(
  c: AppContext,
  status: 200 | 400 | 409,
  form: LoadedForm,
  values: SignupFields,
  errors: SignupErrors,
  notice?: string,
) {
  const path = `/s/${form.site.id}`;
  return page(
    c,
    status,
    <SignupPage
      t={form.t}
      lang={form.locale}
      action={path}
      languages={languageLinks(path, form.locale)}
      site={{
        name: form.site.name,
        legalName: form.site.legal_name,
        privacyPolicyUrl: form.site.privacy_policy_url,
        privacyPolicyVersion: form.site.privacy_policy_version,
      }}
      optIn={form.categories.filter((cat) => cat.kind === 'opt_in')}
      exempt={form.categories.filter((cat) => cat.kind === 'exempt')}
      consentSha256={form.wording.sha256}
      values={values}
      errors={errors}
      notice={notice}
      turnstileSiteKey={c.var.deps.config.turnstile?.siteKey ?? null}
    />,
  );
}
