// Withdrawing consent (unsubscribe links, one-click, the preference page) and undoing an
// unsubscribe. Opt-outs apply in the same request; every change is a new ledger event.
import type { CompiledQuery } from 'kysely';
import { emailConsentStatuses } from '../db/consents.ts';
import type { StatusGuard } from '../db/ledger.ts';
import type { ConsentAction, ConsentStatus } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { changeQueries, type Evidence, type EventEvidence, type Subject, type Wording } from './consent-change.ts';

const NO_WORDING: Wording = { sha256: null, policyVersion: null };
const WITHDRAWABLE: StatusGuard = { in: ['granted', 'pending'] };

/**
 * Withdraws these categories where they are granted or pending. Returns the ids of the events
 * it wrote (none when everything was already withdrawn: unsubscribing twice is harmless).
 */
export async function withdraw(
  deps: Deps,
  subject: Subject,
  keys: readonly string[],
  method: string,
  evidence: EventEvidence,
  wording: Wording = NO_WORDING,
): Promise<number[]> {
  const now = deps.clock.now().toISOString();
  const statuses = await emailConsentStatuses(deps.db, subject.contact.id);
  const active = keys.filter((key) => statuses.get(key) === 'granted' || statuses.get(key) === 'pending');
  if (active.length === 0) return [];
  const queries = await Promise.all(
    active.map((key) =>
      changeQueries(deps, subject, { key, action: 'withdrawn', status: 'withdrawn', method, guard: WITHDRAWABLE }, evidence, wording, now),
    ),
  );
  await deps.atomic(queries.flat());
  const written = await deps.db
    .selectFrom('consent_events')
    .select('id')
    .where('contact_id', '=', subject.contact.id)
    .where('action', '=', 'withdrawn')
    .where('method', '=', method)
    .where('occurred_at', '=', now)
    .where('category_key', 'in', active)
    .orderBy('id')
    .execute();
  return written.map((row) => row.id);
}

const STATUS_AFTER: Record<ConsentAction, ConsentStatus> = {
  requested: 'pending',
  confirmed: 'granted',
  granted: 'granted',
  withdrawn: 'withdrawn',
  erased: 'withdrawn',
};

export const UNDOABLE_METHODS = ['one_click', 'unsubscribe_page'];

/**
 * Puts back exactly what these unsubscribe events took away (pending stays pending, granted
 * stays granted), as new `unsubscribe_undo` events. An event that is no longer the latest for
 * its category (something happened since) is left alone. Returns the restored category keys.
 */
export async function undoWithdrawals(
  deps: Deps,
  subject: Subject,
  eventIds: readonly number[],
  evidence: Evidence,
): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const withdrawals = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('contact_id', '=', subject.contact.id)
    .where('id', 'in', eventIds)
    .where('action', '=', 'withdrawn')
    .where('method', 'in', UNDOABLE_METHODS)
    .execute();
  const queries: CompiledQuery[] = [];
  const restored: string[] = [];
  for (const withdrawal of withdrawals) {
    const history = await db
      .selectFrom('consent_events')
      .selectAll()
      .where('contact_id', '=', subject.contact.id)
      .where('category_key', '=', withdrawal.category_key)
      .where('channel', '=', withdrawal.channel)
      .orderBy('id', 'desc')
      .limit(1)
      .where('id', '<', withdrawal.id)
      .execute();
    const latest = await db
      .selectFrom('consent_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('contact_id', '=', subject.contact.id)
      .where('category_key', '=', withdrawal.category_key)
      .executeTakeFirst();
    const before = history[0];
    if (!before || latest?.id !== withdrawal.id) continue;
    const status = STATUS_AFTER[before.action];
    if (status === 'withdrawn') continue;
    queries.push(
      ...(await changeQueries(
        deps,
        subject,
        {
          key: withdrawal.category_key,
          action: status === 'granted' ? 'granted' : 'requested',
          status,
          method: 'unsubscribe_undo',
          guard: { in: ['withdrawn'] },
        },
        { ...evidence, sourceUrl: before.source_url },
        { sha256: before.consent_text_sha256, policyVersion: before.policy_version },
        now,
      )),
    );
    restored.push(withdrawal.category_key);
  }
  if (queries.length > 0) await deps.atomic(queries);
  return restored;
}
