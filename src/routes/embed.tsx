// The signup form on a site's own pages: the iframe page (GET /s/{site}/embed), the form as data
// for the script embed (GET /s/{site}/form.json), the script itself (/embed.js), and the CORS
// rule both script routes and the signup POST follow: only the site's allowed origins.
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { sha256Hex } from '../domain/ids.ts';
import { allowedUrl, isAllowedOrigin } from '../domain/site-origins.ts';
import { notFoundPage, requestLocale } from './render.tsx';
import { formScreen } from './form-screens.tsx';
import { renderForm } from './signup-answers.tsx';
import { loadForm } from './signup-submission.ts';

export const EMBED_SCRIPT_PATH = '/embed.js';

export const embedRoutes = new Hono<AppEnv>();

/** The compact form for an iframe; it carries the host page its frame was loaded from. */
embedRoutes.get('/:site/embed', async (c) => {
  const site = await cachedSite(c.var.deps.db, c.req.param('site'));
  if (!site) return notFoundPage(c);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale), 'iframe');
  return renderForm(c, 200, form, { email: '', name: '', categories: [] }, {}, undefined, allowedUrl(site, c.req.header('Referer')));
});

/**
 * Everything the script embed needs to render the form exactly as the wording's hash says, and
 * the hash of that very document, which the script posts back so the events can name it.
 */
embedRoutes.get('/:site/form.json', async (c) => {
  const { deps } = c.var;
  const site = await cachedSite(deps.db, c.req.param('site'));
  if (!site) return c.json({ status: 'not_found', message: 'No such site.' }, 404);
  const form = await loadForm(c, site, requestLocale(c, site.default_locale), 'script');
  const screen = await formScreen(c, form, null);
  c.header('Cache-Control', 'no-cache');
  // The stored document is exactly this answer without its last member.
  return c.body(`${screen.content.slice(0, -1)},"formSha256":${JSON.stringify(screen.sha256)}}`, 200, { 'Content-Type': 'application/json' });
});

/** CORS for the script embed: only the site's allowed origins get an answer they may read. */
export function signupCors(): MiddlewareHandler<AppEnv> {
  const allowSiteOrigins = cors({
    origin: async (origin, c) => {
      const site = await cachedSite((c.var as AppEnv['Variables']).deps.db, c.req.param('site') ?? '');
      return site && isAllowedOrigin(site, origin) ? origin : null;
    },
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type'],
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.header('Origin')) return allowSiteOrigins(c, next);
    // Not cross-origin: nothing to allow, and no site to look up. The answer still varies by
    // Origin for a cache in between (as cors() would say, but it would rebuild the whole answer
    // to say it).
    await next();
    c.res.headers.append('Vary', 'Origin');
  };
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
