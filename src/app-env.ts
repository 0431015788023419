import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from './deps.ts';

export interface AppEnv {
  Variables: {
    deps: Deps;
    /** The client's address as the runtime sees it, for the evidence; null when unknown. */
    ip: string | null;
    /** API: the id of the key that authenticated the request. */
    apiKeyId: string;
    /** API: the contact whose data the request read or changed, for the audit log. */
    auditContact: string | null;
    /** API: every contact a bulk request (an import) named, for the audit log. */
    auditContacts: string[];
  };
}

export type AppContext = Context<AppEnv>;

export interface AppOptions {
  /** The runtime's way of knowing the client (Node: the socket, or X-Forwarded-For from TRUSTED_PROXIES; Workers: CF-Connecting-IP). */
  clientIp?: (c: Context) => string | null;
  /** Serves /static/* (Node: files from disk; Workers: the assets binding). */
  staticFiles?: MiddlewareHandler;
  /** Compresses answers (Node: brotli or gzip; Workers: none, Cloudflare's edge does it). */
  compression?: MiddlewareHandler;
}
