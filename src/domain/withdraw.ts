// Withdrawing consent (unsubscribe links, one-click, the preference page) and undoing an
// unsubscribe. Opt-outs apply in the same request; every change is a new ledger event.
import { sql } from 'kysely';
import type { StatusGuard } from '../db/ledger.ts';
import type { ConsentAction, ConsentStatus } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { changeQueries, type Evidence, type EventEvidence, type Subject, type Wording } from './consent-change.ts';
import { linkStillValid } from './contact-guards.ts';

const NO_WORDING: Wording = { sha256: null, policyVersion: null };
const WITHDRAWABLE: StatusGuard = { in: ['granted', 'pending'] };

/**
 * Withdraws these categories where they are granted or pending. Returns the ids of the events
 * it wrote (none when everything was already withdrawn, here or by a request at the same time:
 * unsubscribing twice is harmless).
 */
export async function withdraw(
  deps: Deps,
  subject: Subject,
  keys: readonly string[],
  method: string,
  evidence: EventEvidence,
  wording: Wording = NO_WORDING,
): Promise<number[]> {
  if (keys.length === 0) return [];
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const queries = await Promise.all(
    keys.map((key) =>
      changeQueries(deps, subject, { key, action: 'withdrawn', status: 'withdrawn', method, guard: WITHDRAWABLE }, evidence, wording, now, batch),
    ),
  );
  await deps.atomic(queries.flat());
  // This batch's events: the latest withdrawal of each consent the batch changed (a consent
  // still marked with the batch has had no change since, so its latest event is this one).
  const written = await db
    .selectFrom('consent_events as e')
    .innerJoin('consents as c', (join) =>
      join.onRef('c.contact_id', '=', 'e.contact_id').onRef('c.category_key', '=', 'e.category_key').onRef('c.channel', '=', 'e.channel'),
    )
    .select((eb) => eb.fn.max('e.id').as('id'))
    .where('c.change_id', '=', batch)
    .where('e.contact_id', '=', subject.contact.id)
    .where('e.action', '=', 'withdrawn')
    .groupBy('e.category_key')
    .orderBy('id')
    .execute();
  return written.map((row) => row.id);
}

/** The status each action leaves (a reply that changed nothing leaves none: it is skipped). */
const STATUS_AFTER: Record<Exclude<ConsentAction, 'replied'>, ConsentStatus> = {
  requested: 'pending',
  confirmed: 'granted',
  granted: 'granted',
  withdrawn: 'withdrawn',
  erased: 'withdrawn',
  resubscribed: 'granted',
};

/** Only what a person did on the unsubscribe page; a mailbox provider's one-click has no undo. */
export const UNDOABLE_METHOD = 'unsubscribe_page';

export type UndoOutcome = { ok: true; restored: string[] } | { ok: false };

/**
 * Puts back exactly what these unsubscribe-page withdrawals took away (pending stays pending,
 * granted stays granted), as new `unsubscribe_undo` events. Each is reversed only while it is
 * still the latest event of its category, checked inside the write: so an undo works once, and
 * never after anything else happened to the category. `epoch` is the contact's token epoch
 * when the undo was offered: revoking links or erasing the contact since voids it.
 * Not ok when the events are not such withdrawals of this contact, or none is the latest any more.
 */
export async function undoWithdrawals(
  deps: Deps,
  subject: Subject,
  eventIds: readonly number[],
  epoch: number,
  evidence: Evidence,
): Promise<UndoOutcome> {
  if (eventIds.length === 0) return { ok: false };
  const { db } = deps;
  const contactId = subject.contact.id;
  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const withdrawals = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('id', 'in', [...eventIds])
    .where('action', '=', 'withdrawn')
    .where('method', '=', UNDOABLE_METHOD)
    .execute();
  if (withdrawals.length !== new Set(eventIds).size) return { ok: false };
  const queries = [];
  const offered: string[] = [];
  for (const withdrawal of withdrawals) {
    const before = await db
      .selectFrom('consent_events')
      .selectAll()
      .where('contact_id', '=', contactId)
      .where('category_key', '=', withdrawal.category_key)
      .where('channel', '=', withdrawal.channel)
      .where('id', '<', withdrawal.id)
      .where('action', '!=', 'replied')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const status = before ? STATUS_AFTER[before.action as Exclude<ConsentAction, 'replied'>] : 'withdrawn';
    if (!before || status === 'withdrawn') continue;
    const stillLatest = sql<boolean>`(SELECT max(id) FROM consent_events WHERE contact_id = ${contactId}
      AND category_key = ${withdrawal.category_key} AND channel = ${withdrawal.channel}) = ${withdrawal.id}`;
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
          condition: sql<boolean>`${stillLatest} AND ${linkStillValid(contactId, epoch)}`,
        },
        { ...evidence, sourceUrl: before.source_url },
        { sha256: before.consent_text_sha256, policyVersion: before.policy_version },
        now,
        batch,
      )),
    );
    offered.push(withdrawal.category_key);
  }
  if (queries.length > 0) await deps.atomic(queries);
  const changed = await db.selectFrom('consents').select('category_key').where('contact_id', '=', contactId).where('change_id', '=', batch).execute();
  const restored = new Set(changed.map((row) => row.category_key));
  if (restored.size === 0) return { ok: false };
  return { ok: true, restored: offered.filter((key) => restored.has(key)) };
}
