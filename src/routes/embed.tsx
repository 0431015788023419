// The signup form on a site's own pages: the iframe page (GET /s/{site}/embed), the form as data
// for the script embed (GET /s/{site}/form.json), the script itself (/embed.js), and the CORS
// rule both script routes and the signup POST follow: only the site's allowed origins.
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env.ts';
import { findSite } from '../db/sites.ts';
import { sha256Hex } from '../domain/ids.ts';
import { allowedUrl, isAllowedOrigin } from '../domain/site-origins.ts';
import { formatDuration } from '../i18n/index.ts';
import { notFoundPage, requestLocale } from './render.tsx';
import { renderForm } from './signup-answers.tsx';
import { loadForm } from './signup-submission.ts';

export const EMBED_SCRIPT_PATH = '/embed.js';

export const embedRoutes = new Hono<AppEnv>();

/** The compact form for an iframe; it carries the host page its frame was loaded from. */
embedRoutes.get('/:site/embed', async (c) => {
  const site = await findSite(c.var.deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale), 'iframe');
  return renderForm(c, 200, form, { email: '', name: '', categories: [] }, {}, undefined, allowedUrl(site, c.req.header('Referer')));
});

/** Everything the script embed needs to render the form exactly as the wording's hash says. */
embedRoutes.get('/:site/form.json', async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.param('site'));
  if (!site) return c.json({ status: 'not_found', message: 'No such site.' }, 404);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale), 'script');
  const s = form.t.signup;
  c.header('Cache-Control', 'no-cache');
  return c.json({
    site: site.id,
    lang: form.locale,
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
      .filter((category) => category.kind === 'opt_in')
      .map(({ key, name, description, purpose, frequency }) => ({ key, name, description, purpose, frequency })),
    exempt: form.categories.filter((category) => category.kind === 'exempt').map(({ name, description }) => ({ name, description })),
    consent: {
      statement: s.consent(site.legal_name),
      sha256: form.wording.sha256,
      privacyUrl: site.privacy_policy_url,
      privacyLabel: s.privacy(site.privacy_policy_version),
    },
    expiry: form.t.checkInbox.expiry(formatDuration(form.t, deps.config.confirmTtlSeconds)),
    turnstileSiteKey: deps.config.turnstile?.siteKey ?? null,
  });
});

/** CORS for the script embed: only the site's allowed origins get an answer they may read. */
export function signupCors(): MiddlewareHandler<AppEnv> {
  return cors({
    origin: async (origin, c) => {
      const site = await findSite((c.var as AppEnv['Variables']).deps.db, c.req.param('site') ?? '');
      return site && isAllowedOrigin(site, origin) ? origin : null;
    },
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type'],
    maxAge: 600,
  });
}

/**
 * /embed.js: a stable URL that sites put in their pages, so a short cache (five minutes) with
 * an ETag: a new version reaches every page soon, and a revalidation costs a 304.
 */
export function embedScript(source: string | undefined): MiddlewareHandler<AppEnv> {
  let etag: Promise<string> | null = null;
  return async (c) => {
    if (source === undefined) return notFoundPage(c);
    etag ??= sha256Hex(source).then((hash) => `"${hash.slice(0, 32)}"`);
    const tag = await etag;
    c.header('ETag', tag);
    c.header('Cache-Control', 'public, max-age=300');
    if (c.req.header('If-None-Match')?.split(',').some((value) => value.trim() === tag)) return c.body(null, 304);
    return c.body(source, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  };
}
