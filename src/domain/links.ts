// Manage and unsubscribe links: what a recipient clicks in every email (ours or the sender's own)
// to see their choices or stop mail. They do not expire unless LINK_TTL says so, and bumping the
// contact's token epoch revokes every one already mailed.
import type { ContactRow, SiteRow } from '../db/schema.ts';
import { findContact } from '../db/contacts.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { findCategoryKind, findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import type { VerifyResult } from './tokens.ts';

type LinkContact = Pick<ContactRow, 'id' | 'site_id' | 'token_epoch'>;

async function linkToken(deps: Deps, contact: LinkContact, purpose: 'manage' | 'unsubscribe', category?: string) {
  return deps.tokens.sign(
    { purpose, subject: contact.id, site: contact.site_id, epoch: contact.token_epoch, category },
    deps.config.linkTtlSeconds ?? undefined,
  );
}

export async function manageUrl(deps: Deps, contact: LinkContact): Promise<string> {
  return `${deps.config.baseUrl}/p/${await linkToken(deps, contact, 'manage')}`;
}

/** Unscoped, it withdraws every opt-in category; scoped, only that one. */
export async function unsubscribeUrl(deps: Deps, contact: LinkContact, category?: string): Promise<string> {
  return `${deps.config.baseUrl}/u/${await linkToken(deps, contact, 'unsubscribe', category)}`;
}

/** RFC 2369 and RFC 8058 headers: mailbox providers show an unsubscribe button and POST to it. */
export function listUnsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

export interface LinkTarget {
  site: SiteRow;
  contact: ContactRow;
  /** The one category an unsubscribe link is scoped to, if any. */
  category: string | null;
  /**
   * False for an unsubscribe link mailed before revoke-links (or an erasure): it still
   * withdraws, since that can only reduce mail, but opens nothing else (no preference link,
   * no undo).
   */
  current: boolean;
}

/**
 * The contact a link is for (its token as verified for `purpose`), or null for a bad, expired
 * or wrong-purpose link, and for a revoked manage link. Revoked unsubscribe links keep working (CASL asks 60 days, CAN-SPAM 30).
 */
export async function openLink(deps: Deps, verified: VerifyResult, purpose: 'manage' | 'unsubscribe'): Promise<LinkTarget | null> {
  if (!verified.ok) return null;
  const { claims } = verified;
  const site = await cachedSite(deps.db, claims.site);
  const contact = site && (await findContact(deps.db, site.id, claims.subject));
  // Every manage and unsubscribe link carries the epoch it was made at.
  if (!site || !contact || claims.epoch === undefined) return null;
  const current = claims.epoch === contact.token_epoch;
  if (!current && purpose === 'manage') return null;
  if (claims.category !== undefined && (await findCategoryKind(deps.db, site.id, claims.category)) !== 'opt_in') {
    return null;
  }
  return { site, contact, category: claims.category ?? null, current };
}

/** The site an expired unsubscribe link was for (its signature still good), else null. */
export async function expiredLinkSite(deps: Deps, token: string): Promise<string | null> {
  const verified = await deps.tokens.verify(token, 'unsubscribe');
  if (verified.ok || verified.reason !== 'expired') return null;
  return (await findSite(deps.db, verified.claims.site))?.id ?? null;
}

/**
 * Kills every preference link and open confirmation link mailed to the contact so far (their
 * epoch no longer matches); unsubscribe links keep unsubscribing, and only that. The new epoch.
 */
export async function revokeContactLinks(deps: Pick<Deps, 'db' | 'clock'>, contactId: string): Promise<number> {
  const result = await deps.db
    .updateTable('contacts')
    .set((eb) => ({ token_epoch: eb('token_epoch', '+', 1), updated_at: deps.clock.now().toISOString() }))
    .where('id', '=', contactId)
    .returning('token_epoch')
    .executeTakeFirstOrThrow();
  return result.token_epoch;
}
