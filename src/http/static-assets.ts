// Static files under content-hashed names: /static/app.css is linked as /static/app.<hash>.css
// and cached for a year (a changed file is a new name), so a repeat visit downloads neither the
// stylesheet nor htmx again. Runtime-neutral: the runtime hands in the files (Node reads and
// hashes them at start), this serves them from memory, with their brotli and gzip bodies made once.
import type { MiddlewareHandler } from 'hono';
import { chooseContentCoding, type ContentCoding } from './content-coding.ts';

/** Plain name -> the name pages link, e.g. "/static/app.css" -> "/static/app.3f2a1b9c0d.css". */
export type AssetUrls = Readonly<Record<string, string>>;

export interface StaticAsset {
  /** Its plain name, e.g. /static/app.css: still served, with a short cache, for old pages. */
  path: string;
  /** The content-hashed name pages link. */
  url: string;
  contentType: string;
  /** Of the contents: the same for every coding, so it is weak (RFC 9110 8.8.1). */
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  /** Precompressed bodies, only where they are smaller. */
  encoded: Partial<Record<ContentCoding, Uint8Array<ArrayBuffer>>>;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** For names that stay the same when the file changes: revalidate after five minutes. */
export const SHORT_CACHE = 'public, max-age=300';

/** "/static/vendor/htmx.min.js" + "3f2a1b9c0d" -> "/static/vendor/htmx.min.3f2a1b9c0d.js". */
export function hashedName(path: string, hash: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}.${hash}${path.slice(dot)}` : `${path}.${hash}`;
}

export function assetUrls(assets: readonly StaticAsset[]): AssetUrls {
  return Object.freeze(Object.fromEntries(assets.map((asset) => [asset.path, asset.url])));
}

/**
 * Answers GET and HEAD for the hashed names (a year, immutable), the plain names and `aliases`
 * (stable URLs such as /favicon.ico: five minutes), each with its ETag and 304 on revalidation.
 */
export function serveStaticAssets(assets: readonly StaticAsset[], aliases: Readonly<Record<string, string>> = {}): MiddlewareHandler {
  const routes = new Map<string, { asset: StaticAsset; cacheControl: string }>();
  for (const asset of assets) {
    routes.set(asset.url, { asset, cacheControl: IMMUTABLE });
    routes.set(asset.path, { asset, cacheControl: SHORT_CACHE });
  }
  for (const [alias, path] of Object.entries(aliases)) {
    const asset = assets.find((candidate) => candidate.path === path);
    if (asset) routes.set(alias, { asset, cacheControl: SHORT_CACHE });
  }
  return async (c, next) => {
    const route = c.req.method === 'GET' || c.req.method === 'HEAD' ? routes.get(c.req.path) : undefined;
    if (!route) return next();
    const { asset, cacheControl } = route;
    const headers: Record<string, string> = { 'Cache-Control': cacheControl, ETag: asset.etag, Vary: 'Accept-Encoding' };
    if (matchesEtag(c.req.header('If-None-Match'), asset.etag)) return c.body(null, 304, headers);
    const coding = chooseContentCoding(c.req.header('Accept-Encoding'), Object.keys(asset.encoded) as ContentCoding[]);
    const body = coding ? asset.encoded[coding]! : asset.body;
    if (coding) headers['Content-Encoding'] = coding;
    headers['Content-Type'] = asset.contentType;
    headers['Content-Length'] = String(body.byteLength);
    return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(body, 200, headers);
  };
}

/** If-None-Match compares weakly: W/"x" and "x" are the same validator; * matches anything. */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
