// The hosted signup form: one unticked checkbox per opt-in category with its purpose and
// frequency, exempt categories as information, and the consent wording the ledger will cite.
import type { LocalisedCategory } from '../../src/db/sites.ts';
import type { SignupErrors } from '../../src/domain/signup-form.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { useHref } from '../base-url.ts';
import { CategoryDetails } from '../partials/category-details.tsx';
import { EmailField } from '../partials/email-field.tsx';
import { ExemptCategories } from '../partials/exempt-categories.tsx';
import { Layout, type LanguageLink } from '../layout.tsx';

export interface SignupPageProps {
  t: Messages;
  lang: string;
  /** Path the form posts to. */
  action: string;
  languages: LanguageLink[];
  site: { name: string; legalName: string; privacyPolicyUrl: string; privacyPolicyVersion: string };
  /** The categories offered by email. */
  optIn: LocalisedCategory[];
  /** The categories offered by SMS too (none: the form asks for no number). */
  sms?: { categories: LocalisedCategory[]; ratesNotice: boolean };
  exempt: LocalisedCategory[];
  consentSha256: string;
  /** The SHA-256 of this form as first shown (without this field), which the events record. */
  formSha256?: string;
  values: { email: string; name: string; categories: string[]; phone?: string; smsCategories?: string[] };
  errors: SignupErrors;
  /** A form-level problem, such as wording that changed while the page was open. */
  notice?: string;
  /** Cloudflare Turnstile's site key when the check is on. */
  turnstileSiteKey?: string | null;
  /** The compact layout of the iframe embed: no introduction, no language links. */
  compact?: boolean;
  /** Extra hidden fields the form carries (the iframe's: embed=iframe and its host page). */
  hidden?: Record<string, string>;
}

export function SignupPage(props: SignupPageProps) {
  const { t, errors, values } = props;
  const s = t.signup;
  const hasErrors = Object.keys(errors).length > 0;
  const chosen = new Set(values.categories);
  const chosenSms = new Set(values.smsCategories ?? []);
  const sms = props.sms && props.sms.categories.length > 0 ? props.sms : null;
  return (
    <Layout
      lang={props.lang}
      title={hasErrors || props.notice ? s.errorTitle(s.title(props.site.name)) : s.title(props.site.name)}
      languages={props.languages}
      languageLabel={t.common.switchLanguage}
      compact={props.compact}
    >
      <h1>{s.title(props.site.name)}</h1>
      {props.compact ? null : <p>{s.intro(props.site.name)}</p>}
      {props.notice ? (
        <p class="alert" role="alert">
          {props.notice}
        </p>
      ) : hasErrors ? (
        <p class="alert" role="alert">
          {s.errorSummary}
        </p>
      ) : null}
      <form method="post" action={useHref(props.action)} novalidate>
        <input type="hidden" name="lang" value={props.lang} />
        <input type="hidden" name="consent" value={props.consentSha256} />
        {props.formSha256 ? <input type="hidden" name="form" value={props.formSha256} /> : null}
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <fieldset class={errors.categories ? 'field invalid' : 'field'} aria-describedby={errors.categories ? 'categories-error' : undefined}>
          <legend>{s.choose}</legend>
          {errors.categories ? (
            <p class="error" id="categories-error">
              {s.errors[errors.categories]}
            </p>
          ) : null}
          {props.optIn.map((category) => (
            <div class="category">
              <input
                type="checkbox"
                name="categories"
                value={category.key}
                id={`category-${category.key}`}
                checked={chosen.has(category.key)}
                aria-describedby={`category-${category.key}-details`}
              />
              <label for={`category-${category.key}`}>
                <strong>{category.name}</strong>
              </label>
              <CategoryDetails t={t} category={category} id={`category-${category.key}-details`} class="details" />
            </div>
          ))}
        </fieldset>
        {sms ? (
          <fieldset class="field">
            <legend>{s.smsChoose}</legend>
            {sms.categories.map((category) => (
              <div class="category">
                <input
                  type="checkbox"
                  name="sms_categories"
                  value={category.key}
                  id={`sms-${category.key}`}
                  checked={chosenSms.has(category.key)}
                  aria-describedby={`sms-${category.key}-details`}
                />
                <label for={`sms-${category.key}`}>
                  <strong>{s.smsBox(category.name)}</strong>
                </label>
                <CategoryDetails t={t} category={category} id={`sms-${category.key}-details`} class="details" />
              </div>
            ))}
            {sms.ratesNotice ? <p class="hint">{s.smsRates}</p> : null}
            <div class={errors.phone ? 'field invalid' : 'field'}>
              <label for="phone">{s.phone}</label>
              <p class="hint" id="phone-hint">
                {s.phoneHint}
              </p>
              {errors.phone ? (
                <p class="error" id="phone-error">
                  {s.errors[errors.phone]}
                </p>
              ) : null}
              <input
                type="tel"
                name="phone"
                id="phone"
                value={values.phone ?? ''}
                autocomplete="tel"
                inputmode="tel"
                maxlength={40}
                aria-invalid={errors.phone ? 'true' : undefined}
                aria-describedby={errors.phone ? 'phone-hint phone-error' : 'phone-hint'}
              />
            </div>
          </fieldset>
        ) : null}
        <ExemptCategories t={t} categories={props.exempt} />
        <EmailField
          label={s.email}
          value={values.email}
          error={errors.email ? s.errors[errors.email] : null}
          // With SMS boxes on the form, an address is needed only for the emails ticked.
          hint={sms ? s.emailHintSms : undefined}
          required={!sms}
        />
        <div class={errors.name ? 'field invalid' : 'field'}>
          <label for="name">
            {s.name} <span class="optional">{s.optional}</span>
          </label>
          {errors.name ? (
            <p class="error" id="name-error">
              {s.errors[errors.name]}
            </p>
          ) : null}
          <input
            type="text"
            name="name"
            id="name"
            value={values.name}
            autocomplete="name"
            maxlength={100}
            aria-invalid={errors.name ? 'true' : undefined}
            aria-describedby={errors.name ? 'name-error' : undefined}
          />
        </div>
        {/* A trap for bots that fill every field: hidden from sight, keyboard and screen readers. */}
        <div class="trap" aria-hidden="true">
          <label for="website">{s.honeypot}</label>
          <input type="text" name="website" id="website" value="" tabindex={-1} autocomplete="off" />
        </div>
        <section class="consent">
          <h2>{s.consentHeading}</h2>
          <p>{s.consent(props.site.legalName)}</p>
          {sms ? <p>{s.smsConsent(props.site.legalName)}</p> : null}
          <p>
            <a href={props.site.privacyPolicyUrl} rel="noopener" target="_blank">
              {s.privacy(props.site.privacyPolicyVersion)}
              <span class="visually-hidden"> {t.common.opensInNewTab}</span>
            </a>
          </p>
        </section>
        {props.turnstileSiteKey ? (
          <div class="field">
            {/* hono/jsx hoists an async script into <head>, where Cloudflare's snippet puts it. */}
            <script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>
            <div class="cf-turnstile" data-sitekey={props.turnstileSiteKey} data-language={props.lang}></div>
            <noscript>
              <p class="hint">{s.humanNoScript}</p>
            </noscript>
          </div>
        ) : null}
        <button type="submit">{s.submit}</button>
      </form>
    </Layout>
  );
}
