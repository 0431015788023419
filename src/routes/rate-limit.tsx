// Per-IP rate limits for the browser pages: a 429 page in the visitor's language with
// Retry-After. A genuine RFC 8058 one-click is never limited: mailbox providers send every
// recipient's one-click from a few shared addresses, and an opt-out must never be refused. A
// one-click whose token is not ours counts like any other request, or the exemption would be a
// free way to probe tokens.
import type { MiddlewareHandler } from 'hono';
import type { AppContext, AppEnv } from '../app-env.ts';
import { hitRateLimit, type RateLimitScope } from '../domain/rate-limit.ts';
import { formatDuration, isLocale, messages, type Locale } from '../i18n/index.ts';
import { MessagePage } from '../../views/pages/message.tsx';
import { verifyLinkToken } from './link-token.ts';
import { formText, page, readForm, requestLocale } from './render.tsx';
import { isOneClickUnsubscribe } from './same-origin.tsx';

/** Limits the requests of the given methods (all of them when omitted) under this mount. */
export function perIpRateLimit(scope: RateLimitScope, methods?: readonly string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (methods && !methods.includes(c.req.method)) return next();
    if (c.req.method === 'POST' && (await isOneClickUnsubscribe(c)) && (await carriesUnsubscribeToken(c))) return next();
    const verdict = await hitRateLimit(c.var.deps, scope, c.var.ip);
    if (verdict.allowed) return next();
    const locale = await localeOf(c);
    const t = messages(locale);
    // Whole minutes: "try again in 0 minutes" helps nobody.
    const wait = formatDuration(t, Math.ceil(verdict.retryAfterSeconds / 60) * 60);
    c.header('Retry-After', String(verdict.retryAfterSeconds));
    // The script embed posts JSON and shows the message in place.
    if (c.req.header('Content-Type')?.toLowerCase().startsWith('application/json')) {
      return c.json({ status: 'too_many_requests', message: t.errors.tooManyBody(wait) }, 429);
    }
    return page(
      c,
      429,
      <MessagePage lang={locale} title={t.errors.tooManyTitle} paragraphs={[t.errors.tooManyBody(wait)]} tone="error" />,
    );
  };
}

/**
 * The /u/{token} token was signed by us for unsubscribing. Expired counts too: its signature
 * verifies, so it came from a real email, and the route decides what an old link still does.
 */
async function carriesUnsubscribeToken(c: AppContext): Promise<boolean> {
  const raw = /^\/u\/([^/]+)$/.exec(c.req.path)?.[1];
  if (raw === undefined) return false;
  let token: string;
  try {
    token = decodeURIComponent(raw);
  } catch {
    return false;
  }
  const verified = await verifyLinkToken(c, token, 'unsubscribe');
  return verified.ok || verified.reason === 'expired';
}

/** A form's own language field first (the signup form sends one), then the request's. */
async function localeOf(c: AppContext): Promise<Locale> {
  if (c.req.method === 'POST') {
    const lang = formText((await readForm(c))?.lang);
    if (isLocale(lang)) return lang;
  }
  return requestLocale(c, 'en');
}
