// The signup form, through every door: the hosted page, the iframe embed, a plain HTML form on
// the site's own page, and the script embed (JSON). GET /s/{site} shows the hosted form; POST
// /s/{site} takes all four with the same checks, and answers each the way it was asked.
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import type { SiteRow } from '../db/schema.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { verifyHuman } from '../domain/human-check.ts';
import { validateSignup, type SignupFields } from '../domain/signup-form.ts';
import { hostPage, isAllowedOrigin } from '../domain/site-origins.ts';
import { subscribe } from '../domain/subscribe.ts';
import { codePageToken, subscribeSms } from '../domain/subscribe-sms.ts';
import { normalisePhone } from '../sms/phone.ts';
import { isLocale } from '../i18n/index.ts';
import { formScreen } from './form-screens.tsx';
import { loadForm, ourOrigins, readSubmission, type Door } from './signup-submission.ts';
import { answerCheckInbox, answerInvalid, answerSmsCode, answerUnavailable, renderForm } from './signup-answers.tsx';
import { badRequestPage, basePath, evidenceOf, notFoundPage, requestLocale } from './render.tsx';

const redirect = (c: AppContext, path: string) => c.redirect(`${basePath(c)}${path}`, 303);

export const signupRoutes = new Hono<AppEnv>();

signupRoutes.get('/:site', async (c) => {
  const site = await cachedSite(c.var.deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale), 'hosted');
  return renderForm(c, 200, form, { email: '', name: '', categories: [] }, {});
});

signupRoutes.post('/:site', async (c) => {
  const { deps } = c.var;
  const site = await cachedSite(deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const submission = await readSubmission(c);
  if (!submission) return c.req.header('Content-Type')?.startsWith('application/json') ? c.json({ status: 'invalid', message: 'The request could not be read.' }, 400) : badRequestPage(c);
  const door = doorOf(c, site, submission.door);
  const form = await loadForm(c, site, isLocale(submission.lang) ? submission.lang : requestLocale(c, site.default_locale), door);
  const fields: SignupFields = submission.fields;
  const page = door === 'hosted' ? null : hostPage(site, { referer: c.req.header('Referer') ?? null, reported: submission.page, origin: c.req.header('Origin') ?? null, fromOurPages: door === 'iframe' });

  // Turnstile (when on) before anything else; every signup entry point must make this call.
  const human = await verifyHuman(deps, submission.turnstile, c.var.ip);
  if (human === 'unavailable') return answerUnavailable(c, door, form);
  if (human !== 'human') return answerInvalid(c, door, form, page, fields, {}, human === 'missing' ? form.t.signup.humanMissing : form.t.signup.humanFailed);
  // The honeypot field is invisible to people: whoever filled it in gets the usual answer, and
  // nothing is recorded or sent.
  if (submission.honeypot !== '') return answerCheckInbox(c, door, form, submission.returnTo);

  const errors = validateSignup(fields, form.categories, site.default_country);
  if (Object.keys(errors).length > 0) return answerInvalid(c, door, form, page, fields, errors);

  // The form carries the hash of the wording it showed; if that is not what we would show now,
  // we cannot prove what this person read, so they must read it again.
  if (submission.consent !== form.wording.sha256) {
    return answerInvalid(c, door, form, page, fields, {}, form.t.signup.errors.wordingChanged, submission.consent ? 409 : 400);
  }
  // Likewise the form itself: its events name the exact form it was, which must be the one we
  // would show now (so we hold its HTML). A form that names none (a plain-form snippet pasted
  // before forms carried one, a page loaded before) still signs up, its events naming no form.
  const screen = submission.form ? await formScreen(c, form, submission.returnTo) : null;
  if (screen && submission.form !== screen.sha256) {
    return answerInvalid(c, door, form, page, fields, {}, form.t.signup.errors.wordingChanged, 409);
  }

  const byEmail = [...new Set(fields.categories)];
  const bySms = [...new Set(fields.smsCategories ?? [])];
  // No SMS sender here (a public BASE_URL without Twilio): refuse before anything is recorded.
  if (bySms.length > 0 && !deps.config.smsEnabled) return answerInvalid(c, door, form, page, fields, {}, form.t.signup.smsUnavailable, 400);
  const common = {
    site,
    locale: form.locale,
    name: fields.name,
    wording: form.wording,
    form: screen,
    method: door === 'hosted' ? ('signup_form' as const) : ('embedded_form' as const),
    sourceUrl: page ?? `${deps.config.baseUrl}/s/${site.id}?lang=${form.locale}`,
    ...evidenceOf(c),
  };
  const emailContactId = byEmail.length > 0 ? await subscribe(deps, { ...common, email: fields.email, categories: byEmail }) : null;
  if (bySms.length > 0) {
    const phone = normalisePhone(fields.phone ?? '', site.default_country);
    if (!phone.ok) return answerInvalid(c, door, form, page, fields, { phone: 'phoneInvalid' });
    const contactId = await subscribeSms(deps, { ...common, e164: phone.e164, categories: bySms, emailContactId });
    // The page that takes the code, the same for every number's state.
    const token = await codePageToken(deps, site, contactId);
    const codePage = `/s/${site.id}/sms/${token}?lang=${form.locale}${byEmail.length > 0 ? '&email=1' : ''}`;
    // The script embed cannot follow a redirect on the host page: it links to the code page.
    if (door === 'script') return answerSmsCode(c, form, `${deps.config.baseUrl}${codePage}`, byEmail.length > 0);
    return redirect(c, codePage);
  }
  // The same answer whatever happened: new, pending, confirmed, withdrawn or rate-limited
  // (and for a filled-in honeypot, above).
  return answerCheckInbox(c, door, form, submission.returnTo);
});

/**
 * Which door a submission came through. JSON is the script embed; the iframe's own form says so
 * (and comes from our pages: the CSRF check let it through); a form posted from one of the
 * site's origins is a plain HTML form on the site's page; anything else is the hosted page.
 */
function doorOf(c: AppContext, site: SiteRow, said: 'json' | 'iframe' | null): Door {
  if (said === 'json') return 'script';
  const origin = c.req.header('Origin') ?? null;
  const ours = origin !== null && ourOrigins(c).includes(origin);
  if (said === 'iframe' && (ours || c.req.header('Sec-Fetch-Site') === 'same-origin')) return 'iframe';
  if (!ours && isAllowedOrigin(site, origin)) return 'html';
  return 'hosted';
}
