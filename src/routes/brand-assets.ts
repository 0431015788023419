// A site's logo and accent stylesheet, from our origin (domain/site-branding.ts). Pages and
// emails name them with a version, so an answer to the current version is cached for a year; an
// old or missing version gets the current file, revalidated every time.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { accentVersion, brandStylesheet, findLogo } from '../domain/site-branding.ts';
import { notFoundPage } from './render.tsx';

export const brandRoutes = new Hono<AppEnv>();

/** Mail clients on other origins (webmail) show the logo too. */
export const LOGO_PATH = /^\/s\/[^/]+\/logo$/;

brandRoutes.get('/:site/logo', async (c) => {
  const site = await cachedSite(c.var.deps.db, c.req.param('site'));
  const logo = site?.logo_version ? await findLogo(c.var.deps.db, site.id) : null;
  if (!logo) return notFoundPage(c);
  return c.body(logo.bytes, 200, { 'Content-Type': logo.type, 'Cache-Control': caching(c, logo.version) });
});

brandRoutes.get('/:site/brand.css', async (c) => {
  const site = await cachedSite(c.var.deps.db, c.req.param('site'));
  if (!site?.accent_color) return notFoundPage(c);
  return c.body(brandStylesheet(site.accent_color), 200, {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': caching(c, accentVersion(site.accent_color)),
  });
});

function caching(c: Context<AppEnv>, version: string): string {
  return c.req.query('v') === version ? 'public, max-age=31536000, immutable' : 'no-cache';
}
