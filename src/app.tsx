// createApp: every route, the same on Node and on Workers. The runtime hands in its deps.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, AppOptions } from './app-env.ts';
import type { Deps } from './deps.ts';
import { forgetSiteContent } from './db/site-content-cache.ts';
import { sha256Hex } from './domain/ids.ts';
import { adminRoutes } from './routes/admin/index.tsx';
import { apiError, apiRoutes, unknownApiRoute } from './routes/api/index.ts';
import { brandRoutes, LOGO_PATH } from './routes/brand-assets.ts';
import { confirmRoutes } from './routes/confirm.tsx';
import { devMailboxRoutes } from './routes/dev-mailbox.tsx';
import { notFoundPage, serverErrorPage } from './routes/render.tsx';
import { preferenceRoutes } from './routes/preferences.tsx';
import { perIpRateLimit } from './routes/rate-limit.tsx';
import { apiBodyLimit, formBodyLimit, UPLOAD_BODY_LIMIT } from './routes/body-limits.tsx';
import { markupSafeJson } from './routes/markup-safe-json.ts';
import { noStore } from './routes/no-store.ts';
import { sameOriginForms } from './routes/same-origin.tsx';
import { EMBED_SCRIPT_PATH, embedRoutes, embedScript, signupCors } from './routes/embed.tsx';
import { signupPageCache } from './routes/signup-page-cache.ts';
import { signupRoutes } from './routes/signup.tsx';
import { smsCodeRoutes } from './routes/sms-code.tsx';
import { smsInboundRoutes } from './routes/sms-inbound.ts';
import { smsOptOutRoutes } from './routes/sms-opt-out.tsx';
import { unsubscribeRoutes } from './routes/unsubscribe.tsx';

/** The console's pages that take a file: a site's logo, a CSV to import. */
const CONSOLE_UPLOADS = /^\/admin\/sites\/[^/]+\/(?:settings\/logo|imports(?:\/.*)?)$/;

