// A site's own look on its public pages and in its emails: an accent colour for buttons and
// links, and a logo. The logo is kept in the database (one row per site, apart from the site row
// every request reads) and served from our origin, so pages load nothing from elsewhere and the
// CSP stays 'self'. Only raster images whose bytes say what they are: an SVG can carry script.
import type { Kysely } from 'kysely';
import type { Database, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { sha256Hex } from './ids.ts';

export const MAX_LOGO_BYTES = 100 * 1024;
export const DEFAULT_ACCENT = '#1d4ed8';
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

export function isAccentColor(value: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(value);
}

/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

/** White text on the colour, and the colour as text on white: the same ratio. */
export function meetsContrast(color: string): boolean {
  return contrastRatio(color, '#ffffff') >= MIN_CONTRAST;
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export type LogoType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** The image type the bytes begin with, whatever name or type the upload claimed. */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return null;
}

export type LogoProblem = 'empty' | 'too_large' | 'not_an_image';

/** Stores the site's logo in place of any earlier one; the site row names its version, for URLs. */
export async function setLogo(deps: Pick<Deps, 'db' | 'atomic' | 'clock'>, siteId: string, bytes: Uint8Array): Promise<{ ok: true } | { ok: false; problem: LogoProblem }> {
  if (bytes.length === 0) return { ok: false, problem: 'empty' };
  if (bytes.length > MAX_LOGO_BYTES) return { ok: false, problem: 'too_large' };
  const type = sniffLogoType(bytes);
  if (!type) return { ok: false, problem: 'not_an_image' };
  const data = toBase64Url(bytes);
  const version = (await sha256Hex(data)).slice(0, 16);
  const { db } = deps;
  const row = { site_id: siteId, content_type: type, data, version, updated_at: deps.clock.now().toISOString() };
  await deps.atomic([
    db
      .insertInto('site_logos')
      .values(row)
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ content_type: type, data, version, updated_at: row.updated_at }))
      .compile(),
    db.updateTable('sites').set({ logo_version: version }).where('id', '=', siteId).compile(),
  ]);
  return { ok: true };
}

export async function removeLogo(deps: Pick<Deps, 'db' | 'atomic'>, siteId: string): Promise<void> {
  const { db } = deps;
  await deps.atomic([
    db.deleteFrom('site_logos').where('site_id', '=', siteId).compile(),
    db.updateTable('sites').set({ logo_version: null }).where('id', '=', siteId).compile(),
  ]);
}

export async function findLogo(db: Kysely<Database>, siteId: string): Promise<{ type: string; bytes: Uint8Array<ArrayBuffer>; version: string } | null> {
  const row = await db.selectFrom('site_logos').select(['content_type', 'data', 'version']).where('site_id', '=', siteId).executeTakeFirst();
  return row ? { type: row.content_type, bytes: fromBase64Url(row.data), version: row.version } : null;
}

/** The version in the stylesheet's URL: the colour itself, without its "#". */
export function accentVersion(accent: string): string {
  return accent.slice(1);
}

/** Where a page finds the site's logo and its colours: versioned, so they may be cached for good. */
export function brandPaths(site: Pick<SiteRow, 'id' | 'logo_version' | 'accent_color'>): { logo: string | null; stylesheet: string | null } {
  const base = `/s/${encodeURIComponent(site.id)}`;
  return {
    logo: site.logo_version ? `${base}/logo?v=${site.logo_version}` : null,
    stylesheet: site.accent_color ? `${base}/brand.css?v=${accentVersion(site.accent_color)}` : null,
  };
}

/** A site's look in its emails: the logo by absolute URL (there is no page to resolve against). */
export interface EmailBrand {
  name: string;
  logoUrl: string | null;
  accent: string;
}

export function emailBrand(site: Pick<SiteRow, 'id' | 'name' | 'logo_version' | 'accent_color'>, baseUrl: string): EmailBrand {
  const { logo } = brandPaths(site);
  return { name: site.name, logoUrl: logo ? `${baseUrl}${logo}` : null, accent: site.accent_color ?? DEFAULT_ACCENT };
}

/** The stylesheet that gives a site's pages its accent (a file, since the CSP allows no inline style). */
export function brandStylesheet(accent: string): string {
  return `:root{--accent:${accent}}\n`;
}
