// CSRF defence for every state-changing browser form: the POST must come from our own pages,
// as the browser tells us in Sec-Fetch-Site or Origin. The pages' forms cannot be posted from
// another site, with two exceptions by design: a signup posted from one of the site's own
// origins (allowedOrigins: its plain HTML form and script embed), and the RFC 8058 one-click
// POST a mailbox provider sends to an unsubscribe URL: no cookies, no Origin, and the token in
// the URL is the secret.
import type { MiddlewareHandler } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { isAllowedOrigin } from '../domain/site-origins.ts';
import { errorPage, readForm } from './render.tsx';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOriginForms(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || (await isFromOurPages(c)) || (await isSignupFromSite(c)) || (await isOneClickUnsubscribe(c))) {
      return next();
    }
    return errorPage(c, 403, (t) => [t.errors.forbiddenTitle, t.errors.forbiddenBody]);
  };
}

async function isFromOurPages(c: AppContext): Promise<boolean> {
  const site = c.req.header('Sec-Fetch-Site');
  if (site === 'same-origin') return true;
  const origin = c.req.header('Origin');
  if (!origin) return false;
  // Behind a proxy the request URL is the internal one; the browser says BASE_URL's origin.
  return origin === new URL(c.req.url).origin || origin === new URL(c.var.deps.config.baseUrl).origin;
}

/** A signup (POST /s/{site}) whose Origin is one of that site's allowed origins. */
async function isSignupFromSite(c: AppContext): Promise<boolean> {
  const id = /^\/s\/([^/]+)$/.exec(c.req.path)?.[1];
  const origin = c.req.header('Origin');
  if (!id || !origin) return false;
  let siteId: string;
  try {
    siteId = decodeURIComponent(id);
  } catch {
    return false;
  }
  const site = await cachedSite(c.var.deps.db, siteId);
  return site !== undefined && isAllowedOrigin(site, origin);
}

/** The RFC 8058 one-click POST a mailbox provider sends to an unsubscribe URL. */
export async function isOneClickUnsubscribe(c: AppContext): Promise<boolean> {
  // /u/{token}, not the page that mails a fresh link.
  if (!/^\/u\/(?!request-link$)[^/]+$/.test(c.req.path)) return false;
  const form = await readForm(c);
  return form?.['List-Unsubscribe'] === 'One-Click';
}
