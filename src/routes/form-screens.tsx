// The screen the person saw: each door's form exactly as we show it, so a signup's events can
// point at it and it can be shown again later (the Act on Specified Electronic Mail accepts "the
// fixed part of the means": the wording and the screen layout). The hosted page and the iframe
// page are the HTML the server answers; the plain-form snippet the HTML the embed API hands out;
// the script embed the form.json document its script renders.
//
// What is stored is the form as first shown, before anyone typed in it: no values, no errors,
// no host page address, and not the hidden field that carries the form's own hash (a hash cannot
// be part of what it hashes). The form carries that hash as it carries the wording's, the POST
// is checked against what we would show now, and the events record it.
import type { AppContext } from '../app-env.ts';
import type { SignupErrors, SignupFields } from '../domain/signup-form.ts';
import { sha256Hex } from '../domain/ids.ts';
import { smsCategories } from '../domain/consent-wording.ts';
import { formatDuration } from '../i18n/index.ts';
import { htmlSnippet, type SnippetProps } from '../../views/embeds/snippets.tsx';
import { SignupPage, type SignupPageProps } from '../../views/pages/signup.tsx';
import { languageLinks, pageHtml } from './render.tsx';
import type { Door, LoadedForm } from './signup-submission.ts';

export interface FormScreen {
  sha256: string;
  door: Door;
  locale: string;
  templateVersion: string;
  contentType: 'text/html' | 'application/json';
  content: string;
  /** The wording the form shows. */
  consentTextSha256: string;
}

/** Which of our templates made a door's form; bump one when its markup changes on purpose. */
const TEMPLATE_VERSIONS = { hosted: 'signup-page/1', iframe: 'signup-page/1', html: 'html-snippet/1' } as const;

const BLANK: SignupFields = { email: '', name: '', categories: [] };

/** The form of this door as first shown (for the plain-form snippet: the one with this return_to). */
export async function formScreen(c: AppContext, form: LoadedForm, returnTo: string | null): Promise<FormScreen> {
  const { door } = form;
  let content: string;
  if (door === 'script') content = JSON.stringify(formDocument(c, form));
  else if (door === 'html') content = await htmlSnippet(snippetProps(c, form, returnTo));
  else content = await pageHtml(c, <SignupPage {...signupPageProps(c, form, BLANK, {})} />);
  return {
    sha256: await sha256Hex(content),
    door,
    locale: form.locale,
    templateVersion: door === 'script' ? `embed.js/${c.var.embedScriptVersion ?? 'none'}` : TEMPLATE_VERSIONS[door],
    contentType: door === 'script' ? 'application/json' : 'text/html',
    content,
    consentTextSha256: form.wording.sha256,
  };
}

/** The hosted or iframe signup page's props; `formSha256` is added by whoever serves it. */
export function signupPageProps(
  c: AppContext,
  form: LoadedForm,
  values: SignupFields,
  errors: SignupErrors,
  notice?: string,
  hostPage: string | null = null,
): SignupPageProps {
  const path = `/s/${form.site.id}`;
  const compact = form.door === 'iframe';
  return {
    t: form.t,
    lang: form.locale,
    action: path,
    languages: compact ? [] : languageLinks(path, form.locale),
    compact,
    hidden: compact ? { embed: 'iframe', ...(hostPage ? { page: hostPage } : {}) } : {},
    site: {
      name: form.site.name,
      legalName: form.site.legal_name,
      privacyPolicyUrl: form.site.privacy_policy_url,
      privacyPolicyVersion: form.site.privacy_policy_version,
    },
    optIn: form.categories.filter((cat) => cat.kind === 'opt_in' && cat.channels.includes('email')),
    sms: { categories: smsCategories(form.categories), ratesNotice: form.site.sms_rates_notice === 1 },
    exempt: form.categories.filter((cat) => cat.kind === 'exempt'),
    consentSha256: form.wording.sha256,
    values,
    errors,
    notice,
    turnstileSiteKey: c.var.deps.config.turnstile?.siteKey ?? null,
  };
}