export function createApp(resolveDeps: (c: Context) => Deps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  const embedScriptVersion = options.embedScript === undefined ? Promise.resolve(null) : sha256Hex(options.embedScript).then((hash) => hash.slice(0, 10));

  // Outermost: a kept signup page is served before anything else runs. Whatever the operator
  // changes through the API or the console is seen on the next request (pages, sites and categories are kept
  // for a second otherwise: src/ttl-cache.ts).
  const signupPages = signupPageCache();
  app.use('*', signupPages.middleware);
  const forgetChanged: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      signupPages.clear();
      forgetSiteContent(c.var.deps.db);
    }
  };
  app.use('/api/*', forgetChanged);
  app.use('/admin/*', forgetChanged);
  // Outside the routes, so that it sees every answer whole, error pages included.
  if (options.compression) app.use('*', options.compression);
  app.use('*', async (c, next) => {
    c.set('deps', resolveDeps(c));
    c.set('ip', options.clientIp?.(c) ?? null);
    c.set('assetUrls', options.staticAssets?.urls ?? {});
    c.set('embedScriptVersion', await embedScriptVersion);
    await next();
  });
  // Framing and cross-origin loading are decided here, around secureHeaders, which sets
  // X-Frame-Options and Cross-Origin-Resource-Policy after every handler: the iframe embed's
  // answers may be framed by the site's origins (frame-ancestors says which), and the embed
  // script is loaded by other sites' pages, a site's logo by webmail showing its emails.
  app.use('*', async (c, next) => {
    await next();
    if (c.var.framableBy?.length) c.res.headers.delete('X-Frame-Options');
    if (c.req.path === EMBED_SCRIPT_PATH || LOGO_PATH.test(c.req.path)) c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });
  // Tokens travel in URLs: never hand them to another site in a Referer.
  app.use('*', secureHeaders({ referrerPolicy: 'no-referrer' }));
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Content-Security-Policy')) {
      const turnstile = c.var.deps.config.turnstile !== null && c.req.path.startsWith('/s/');
      c.res.headers.set('Content-Security-Policy', contentSecurityPolicy(c.var.deps.config.baseUrl, turnstile, c.var.framableBy));
    }
  });

  if (options.staticAssets) app.use('*', options.staticAssets.serve);
  app.use('/api/*', apiBodyLimit(), markupSafeJson());
  app.use('/dev/*', markupSafeJson());
  const formLimit = formBodyLimit();
  // Browser forms; the API authenticates with a key, not a browser, so needs no CSRF check.
  // Per-IP limits come after the body limit (the one-click exemption reads the body) and before
  // the CSRF check, so forged submissions count too. The signup page itself (GET) is not limited.
  // The script embed reads the form and posts to it from the site's own pages (CORS).
  app.use('/s/:site', signupCors());
  app.use('/s/:site/form.json', signupCors());
  app.use('/s/*', formLimit, perIpRateLimit('signup', ['POST']), sameOriginForms());
  for (const pages of ['/c/*', '/u/*', '/p/*', '/x/*']) app.use(pages, noStore(), formLimit, perIpRateLimit('links'), sameOriginForms());
  // Providers' webhooks, signed: no CSRF check and no per-IP limit (routes/sms-inbound.ts says why).
  app.use('/sms/inbound/*', noStore(), formLimit);
  // The console: private pages (no cache keeps them), its forms from its own pages only.
  const uploadLimit = formBodyLimit(UPLOAD_BODY_LIMIT);
  app.use('/admin/*', noStore(), (c, next) => (CONSOLE_UPLOADS.test(c.req.path) ? uploadLimit : formLimit)(c, next), sameOriginForms());
  app.get('/', (c) => c.redirect('/s/demo'));
  app.get(EMBED_SCRIPT_PATH, embedScript(options.embedScript));
  app.route('/s', brandRoutes);
  app.route('/s', smsCodeRoutes);
  app.route('/s', embedRoutes);
  app.route('/s', signupRoutes);
  app.route('/c', confirmRoutes);
  app.route('/u', unsubscribeRoutes);
  app.route('/x', smsOptOutRoutes);
  app.route('/sms/inbound', smsInboundRoutes);
  app.route('/p', preferenceRoutes);
  app.route('/dev', devMailboxRoutes);
  app.route('/admin', adminRoutes);
  app.route('/api/v1', apiRoutes);
  app.all('/api/*', unknownApiRoute);

  app.notFound((c) => notFoundPage(c));
  app.onError((error, c) => {
    // The request validators refuse what they cannot read (malformed JSON: 400, a body that is
    // not JSON: 415) with an HTTPException of their own.
    if (error instanceof HTTPException && error.status < 500 && c.req.path.startsWith('/api/')) {
      return error.status === 415
        ? apiError(c, 'unsupported_media_type', 'Send the body as application/json.')
        : apiError(c, 'invalid_request', 'The request body is not valid JSON.', [{ path: '(json)', message: error.message }]);
    }
    c.var.deps?.log.error(`${c.req.method} ${c.req.path} failed`, error);
    if (c.req.path.startsWith('/api/')) {
      return c.json({ error: { code: 'internal', message: 'Something went wrong; nothing was changed.' } }, 500);
    }
    return serverErrorPage(c);
  });
  return app;
}

/**
 * No inline script or style; forms may post to this origin and to BASE_URL's (behind a proxy);
 * framed by nobody, or by the origins the iframe embed names.
 */
function contentSecurityPolicy(baseUrl: string, turnstile: boolean, framableBy: readonly string[] | undefined): string {
  // Cloudflare Turnstile's script and its iframe, only on the signup pages and only when enabled.
  const challenges = turnstile ? ' https://challenges.cloudflare.com' : '';
  return [
    "default-src 'self'",
    `script-src 'self'${challenges}`,
    ...(turnstile ? ['frame-src https://challenges.cloudflare.com'] : []),
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${new URL(baseUrl).origin}`,
    `frame-ancestors ${framableBy && framableBy.length > 0 ? framableBy.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}
