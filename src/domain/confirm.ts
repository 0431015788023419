// Double opt-in, second half. Reading a link changes nothing (mail scanners open every link);
// only the button's POST confirms, once, the categories the link names that are still pending.
import { sql, type CompiledQuery } from 'kysely';
import { findContact } from '../db/contacts.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import { latestRequests } from '../db/events.ts';
import { contactChangedBy } from '../db/ledger.ts';
import type { ConfirmationRow, ContactRow, SiteRow } from '../db/schema.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { changeQueries, type Evidence } from './consent-change.ts';
import { confirmationMailQueries } from './confirmation-mail.ts';
import { decryptedMailboxHash, linkStillValid } from './contact-guards.ts';
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
  // revoke-links (and erasure) bump the epoch: links mailed before stop confirming. Links made
  // before confirmation tokens carried an epoch count as epoch 0.
  if ((claims.epoch ?? 0) !== contact.token_epoch) return null;
  return { site, contact, confirmation, categories: JSON.parse(confirmation.categories) as string[] };
}

/**
 * Confirms an open link; a spent one is left alone (pressing twice is harmless). Every effect is
 * guarded inside the batch: categories only while still pending and the link not revoked; the
 * contact's confirmed_at, the lifted suppression and the welcome mail only where this very batch
 * confirmed (not after a concurrent erasure or one-click withdrew).
 */
export async function confirm(deps: Deps, context: ConfirmationContext, evidence: Evidence): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
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
  const linkValid = linkStillValid(contact.id, contact.token_epoch);
  for (const key of pending) {
    const request = requests.get(key);
    queries.push(
      ...(await changeQueries(
        deps,
        context,
        { key, action: 'confirmed', status: 'granted', method: 'confirmation_link', guard: { in: ['pending'] }, condition: linkValid },
        { ...evidence, sourceUrl: request?.sourceUrl ?? null },
        { sha256: request?.sha256 ?? null, policyVersion: request?.policyVersion ?? null },
        now,
        batch,
      )),
    );
  }
  if (pending.length > 0) {
    const confirmedNow = contactChangedBy(contact.id, batch);
    queries.push(
      sql`UPDATE contacts SET confirmed_at = ${now}, updated_at = ${now}
        WHERE id = ${contact.id} AND confirmed_at IS NULL AND ${confirmedNow}`.compile(db),
      // A new double opt-in after an erasure: the address is no longer suppressed.
      sql`DELETE FROM suppressions WHERE site_id = ${site.id} AND email_hash = ${contact.email_hash} AND ${confirmedNow}`.compile(db),
    );
    // Named after the requests it answers, so that two links pressed at once for the same
    // requests queue one welcome (the outbox keeps the first of two equal ids); and only when
    // this batch confirmed every category it names.
    const answered = pending.map((key) => `${key}:${requests.get(key)?.eventId ?? 0}`).sort().join(',');
    const welcomeId = `welcome-${(await sha256Hex(`${contact.id}|${answered}`)).slice(0, 32)}`;
    // The forms the requests came through, each once, in ledger order.
    const methods = pending.flatMap((key) => requests.get(key) ?? []).sort((a, b) => a.eventId - b.eventId).map((request) => request.method);
    const consent = { confirmedAt: new Date(now), requestMethods: [...new Set(methods)] };
    queries.push(await welcomeMailQuery(deps, site, contact, welcomeId, pending, consent, contactChangedBy(contact.id, batch, { every: pending })));
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
  if (pending.length === 0 || contact.email === '') return;
  // Still pending when the batch runs, the link not revoked meanwhile, within the inbox limit.
  const stillPending = sql<boolean>`EXISTS (SELECT 1 FROM consents WHERE contact_id = ${contact.id}
    AND status = 'pending' AND category_key IN (${sql.join(pending)}))`;
  await deps.atomic(
    await confirmationMailQueries(deps, site, contact, pending, {
      mailboxHash: await decryptedMailboxHash(deps, contact),
      when: sql<boolean>`${stillPending} AND ${linkStillValid(contact.id, contact.token_epoch)}`,
    }),
  );
  deps.mailQueued();
}
