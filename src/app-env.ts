import type { Context, MiddlewareHandler } from 'hono';
import type { OperatorRow } from './db/schema.ts';
import type { Deps } from './deps.ts';
import type { AssetUrls } from './http/static-assets.ts';
import type { SiteBrand } from '../views/brand.ts';

export interface AppEnv {
  Variables: {
    deps: Deps;
    /** The client's address as the runtime sees it, for the evidence; null when unknown. */
    ip: string | null;
    /** What pages link static files by (content-hashed names); empty: their plain names. */
    assetUrls: AssetUrls;
    /** /embed.js's version (the first 10 hex digits of its SHA-256), named by the forms it renders; null: none served. */
    embedScriptVersion: string | null;
    /** API: the id of the key that authenticated the request. */
    apiKeyId: string;
    /** The origins that may frame this answer (the iframe embed); unset: no one may. */
    framableBy: readonly string[] | undefined;
    /** API: the contact whose data the request read or changed, for the audit log. */
    auditContact: string | null;
    /** API: every contact a bulk request (an import) named, for the audit log. */
    auditContacts: string[];
    /** Public pages: the look of the site they belong to (logo, accent), once the route knows it. */
    brand: SiteBrand | undefined;
    /** Console: the operator whose session this request carries. */
    operator: OperatorRow;
  };
}

export type AppContext = Context<AppEnv>;

export interface AppOptions {
  /** The runtime's way of knowing the client (Node: the socket, or X-Forwarded-For from TRUSTED_PROXIES; Workers: CF-Connecting-IP). */
  clientIp?: (c: Context) => string | null;
  /** The source of /embed.js (Node: static/embed.js read at start). */
  embedScript?: string;
  /**
   * Static files: `serve` answers /static/* and /favicon.ico, `urls` names what pages link
   * (Node: read and hashed at start; Workers: the assets binding and the names made at deploy).
   */
  staticAssets?: { urls: AssetUrls; serve: MiddlewareHandler };
  /** Compresses answers (Node: brotli or gzip; Workers: none, Cloudflare's edge does it). */
  compression?: MiddlewareHandler;
}