/** The plain-form snippet's props; `formSha256` is added by the embed API. */
export function snippetProps(c: AppContext, form: LoadedForm, returnTo: string | null): SnippetProps {
  const { deps } = c.var;
  const { site } = form;
  return {
    t: form.t,
    lang: form.locale,
    baseUrl: deps.config.baseUrl,
    site: {
      id: site.id,
      name: site.name,
      legalName: site.legal_name,
      privacyPolicyUrl: site.privacy_policy_url,
      privacyPolicyVersion: site.privacy_policy_version,
    },
    // As the hosted page and the wording: email boxes for the categories sent by email, SMS boxes
    // for those sent by SMS (a site without any gets the snippet it always had).
    optIn: form.categories.filter((category) => category.kind === 'opt_in' && category.channels.includes('email')),
    sms: { categories: smsCategories(form.categories), ratesNotice: site.sms_rates_notice === 1 },
    exempt: form.categories.filter((category) => category.kind === 'exempt'),
    consentSha256: form.wording.sha256,
    returnTo,
    turnstileSiteKey: deps.config.turnstile?.siteKey ?? null,
  };
}

/**
 * Everything the script embed needs to render the form exactly as the wording's hash says:
 * form.json without its own hash. `renderer` names the /embed.js that renders it.
 */
export function formDocument(c: AppContext, form: LoadedForm) {
  const { deps } = c.var;
  const { site } = form;
  const s = form.t.signup;
  return {
    site: site.id,
    lang: form.locale,
    renderer: `embed.js/${c.var.embedScriptVersion ?? 'none'}`,
    action: `${deps.config.baseUrl}/s/${site.id}`,
    hostedUrl: `${deps.config.baseUrl}/s/${site.id}?lang=${form.locale}`,
    title: s.title(site.name),
    labels: {
      choose: s.choose,
      purpose: s.purpose,
      frequency: s.frequency,
      email: s.email,
      name: s.name,
      optional: s.optional,
      honeypot: s.honeypot,
      consentHeading: s.consentHeading,
      exemptHeading: s.exemptHeading,
      exemptIntro: s.exemptIntro,
      opensInNewTab: form.t.common.opensInNewTab,
      submit: s.submit,
      sending: s.sending,
      separator: s.listSeparator,
      failed: form.t.errors.serverBody,
      humanNoScript: s.humanNoScript,
    },
    categories: form.categories
      .filter((category) => category.kind === 'opt_in' && category.channels.includes('email'))
      .map(({ key, name, description, purpose, frequency }) => ({ key, name, description, purpose, frequency })),
    exempt: form.categories.filter((category) => category.kind === 'exempt').map(({ name, description }) => ({ name, description })),
    // Only a site that offers SMS has this member (undefined is left out of the JSON), so the
    // documents of every other site stay byte for byte what they were.
    sms: smsPart(form),
    consent: {
      statement: s.consent(site.legal_name),
      sha256: form.wording.sha256,
      privacyUrl: site.privacy_policy_url,
      privacyLabel: s.privacy(site.privacy_policy_version),
    },
    expiry: form.t.checkInbox.expiry(formatDuration(form.t, deps.config.confirmTtlSeconds)),
    turnstileSiteKey: deps.config.turnstile?.siteKey ?? null,
  };
}

/** form.json's SMS part, worded as the hosted page words it; undefined when nothing goes by SMS. */
function smsPart(form: LoadedForm) {
  const bySms = smsCategories(form.categories);
  if (bySms.length === 0) return undefined;
  const s = form.t.signup;
  return {
    legend: s.smsChoose,
    categories: bySms.map(({ key, name, description, purpose, frequency }) => ({ key, label: s.smsBox(name), description, purpose, frequency })),
    ratesNotice: form.site.sms_rates_notice === 1 ? s.smsRates : null,
    phone: s.phone,
    phoneHint: s.phoneHint,
    statement: s.smsConsent(form.site.legal_name),
    // The answer to an SMS signup links to our code page, where the code is typed.
    openCode: form.t.smsCode.embedOpen,
  };
}
