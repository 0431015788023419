// Helpers every page route uses: render a page with a status, and the language of a request.
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppContext } from '../app-env.ts';
import { LOCALES, messages, resolveLocale, type Locale, type Messages } from '../i18n/index.ts';
import { Assets } from '../../views/assets.ts';
import { BasePath } from '../../views/base-url.ts';
import { Brand } from '../../views/brand.ts';
import type { SiteRow } from '../db/schema.ts';
import { brandPaths } from '../domain/site-branding.ts';
import type { LanguageLink } from '../../views/layout.tsx';
import { MessagePage } from '../../views/pages/message.tsx';

/** A whole page, or with `fragment` a piece of one for htmx to swap in. */
export async function page(c: AppContext, status: ContentfulStatusCode, body: Child, options: { fragment?: boolean } = {}) {
  return c.html(await pageHtml(c, body, options), status);
}

/** The HTML `page` answers, as text (the signup form keeps a copy of what it shows). */
export async function pageHtml(c: AppContext, body: Child, options: { fragment?: boolean } = {}): Promise<string> {
  const html = (
    <BasePath.Provider value={basePath(c)}>
      <Assets.Provider value={c.var.assetUrls}>
        <Brand.Provider value={c.var.brand ?? null}>{body}</Brand.Provider>
      </Assets.Provider>
    </BasePath.Provider>
  );
  return (options.fragment ? '' : '<!doctype html>') + (await html.toString());
}

/** The pages this request renders belong to this site: they wear its logo and accent. */
export function showBrand(c: AppContext, site: SiteRow): void {
  c.set('brand', { name: site.name, ...brandPaths(site) });
}

/** BASE_URL's path prefix ("" or "/consent"), which every root-relative link and redirect starts with. */
export function basePath(c: AppContext): string {
  return new URL(c.var.deps.config.baseUrl).pathname.replace(/\/+$/, '');
}

/** `?lang=`, then Accept-Language, then the given default. */
export function requestLocale(c: AppContext, fallback: string): Locale {
  return resolveLocale(c.req.query('lang'), c.req.header('Accept-Language'), fallback);
}

/** Links to the same page in every other language. */
export function languageLinks(path: string, current: Locale): LanguageLink[] {
  return LOCALES.filter((l) => l !== current).map((l) => ({ locale: l, label: messages(l).languageName, path: `${path}?lang=${l}` }));
}

/** An error page in the request's language, for requests that reach no particular contact. */
export function errorPage(c: AppContext, status: 400 | 403 | 404 | 413 | 500, pick: (t: Messages) => [title: string, body: string]) {
  const locale = requestLocale(c, 'en');
  const [title, body] = pick(messages(locale));
  return page(c, status, <MessagePage lang={locale} title={title} paragraphs={[body]} tone="error" />);
}

export const notFoundPage = (c: AppContext) => errorPage(c, 404, (t) => [t.errors.notFoundTitle, t.errors.notFoundBody]);
export const badRequestPage = (c: AppContext) =>
  errorPage(c, 400, (t) => [t.errors.badRequestTitle, t.errors.badRequestBody]);
export const serverErrorPage = (c: AppContext) => errorPage(c, 500, (t) => [t.errors.serverTitle, t.errors.serverBody]);

type FormFields = Record<string, string | File | (string | File)[]>;

/** The submitted form, or null when the body cannot be parsed (a broken multipart body, say). */
export async function readForm(c: AppContext): Promise<FormFields | null> {
  try {
    // What every page and the one-click post. URLSearchParams reads it the way the form parser of
    // parseBody() does (the WHATWG urlencoded parser), in a fraction of the time.
    if (URL_ENCODED.test(c.req.header('Content-Type') ?? '')) return fieldsOf(new URLSearchParams(await c.req.text()));
    return await c.req.parseBody({ all: true });
  } catch {
    return null;
  }
}

const URL_ENCODED = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** As parseBody({ all: true }) answers: one value as itself, a repeated field as an array. */
function fieldsOf(params: URLSearchParams): FormFields {
  // No prototype: a field named __proto__ is a field like any other.
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of params) {
    const seen = fields[name];
    if (seen === undefined) fields[name] = value;
    else if (typeof seen === 'string') fields[name] = [seen, value];
    // In place: a field repeated 10,000 times must not copy its values 10,000 times.
    else seen.push(value);
  }
  return fields;
}

/** A single text field; a file or a repeated field reads as its first text value. */
export function formText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every text value of a field that may repeat (checkboxes). */
export function formTexts(value: unknown): string[] {
  return [value ?? []].flat().filter((v): v is string => typeof v === 'string');
}

/** A user agent is evidence, not a payload: keep what identifies a browser, not 16 KB of it. */
export const MAX_USER_AGENT_LENGTH = 512;

/** Who sent this request, as the ledger records it. */
export function evidenceOf(c: AppContext) {
  return { ip: c.var.ip, userAgent: c.req.header('User-Agent')?.slice(0, MAX_USER_AGENT_LENGTH) ?? null };
}
