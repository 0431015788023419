// What a signup submission says, whichever door it came through, and the form it answers: the
// hosted page's, or the embedded form's (a title, no introduction: its own consent wording).
import type { AppContext } from '../app-env.ts';
import type { SiteRow } from '../db/schema.ts';
import { cachedCategories } from '../db/site-content-cache.ts';
import { activeCategories, type LocalisedCategory } from '../db/sites.ts';
import { buildConsentWording, type ConsentWording } from '../domain/consent-wording.ts';
import type { SignupFields } from '../domain/signup-form.ts';
import { messages, type Locale } from '../i18n/index.ts';
import { formText, formTexts, readForm, showBrand } from './render.tsx';

/** hosted: our page. iframe: our compact page framed by the site. html: a plain form on the site's page. script: /embed.js. */
export type Door = 'hosted' | 'iframe' | 'html' | 'script';

export interface Submission {
  fields: SignupFields;
  lang: string;
  consent: string;
  /** The SHA-256 the form carries of itself as first shown; '' from a form that carries none. */
  form: string;
  honeypot: string;
  turnstile: string;
  /** The host page the embed reports (the script's location.href, the iframe's first Referer). */
  page: string | null;
  /** Where a plain HTML form wants the person sent back to. */
  returnTo: string | null;
  /** json: the script embed; iframe: the iframe's own form; null: a form that says nothing. */
  door: 'json' | 'iframe' | null;
}

const MAX_URL_LENGTH = 2000;

/** The submission, or null when the body cannot be read (a broken form body, JSON that is not an object). */
export async function readSubmission(c: AppContext): Promise<Submission | null> {
  if (c.req.header('Content-Type')?.toLowerCase().startsWith('application/json')) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return null;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    const json = body as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const keys = (value: unknown) => (Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string').slice(0, 100) : []);
    return {
      fields: {
        email: text(json.email),
        name: text(json.name),
        categories: keys(json.categories),
        phone: text(json.phone),
        smsCategories: keys(json.sms_categories),
      },
      lang: text(json.lang),
      consent: text(json.consent),
      form: text(json.form),
      honeypot: text(json.website),
      turnstile: text(json['cf-turnstile-response']),
      page: url(text(json.page)),
      returnTo: null,
      door: 'json',
    };
  }
  const form = await readForm(c);
  if (!form) return null;
  return {
    fields: {
      email: formText(form.email),
      name: formText(form.name),
      categories: formTexts(form.categories),
      phone: formText(form.phone),
      smsCategories: formTexts(form.sms_categories),
    },
    lang: formText(form.lang),
    consent: formText(form.consent),
    form: formText(form.form),
    honeypot: formText(form.website),
    turnstile: formText(form['cf-turnstile-response']),
    page: url(formText(form.page)),
    returnTo: url(formText(form.return_to)),
    door: formText(form.embed) === 'iframe' ? 'iframe' : null,
  };
}

function url(value: string): string | null {
  return value && value.length <= MAX_URL_LENGTH ? value : null;
}

/** The origins our own pages are served from: the request's, and BASE_URL's behind a proxy. */
export function ourOrigins(c: AppContext): string[] {
  return [new URL(c.req.url).origin, new URL(c.var.deps.config.baseUrl).origin];
}

export interface LoadedForm {
  site: SiteRow;
  locale: Locale;
  t: ReturnType<typeof messages>;
  categories: LocalisedCategory[];
  wording: ConsentWording;
  door: Door;
}

export async function loadForm(c: AppContext, site: SiteRow, locale: Locale, door: Door): Promise<LoadedForm> {
  const t = messages(locale);
  showBrand(c, site);
  // Archived categories are neither shown nor accepted (validation sees only these).
  const categories = activeCategories(await cachedCategories(c.var.deps.db, site, locale));
  const wording = await buildConsentWording(site, categories, t, locale, door === 'hosted' ? 'signup' : 'embed');
  return { site, locale, t, categories, wording, door };
}
