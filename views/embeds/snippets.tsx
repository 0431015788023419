// The three ways a site puts its signup form on its own pages, as copy-paste HTML. Every value
// goes through JSX escaping; the one script the iframe snippet needs is fixed text.
import { raw } from 'hono/html';
import type { LocalisedCategory } from '../../src/db/sites.ts';
import type { Messages } from '../../src/i18n/index.ts';
import { CategoryDetails } from '../partials/category-details.tsx';

export interface SnippetProps {
  t: Messages;
  lang: string;
  /** BASE_URL, absolute: the snippets live on other sites' pages. */
  baseUrl: string;
  site: { id: string; name: string; legalName: string; privacyPolicyUrl: string; privacyPolicyVersion: string };
  /** The categories offered by email. */
  optIn: LocalisedCategory[];
  /** The categories offered by SMS too (none: the form asks for no number, as it always did). */
  sms?: { categories: LocalisedCategory[]; ratesNotice: boolean };
  exempt: LocalisedCategory[];
  consentSha256: string;
  /** The SHA-256 of the snippet without this field, which the events record. */
  formSha256?: string;
  /** Where the plain form sends the person back to, when it is on one of the site's origins. */
  returnTo: string | null;
  turnstileSiteKey: string | null;
}

/** An iframe of /s/{site}/embed and the lines that fit its height to the form. */
export async function iframeSnippet(props: SnippetProps): Promise<string> {
  const origin = new URL(props.baseUrl).origin;
  // The frame reports its height; only messages from this service's origin are believed.
  const resize = `addEventListener('message', function (event) {
  if (event.origin !== ${JSON.stringify(origin)} || !event.data || event.data.type !== 'assent:height') return;
  document.querySelectorAll('iframe[data-assent-frame]').forEach(function (frame) {
    if (frame.contentWindow === event.source) frame.style.height = event.data.height + 'px';
  });
});`;
  const html = (
    <>
      {/* no-referrer-when-downgrade: the frame learns the whole address of the page it is on, for the evidence. */}
      <iframe
        src={`${props.baseUrl}/s/${props.site.id}/embed?lang=${props.lang}`}
        title={props.t.signup.title(props.site.name)}
        data-assent-frame=""
        referrerpolicy="no-referrer-when-downgrade"
        style="width:100%;max-width:40rem;height:44rem;border:0"
      ></iframe>
      {'\n'}
      <script>{raw(`\n${resize}\n`)}</script>
    </>
  );
  return (await html.toString()) + '\n';
}

/** The element /embed.js fills in, a link for when scripts are off, and the script tag. */
export async function scriptSnippet(props: SnippetProps): Promise<string> {
  const html = (
    <>
      <div data-assent-site={props.site.id} data-lang={props.lang}>
        <a href={`${props.baseUrl}/s/${props.site.id}?lang=${props.lang}`}>{props.t.signup.title(props.site.name)}</a>
      </div>
      {'\n'}
      <script src={`${props.baseUrl}/embed.js`} async></script>
    </>
  );
  // A boolean attribute reads best bare in a snippet people copy.
  return (await html.toString()).replace(' async=""', ' async') + '\n';
}

/**
 * A plain HTML form that posts to /s/{site}: it works without JavaScript and shows exactly the
 * embedded wording its hash names (change the wording, and the hash, with the snippet).
 */
export async function htmlSnippet(props: SnippetProps): Promise<string> {
  const { t } = props;
  const s = t.signup;
  const sms = props.sms && props.sms.categories.length > 0 ? props.sms : null;
  const html = (
    <form class="assent-form" method="post" action={`${props.baseUrl}/s/${props.site.id}`} lang={props.lang}>
      <input type="hidden" name="lang" value={props.lang} />
      <input type="hidden" name="consent" value={props.consentSha256} />
      {props.formSha256 ? <input type="hidden" name="form" value={props.formSha256} /> : null}
      {props.returnTo ? <input type="hidden" name="return_to" value={props.returnTo} /> : null}
      <h2>{s.title(props.site.name)}</h2>
      <fieldset>
        <legend>{s.choose}</legend>
        {props.optIn.map((category) => (
          <div class="assent-category">
            <input type="checkbox" name="categories" value={category.key} id={`assent-${category.key}`} aria-describedby={`assent-${category.key}-details`} />
            <label for={`assent-${category.key}`}>
              <strong>{category.name}</strong>
            </label>
            <CategoryDetails t={t} category={category} id={`assent-${category.key}-details`} />
          </div>
        ))}
      </fieldset>
      {sms ? (
        <fieldset>
          <legend>{s.smsChoose}</legend>
          {sms.categories.map((category) => (
            <div class="assent-category">
              <input type="checkbox" name="sms_categories" value={category.key} id={`assent-sms-${category.key}`} aria-describedby={`assent-sms-${category.key}-details`} />
              <label for={`assent-sms-${category.key}`}>
                <strong>{s.smsBox(category.name)}</strong>
              </label>
              <CategoryDetails t={t} category={category} id={`assent-sms-${category.key}-details`} />
            </div>
          ))}
          {sms.ratesNotice ? <p>{s.smsRates}</p> : null}
          <div>
            <label for="assent-phone">{s.phone}</label>
            <p id="assent-phone-hint">{s.phoneHint}</p>
            <input type="tel" name="phone" id="assent-phone" autocomplete="tel" inputmode="tel" maxlength={40} aria-describedby="assent-phone-hint" />
          </div>
        </fieldset>
      ) : null}
      {props.exempt.length > 0 ? (
        <section>
          <h3>{s.exemptHeading}</h3>
          <p>{s.exemptIntro}</p>
          <ul>
            {props.exempt.map((category) => (
              <li>
                <strong>{category.name}</strong>: {category.description}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <label for="assent-email">{s.email}</label>
        {/* With SMS boxes the address may stay empty (texts only), so the browser must not insist. */}
        <input type="email" name="email" id="assent-email" autocomplete="email" maxlength={254} required={!sms} />
      </p>
      <p>
        <label for="assent-name">
          {s.name} {s.optional}
        </label>
        <input type="text" name="name" id="assent-name" autocomplete="name" maxlength={100} />
      </p>
      <div hidden aria-hidden="true">
        <label for="assent-website">{s.honeypot}</label>
        <input type="text" name="website" id="assent-website" tabindex={-1} autocomplete="off" />
      </div>
      <section>
        <h3>{s.consentHeading}</h3>
        <p>{s.consent(props.site.legalName)}</p>
        {sms ? <p>{s.smsConsent(props.site.legalName)}</p> : null}
        <p>
          <a href={props.site.privacyPolicyUrl} target="_blank" rel="noopener">
            {s.privacy(props.site.privacyPolicyVersion)}
          </a>
        </p>
      </section>
      {props.turnstileSiteKey ? (
        <>
          <div class="cf-turnstile" data-sitekey={props.turnstileSiteKey} data-language={props.lang}></div>
          <script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>
        </>
      ) : null}
      <button type="submit">{s.submit}</button>
    </form>
  );
  // One element a line, so the snippet can be read and adapted before it is pasted.
  return (await html.toString()).replace(/></g, '>\n<') + '\n';
}
