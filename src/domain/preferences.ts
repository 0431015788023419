// The preference page's changes. An unticked box withdraws. A ticked box grants directly (method
// preference_page) only for a contact who has confirmed an address of ours by double opt-in:
// the link then proves control of a mailbox that once proved itself. A link the operator minted
// (the links API) for a contact who never confirmed proves nothing of the person's will, so
// there a ticked box asks for a confirmation by email instead, as a signup does. Only
// categories the page showed are touched, and saving an unchanged state writes nothing.
// A granted consent that lapsed (its implied basis ran out, or its terms changed materially
// since) shows unticked with a notice: ticking it grants again under the terms shown, and
// leaving it unticked is no change, as for a pending one.
import { sql, type CompiledQuery } from 'kysely';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { consentStatuses, emailConsentStatuses } from '../db/consents.ts';
import { grantStillInForce } from '../db/grants.ts';
import { contactChangedBy } from '../db/ledger.ts';
import type { Deps } from '../deps.ts';
import type { ConsentWording } from './consent-wording.ts';
import { changeQueries, type Evidence, type Subject } from './consent-change.ts';
import { confirmationMailQueries } from './confirmation-mail.ts';
import { decryptedMailboxHash, linkStillValid } from './contact-guards.ts';
import { lapsedConsents } from './lapsed-consents.ts';

export interface PreferenceChange {
  key: string;
  /** `requested`: a confirmation email went out (or will, within the inbox limit). */
  action: 'granted' | 'withdrawn' | 'requested';
}

export async function savePreferences(
  deps: Deps,
  subject: Subject,
  choice: { optIn: readonly string[]; shown: readonly string[]; checked: readonly string[] },
  wording: ConsentWording,
  evidence: Evidence & { sourceUrl: string; locale: string },
): Promise<PreferenceChange[]> {
  const { contact } = subject;
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const statuses = await emailConsentStatuses(deps.db, contact.id);
  const lapsed = await lapsedConsents(deps, subject.site, contact.id);
  const checked = new Set(choice.checked);
  const confirmed = contact.confirmed_at !== null;
  const changes: PreferenceChange[] = [];
  /** Lapsed consents ticked again: the grant each one replaces. */
  const renews = new Map<string, number>();
  for (const key of choice.shown) {
    if (!choice.optIn.includes(key)) continue;
    const status = statuses.get(key);
    const lapse = status === 'granted' ? lapsed.get(key) : undefined;
    if (checked.has(key) && (status !== 'granted' || lapse)) {
      changes.push({ key, action: confirmed ? 'granted' : 'requested' });
      if (lapse) renews.set(key, lapse.grantId);
    }
    // A pending or lapsed category shows unticked: leaving it so is no change, not a withdrawal.
    if (!checked.has(key) && status === 'granted' && !lapse) changes.push({ key, action: 'withdrawn' });
  }
  if (changes.length === 0) return [];
  // A grant speaks for the person only while the link does (not revoked, not erased since) and
  // the contact is still one who confirmed; both checked as the batch runs.
  const mayGrant = sql<boolean>`${linkStillValid(contact.id, contact.token_epoch)}
    AND EXISTS (SELECT 1 FROM contacts WHERE id = ${contact.id} AND confirmed_at IS NOT NULL)`;
  const queries: CompiledQuery[] = [storeConsentTextQuery(deps.db, wording, now)];
  for (const { key, action } of changes) {
    // A lapsed grant is replaced only while it is still the grant in force as the batch runs.
    const replaced = renews.get(key);
    const renewing = replaced === undefined ? null : grantStillInForce(contact.id, key, replaced);
    const fromStatus = renewing ? { in: ['granted' as const] } : { notIn: ['granted' as const] };
    const change =
      action === 'withdrawn'
        ? { key, action, status: 'withdrawn' as const, method: 'preference_page', guard: { in: ['granted' as const] } }
        : action === 'granted'
          ? { key, action, status: 'granted' as const, method: 'preference_page', guard: fromStatus, condition: renewing ? sql<boolean>`${mayGrant} AND ${renewing}` : mayGrant }
          : {
              key,
              action,
              status: 'pending' as const,
              method: 'preference_page',
              guard: fromStatus,
              condition: renewing
                ? sql<boolean>`${linkStillValid(contact.id, contact.token_epoch)} AND ${renewing}`
                : linkStillValid(contact.id, contact.token_epoch),
            };
    queries.push(...(await changeQueries(deps, subject, change, evidence, wording, now, batch)));
  }
  const requested = changes.filter((change) => change.action === 'requested').map((change) => change.key);
  if (requested.length > 0) {
    queries.push(
      ...(await confirmationMailQueries(deps, subject.site, contact, requested, {
        mailboxHash: await decryptedMailboxHash(deps, contact),
        when: contactChangedBy(contact.id, batch, { some: requested }),
      })),
    );
  }
  await deps.atomic(queries);
  if (requested.length > 0) deps.mailQueued();
  // What really changed: a concurrent save or erasure may have taken some of it first.
  const changed = await deps.db.selectFrom('consents').select('category_key').where('contact_id', '=', contact.id).where('change_id', '=', batch).execute();
  const keys = new Set(changed.map((row) => row.category_key));
  return changes.filter((change) => keys.has(change.key));
}

/**
 * The preference page's SMS choices: an unticked one stops (granted or still pending); ticking
 * grants nothing here, since a number is confirmed by a code (sms-confirm.ts), not by a link.
 */
export async function saveSmsChoices(
  deps: Deps,
  subject: Subject,
  choice: { shown: readonly string[]; checked: readonly string[] },
  wording: ConsentWording,
  evidence: Evidence & { sourceUrl: string; locale: string },
): Promise<string[]> {
  const { contact } = subject;
  const statuses = await consentStatuses(deps.db, contact.id, 'sms');
  const checked = new Set(choice.checked);
  const stopped = choice.shown.filter((key) => !checked.has(key) && (statuses.get(key) === 'granted' || statuses.get(key) === 'pending'));
  if (stopped.length === 0) return [];
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const queries: CompiledQuery[] = [storeConsentTextQuery(deps.db, wording, now)];
  for (const key of stopped) {
    queries.push(
      ...(await changeQueries(
        deps,
        subject,
        { key, channel: 'sms', action: 'withdrawn', status: 'withdrawn', method: 'preference_page', guard: { in: ['granted', 'pending'] }, condition: linkStillValid(contact.id, contact.token_epoch) },
        evidence,
        wording,
        now,
        batch,
      )),
    );
  }
  await deps.atomic(queries);
  const changed = await deps.db.selectFrom('consents').select('category_key').where('contact_id', '=', contact.id).where('channel', '=', 'sms').where('change_id', '=', batch).execute();
  return changed.map((row) => row.category_key);
}

/** The language of the pages and emails this contact gets. */
export async function setContactLocale(deps: Deps, contactId: string, locale: string): Promise<void> {
  await deps.db
    .updateTable('contacts')
    .set({ locale, updated_at: deps.clock.now().toISOString() })
    .where('id', '=', contactId)
    .execute();
}
