// Whole answers kept for a moment. The signup page is the same for every visitor of a site in
// one language, so its final bytes (status, headers, compressed body) are kept for a second and
// served again without running the app: a campaign's wave of visitors costs one render a second.
//
// A second bounds how stale an answer can be anywhere (a change made through another process or
// Worker isolate is seen within it); changes made through this app clear it at once (`clear`).
// Runtime-neutral: the clock is a monotonic one, not the app's (which tests may stop).
import type { Context, MiddlewareHandler } from 'hono';
import { replaceResponse } from './replace-response.ts';

export interface ResponseCacheOptions {
  /** Which kept answer a request may have; null: this request is answered by the app as usual. */
  key(c: Context): string | null;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface ResponseCache {
  middleware: MiddlewareHandler;
  clear(): void;
}

interface KeptAnswer {
  expires: number;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

export const RESPONSE_CACHE_TTL_MS = 1000;

export function responseCache({ key, ttlMs = RESPONSE_CACHE_TTL_MS, maxEntries = 500, now = () => performance.now() }: ResponseCacheOptions): ResponseCache {
  const kept = new Map<string, KeptAnswer>();
  const middleware: MiddlewareHandler = async (c, next) => {
    const name = key(c);
    if (name === null) return next();
    const hit = kept.get(name);
    // A plain header object and a byte body: the runtime writes both out as they are.
    if (hit && hit.expires > now()) return new Response(hit.body, { status: hit.status, headers: hit.headers });
    await next();
    const res = c.res;
    if (!keepable(res)) return;
    const answer: KeptAnswer = {
      expires: now() + ttlMs,
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: new Uint8Array(await res.arrayBuffer()),
    };
    if (kept.size >= maxEntries) kept.clear();
    kept.set(name, answer);
    replaceResponse(c, new Response(answer.body, { status: answer.status, headers: answer.headers }));
  };
  return { middleware, clear: () => kept.clear() };
}

/** Only a full answer meant for everyone: a 200 that sets no cookie and is not marked private. */
function keepable(res: Response): boolean {
  if (res.status !== 200 || res.headers.has('Set-Cookie')) return false;
  return !/(?:^|,)\s*(?:no-store|private)\s*(?:,|$)/i.test(res.headers.get('Cache-Control') ?? '');
}
