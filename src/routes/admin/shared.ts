// What every console page shares: its words, where it sends the browser, which site the path
// names (when this operator may see it), and the audit entry of a read or change of personal data.
import type { AppContext } from '../../app-env.ts';
import type { OperatorRow, SiteRow } from '../../db/schema.ts';
import { findSite } from '../../db/sites.ts';
import { recordAudit } from '../../domain/audit.ts';
import { adminMessages } from '../../i18n/admin.ts';
import { messages } from '../../i18n/index.ts';
import { basePath, errorPage, languageLinks, notFoundPage, requestLocale } from '../render.tsx';

export function copy(c: AppContext) {
  const lang = requestLocale(c, 'en');
  return { lang, t: adminMessages(lang), languages: languageLinks(c.req.path, lang), languageLabel: messages(lang).common.switchLanguage };
}

export function redirect(c: AppContext, path: string) {
  return c.redirect(`${basePath(c)}${path}`, 303);
}

/**
 * The site of the path, if this operator may see it; otherwise null, answered as a 404 (not a
 * 403: an editor of one site learns nothing of the others, not even whether they exist).
 */
export async function siteFor(c: AppContext): Promise<SiteRow | null> {
  const operator = c.var.operator;
  const id = c.req.param('site') ?? '';
  if (operator.site_id !== null && operator.site_id !== id) return null;
  return (await findSite(c.var.deps.db, id)) ?? null;
}

/** The site of the path, for a change: the site, or the answer (404 as siteFor; 403 for a viewer). */
export async function siteToChange(c: AppContext): Promise<SiteRow | Response> {
  const site = await siteFor(c);
  if (!site) return notFoundPage(c);
  if (!mayChange(c.var.operator)) return viewerRefused(c);
  return site;
}

/** Viewers read; editors and owners may change. */
export function mayChange(operator: OperatorRow): boolean {
  return operator.role !== 'viewer';
}

/** What a viewer gets for a change: a 403 that says why. */
export function viewerRefused(c: AppContext) {
  const { t } = copy(c);
  return errorPage(c, 403, () => [t.contacts.viewerOnly, t.contacts.viewerOnly]);
}

/**
 * The audit log's entry for a console request that read or changed this contact's data, or (a
 * CSV import) the data of every contact in contactIds; null and none: addresses from a file.
 */
export function auditContact(c: AppContext, site: SiteRow, contactId: string | null, status: number, contactIds: readonly string[] = []) {
  return recordAudit(c.var.deps, {
    keyId: null,
    operatorId: c.var.operator.id,
    method: c.req.method,
    route: c.req.routePath,
    siteId: site.id,
    contactId,
    contactIds,
    status,
    outcome: 'allowed',
    attempt: null,
    ip: c.var.ip,
  });
}
