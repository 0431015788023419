// Where a site's own pages live: the origins its operator allowed (allowedOrigins), the only
// places its form may be embedded, posted from or sent back to.
import type { SiteRow } from '../db/schema.ts';

export function allowedOrigins(site: Pick<SiteRow, 'allowed_origins'>): string[] {
  try {
    const parsed: unknown = JSON.parse(site.allowed_origins);
    return Array.isArray(parsed) ? parsed.filter((origin): origin is string => typeof origin === 'string') : [];
  } catch {
    return [];
  }
}

/** The origin of an http(s) URL, or null for anything else (garbage, data:, javascript:). */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export function isAllowedOrigin(site: Pick<SiteRow, 'allowed_origins'>, origin: string | null | undefined): boolean {
  return !!origin && origin !== 'null' && allowedOrigins(site).includes(origin);
}

/** The URL itself when it is an http(s) URL on one of the site's origins, else null. */
export function allowedUrl(site: Pick<SiteRow, 'allowed_origins'>, url: string | null | undefined): string | null {
  return isAllowedOrigin(site, originOf(url)) ? new URL(url!).href : null;
}

export interface PageClues {
  /** The request's Referer: a full URL or (cross-origin, by default) only the origin. */
  referer: string | null;
  /** What the embed said its page was: the script's location.href, or the iframe's first Referer. */
  reported: string | null;
  /** The request's Origin. */
  origin: string | null;
  /** Whether the request came from one of our own pages (the iframe's form). */
  fromOurPages: boolean;
}

/**
 * The host page an embedded signup happened on, for the evidence: the most specific clue that
 * passes the origin check. A reported page counts when it is on the origin the browser says
 * the request came from (or the iframe, ours, carried it from its first load); the Referer when
 * its origin is allowed; else the allowed Origin alone. Null when nothing is on the site's origins.
 */
export function hostPage(site: Pick<SiteRow, 'allowed_origins'>, clues: PageClues): string | null {
  const reported = allowedUrl(site, clues.reported);
  const reportedTrusted = reported && (clues.fromOurPages || originOf(reported) === clues.origin) ? reported : null;
  const referer = allowedUrl(site, clues.referer);
  const origin = isAllowedOrigin(site, clues.origin) ? clues.origin : null;
  const candidates = [reportedTrusted, referer, origin].filter((url): url is string => url !== null);
  // More than an origin (a path or a query) says more about where the person was.
  return candidates.find((url) => new URL(url).pathname !== '/' || new URL(url).search !== '') ?? candidates[0] ?? null;
}
