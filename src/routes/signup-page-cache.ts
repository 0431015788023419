// The hosted signup page, kept whole for a second (src/http/response-cache.ts): it is the same
// for every visitor of a site in one language and one content coding. A cross-origin request
// (CORS) and anything but a plain GET are answered by the app as usual.
import type { Context } from 'hono';
import { chooseContentCoding } from '../http/content-coding.ts';
import { responseCache, type ResponseCache } from '../http/response-cache.ts';
import { requestedLocale } from '../i18n/index.ts';

const SIGNUP_PAGE = /^\/s\/[^/]+$/;

export function signupPageCache(): ResponseCache {
  return responseCache({ key: signupPageKey });
}

function signupPageKey(c: Context): string | null {
  if (c.req.method !== 'GET' || !SIGNUP_PAGE.test(c.req.path) || c.req.header('Origin') !== undefined) return null;
  // The site's default language fills in for a request that asks for none: '' here.
  const locale = requestedLocale(c.req.query('lang'), c.req.header('Accept-Language')) ?? '';
  return `${c.req.path} ${locale} ${chooseContentCoding(c.req.header('Accept-Encoding')) ?? ''}`;
}
