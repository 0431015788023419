// JSON answers may carry what people typed (a user agent, a name). Escaping <, >, & and the two
// JavaScript line separators as \u escapes keeps the very same JSON values, yet no answer ever
// contains markup a browser could be tricked into rendering.
import type { MiddlewareHandler } from 'hono';

const UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function escapeJsonMarkup(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => UNSAFE[char]!);
}

export function markupSafeJson(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.get('Content-Type')?.startsWith('application/json')) return;
    const body = escapeJsonMarkup(await c.res.text());
    const headers = new Headers(c.res.headers);
    headers.delete('Content-Length');
    c.res = new Response(body, { status: c.res.status, headers });
  };
}
