// Double opt-in, second half. Reading a link changes nothing (mail scanners open every link);
// only the button's POST confirms, once, the categories the link names that are still pending.
import type { CompiledQuery } from 'kysely';
import { findContact } from '../db/contacts.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import { latestRequests } from '../db/events.ts';
import type { ConfirmationRow, ContactRow, SiteRow } from '../db/schema.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { changeQueries, type Evidence } from './consent-change.ts';
import { confirmationMailQueries, mayMailConfirmation } from './confirmation-mail.ts';
import { sha256Hex } from './ids.ts';
import { welcomeMailQuery } from './list-mail.ts';
import type { TokenClaims } from './tokens.ts';

export interface ConfirmationContext {
  site: SiteRow;
  contact: ContactRow;
  confirmation: ConfirmationRow;
  /** The categories the link names, in the link's order. */
  categories: string[];
}

export type LoadedConfirmation =
  | { status: 'open' | 'spent'; context: ConfirmationContext }
  | { status: 'expired'; context: ConfirmationContext }
  | { status: 'invalid' };

export async function loadConfirmation(deps: Deps, token: string): Promise<LoadedConfirmation> {
  const verified = await deps.tokens.verify(token, 'confirm');
  if (!verified.ok && verified.reason !== 'expired') return { status: 'invalid' };
  const context = await contextFor(deps, verified.claims);
  if (!context) return { status: 'invalid' };
  if (context.confirmation.spent_at) return { status: 'spent', context };
  return { status: verified.ok ? 'open' : 'expired', context };
}

async function contextFor(deps: Deps, claims: TokenClaims): Promise<ConfirmationContext | null> {
  if (!claims.jti) return null;
  const site = await findSite(deps.db, claims.site);
  const contact = site && (await findContact(deps.db, site.id, claims.subject));
  const confirmation = await deps.db
    .selectFrom('confirmations')
    .selectAll()
    .where('id', '=', claims.jti)
    .executeTakeFirst();
  if (!site || !contact || !confirmation || confirmation.contact_id !== contact.id) return null;
  return { site, contact, confirmation, categories: JSON.parse(confirmation.categories) as string[] };
}

/** Confirms an open link; a spent one is left alone (pressing twice is harmless). */
export async function confirm(deps: Deps, context: ConfirmationContext, evidence: Evidence): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const { site, contact, confirmation } = context;
  const statuses = await emailConsentStatuses(db, contact.id);
  const pending = context.categories.filter((key) => statuses.get(key) === 'pending');
  const requests = await latestRequests(db, contact.id, pending);

  const queries: CompiledQuery[] = [
    db
      .updateTable('confirmations')
      .set({ spent_at: now })
      .where('id', '=', confirmation.id)
      .where('spent_at', 'is', null)
      .compile(),
  ];
  // Two presses at once: the guards let only the first one that still sees "pending" write.
  for (const key of pending) {
    const request = requests.get(key);
    queries.push(
      ...(await changeQueries(
        deps,
        context,
        { key, action: 'confirmed', status: 'granted', method: 'confirmation_link', guard: { in: ['pending'] } },
        { ...evidence, sourceUrl: request?.sourceUrl ?? null },
        { sha256: request?.sha256 ?? null, policyVersion: request?.policyVersion ?? null },
        now,
      )),
    );
  }
  if (pending.length > 0 && !contact.confirmed_at) {
    queries.push(db.updateTable('contacts').set({ confirmed_at: now, updated_at: now }).where('id', '=', contact.id).compile());
  }
  if (pending.length > 0) {
    // A new double opt-in after an erasure: the address is no longer suppressed.
    queries.push(
      db.deleteFrom('suppressions').where('site_id', '=', site.id).where('email_hash', '=', contact.email_hash).compile(),
    );
    // Named after the requests it answers, so that two links pressed at once for the same
    // requests queue one welcome (the outbox keeps the first of two equal ids).
    const answered = pending.map((key) => `${key}:${requests.get(key)?.eventId ?? 0}`).sort().join(',');
    const welcomeId = `welcome-${(await sha256Hex(`${contact.id}|${answered}`)).slice(0, 32)}`;
    queries.push(await welcomeMailQuery(deps, site, contact, welcomeId, pending));
  }
  await deps.atomic(queries);
  if (pending.length > 0) deps.mailQueued();
}

/** Categories of the link that are granted now: what the "you are confirmed" page lists. */
export async function grantedOf(deps: Deps, context: ConfirmationContext): Promise<string[]> {
  const statuses = await emailConsentStatuses(deps.db, context.contact.id);
  return context.categories.filter((key) => statuses.get(key) === 'granted');
}

/**
 * A fresh link for an expired one, to the stored address (never one typed now), for whatever
 * is still pending, within the same per-address limit as signups.
 */
export async function resendConfirmation(deps: Deps, context: ConfirmationContext): Promise<void> {
  const { site, contact } = context;
  const statuses = await emailConsentStatuses(deps.db, contact.id);
  const pending = [...statuses].filter(([, status]) => status === 'pending').map(([key]) => key);
  if (pending.length === 0 || !(await mayMailConfirmation(deps, contact.id))) return;
  await deps.atomic(await confirmationMailQueries(deps, site, contact, pending));
  deps.mailQueued();
}
