// The link pages (/c/, /u/, /p/) show an address and carry a token in their URL: no cache, the
// browser's (a shared computer's Back button), a proxy's or a CDN's, may keep a copy of any of
// their answers, the error pages and the one-click text included.
import type { MiddlewareHandler } from 'hono';

export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  };
}
