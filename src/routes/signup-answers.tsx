// How a signup is answered, by door: the hosted pages; the same pages in the compact layout for
// the iframe (framable by the site's origins only); a plain HTML form gets the hosted pages, or
// a 303 back to an allowed return_to; the script embed gets JSON it renders in place.
import type { AppContext } from '../app-env.ts';
import type { SignupErrors, SignupFields } from '../domain/signup-form.ts';
import { allowedOrigins, allowedUrl } from '../domain/site-origins.ts';
import { formatDuration } from '../i18n/index.ts';
import { MessagePage } from '../../views/pages/message.tsx';
import { SignupPage } from '../../views/pages/signup.tsx';
import { formScreen, signupPageProps } from './form-screens.tsx';
import { page } from './render.tsx';
import type { Door, LoadedForm } from './signup-submission.ts';

export async function renderForm(
  c: AppContext,
  status: 200 | 400 | 409,
  form: LoadedForm,
  values: SignupFields,
  errors: SignupErrors,
  notice?: string,
  hostPage: string | null = null,
) {
  if (form.door === 'iframe') c.set('framableBy', allowedOrigins(form.site));
  // The form names itself as first shown, whatever was typed in it since.
  const { sha256 } = await formScreen(c, form, null);
  return page(c, status, <SignupPage {...signupPageProps(c, form, values, errors, notice, hostPage)} formSha256={sha256} />);
}

function checkInboxText(c: AppContext, form: LoadedForm) {
  const t = form.t;
  return {
    title: t.checkInbox.title,
    paragraphs: [t.checkInbox.body, t.checkInbox.expiry(formatDuration(t, c.var.deps.config.confirmTtlSeconds)), t.checkInbox.already],
  };
}

/** "Check your inbox", the same for every address state. */
export function answerCheckInbox(c: AppContext, door: Door, form: LoadedForm, returnTo: string | null) {
  const text = checkInboxText(c, form);
  if (door === 'script') return c.json({ status: 'ok', ...text }, 200);
  // Back to the site's own page, when it asked and the page is on one of its origins.
  const back = door === 'html' ? allowedUrl(form.site, returnTo) : null;
  if (back) return c.redirect(back, 303);
  if (door === 'iframe') c.set('framableBy', allowedOrigins(form.site));
  return page(c, 200, <MessagePage lang={form.locale} title={text.title} paragraphs={text.paragraphs} compact={door === 'iframe'} />);
}

/**
 * The script embed's answer to an SMS signup: the code is typed on our code page, which the
 * script offers to open in a new tab (the same answer for every number's state, as the redirect
 * the other doors get).
 */
export function answerSmsCode(c: AppContext, form: LoadedForm, codeUrl: string, alsoEmail: boolean) {
  const t = form.t;
  return c.json({ status: 'sms_code', codeUrl, title: t.smsCode.embedTitle, paragraphs: [t.smsCode.embedBody, ...(alsoEmail ? [t.smsCode.alsoEmail] : [])] }, 200);
}

/** The form again with what to correct (400), or a 409 when its wording changed meanwhile. */
export function answerInvalid(
  c: AppContext,
  door: Door,
  form: LoadedForm,
  hostPage: string | null,
  values: SignupFields,
  errors: SignupErrors,
  notice?: string,
  status: 400 | 409 = 400,
) {
  if (door === 'script') {
    const messages = Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, form.t.signup.errors[key]]));
    return c.json({ status: status === 409 ? 'wording_changed' : 'invalid', message: notice ?? form.t.signup.errorSummary, errors: messages }, status);
  }
  return renderForm(c, status, form, values, errors, notice, hostPage);
}

/** Turnstile's verifier did not answer: nothing recorded, try again. */
export function answerUnavailable(c: AppContext, door: Door, form: LoadedForm) {
  const t = form.t;
  if (door === 'script') return c.json({ status: 'unavailable', message: t.errors.checkUnavailableBody }, 503);
  if (door === 'iframe') c.set('framableBy', allowedOrigins(form.site));
  return page(
    c,
    503,
    <MessagePage lang={form.locale} title={t.errors.checkUnavailableTitle} paragraphs={[t.errors.checkUnavailableBody]} tone="error" compact={door === 'iframe'} />,
  );
}
