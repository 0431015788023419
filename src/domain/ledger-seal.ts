// The tamper-evident ledger. A sealing step walks the ledger in id order and records, for each
// event, hash(n) = SHA-256(hash(n-1) + "\n" + canonical JSON of event n). Verification redoes
// the walk: an edited, deleted or reordered event breaks the chain at the first bad event.
//
// Writers never compute hashes, so concurrent writers (many Workers at once) cannot fork the
// chain; sealing is deterministic, so two sealers running at once write identical seals and
// the second one's inserts are ignored.
import type { Kysely } from 'kysely';
import type { ConsentEventRow, Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { evidenceMac } from './consent-change.ts';
import { sha256Hex } from './ids.ts';

export const GENESIS = 'assent-ledger-v1';

/**
 * Every column of the ledger row, in a fixed order; personal evidence only as its MAC.
 *
 * The actor (migration 0009) is appended only when it is not null. Events sealed before that
 * migration have a null actor, and their hashes were computed over the array without it: always
 * appending it would change every earlier canonical form and break the whole sealed chain. A
 * non-null actor is still covered, and null cannot be forged into a value (or back) without
 * changing the canonical text. The same holds for the columns added since (below).
 */
export function canonicalEvent(event: ConsentEventRow): string {
  const columns: unknown[] = [
    event.id,
    event.site_id,
    event.contact_id,
    event.category_key,
    event.channel,
    event.action,
    event.method,
    event.occurred_at,
    event.source_url,
    event.consent_text_sha256,
    event.policy_version,
    event.locale,
    event.evidence_mac,
  ];
  if (event.actor !== null && event.actor !== undefined) columns.push(event.actor);
  const later = laterColumns(event);
  if (later) columns.push(later);
  return JSON.stringify(columns);
}

/**
 * Columns added after the actor (migration 0014: an import's basis and relationship date;
 * migration 0015: the event's place in its contact's history and the form it came from), by
 * name, only those set, in one object, keys in this fixed order; undefined when none is. By name
 * because any of them may be set without the others, and an object cannot be mistaken for the
 * actor's string: moving a value from one column to another changes the canonical text.
 */
function laterColumns(event: ConsentEventRow): Record<string, unknown> | undefined {
  const named = { basis: event.basis, relationship_at: event.relationship_at, contact_seq: event.contact_seq, form_sha256: event.form_sha256 };
  const set = Object.entries(named).filter(([, value]) => value !== null && value !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

export function chainHash(previous: string, event: ConsentEventRow): Promise<string> {
  return sha256Hex(`${previous}\n${canonicalEvent(event)}`);
}

async function lastSeal(db: Kysely<Database>) {
  return db.selectFrom('ledger_seals').selectAll().orderBy('event_id', 'desc').limit(1).executeTakeFirst();
}

/** The last sealed event and its hash: the head, which covers every event before it. */
export async function ledgerHead(db: Kysely<Database>): Promise<{ eventId: number; hash: string } | null> {
  const last = await lastSeal(db);
  return last ? { eventId: last.event_id, hash: last.hash } : null;
}

const SEALS_PER_INSERT = 33;

/** Seals up to `limit` unsealed events; returns how many. Safe to run from several places. */
export async function sealLedger(deps: Pick<Deps, 'db' | 'atomic' | 'clock'>, limit = 500): Promise<number> {
  const { db } = deps;
  const last = await lastSeal(db);
  const events = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('id', '>', last?.event_id ?? 0)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (events.length === 0) return 0;
  let previous = last?.hash ?? GENESIS;
  const now = deps.clock.now().toISOString();
  const seals = [];
  for (const event of events) {
    previous = await chainHash(previous, event);
    seals.push({ event_id: event.id, hash: previous, sealed_at: now });
  }
  // D1 binds at most 100 parameters per statement (three per seal): the seals go in slices, all
  // in one batch.
  const inserts = [];
  for (let i = 0; i < seals.length; i += SEALS_PER_INSERT) {
    inserts.push(
      db
        .insertInto('ledger_seals')
        .values(seals.slice(i, i + SEALS_PER_INSERT))
        .onConflict((oc) => oc.column('event_id').doNothing())
        .compile(),
    );
  }
  await deps.atomic(inserts);
  return events.length;
}

export type LedgerProblem =
  | { kind: 'altered'; eventId: number }
  | { kind: 'deleted'; eventId: number }
  | { kind: 'inserted'; eventId: number }
  | { kind: 'evidence_altered'; eventId: number };

export interface LedgerReport {
  ok: boolean;
  events: number;
  sealed: number;
  /** The first problem in ledger order; null when the ledger verifies. */
  problem: LedgerProblem | null;
  /** Hash of the last sealed event: keep it elsewhere to detect a truncated tail later. */
  head: { eventId: number; hash: string } | null;
}

/**
 * Walks the whole ledger against its seals. Reads only; streams in pages so a large ledger
 * does not load at once.
 */
export async function verifyLedger(deps: Pick<Deps, 'db' | 'cipher' | 'config'>, pageSize = 1000): Promise<LedgerReport> {
  const { db } = deps;
  let previous = GENESIS;
  let afterId = 0;
  let events = 0;
  let sealed = 0;
  let head: LedgerReport['head'] = null;
  let unsealed: number | null = null;
  const fail = (problem: LedgerProblem): LedgerReport => ({ ok: false, events, sealed, problem, head });

  for (;;) {
    const page = await db
      .selectFrom('consent_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    const lastPage = page.length < pageSize;
    // On the last page, seals past the last event too: those events were deleted.
    const lastId = lastPage ? Number.MAX_SAFE_INTEGER : page.at(-1)!.id;
    // selectAll, not named columns: the import note (migration 0009) is read when the column
    // exists, so a database not yet migrated verifies too.
    const evidenceRows = await db
      .selectFrom('event_evidence')
      .selectAll()
      .where('event_id', '>', afterId)
      .where('event_id', '<=', lastId)
      .execute();
    const evidenceOf = new Map(evidenceRows.map((row) => [row.event_id, row]));
    const seals = await db
      .selectFrom('ledger_seals')
      .selectAll()
      .where('event_id', '>', afterId)
      .where('event_id', '<=', lastId)
      .orderBy('event_id')
      .execute();
    const sealOf = new Map(seals.map((seal) => [seal.event_id, seal]));
    // A seal whose event is gone: the event was deleted.
    const eventIds = new Set(page.map((event) => event.id));
    const orphan = seals.find((seal) => !eventIds.has(seal.event_id));
    for (const event of page) {
      if (orphan && orphan.event_id < event.id) return fail({ kind: 'deleted', eventId: orphan.event_id });
      events++;
      const seal = sealOf.get(event.id);
      if (!seal) {
        // The unsealed tail: new events the sealing step has not reached yet.
        unsealed ??= event.id;
        continue;
      }
      // Sealing goes in id order: an unsealed event before a sealed one was slipped in later.
      if (unsealed !== null) return fail({ kind: 'inserted', eventId: unsealed });
      previous = await chainHash(previous, event);
      if (seal.hash !== previous) return fail({ kind: 'altered', eventId: event.id });
      sealed++;
      head = { eventId: event.id, hash: seal.hash };
      const evidence = evidenceOf.get(event.id);
      if (evidence && event.evidence_mac !== null) {
        const decrypt = (value: string | null | undefined) => (value == null ? null : deps.cipher.decrypt(value));
        const mac = await evidenceMac(deps.config.lookupKey, {
          ip: await decrypt(evidence.ip),
          userAgent: await decrypt(evidence.user_agent),
          note: await decrypt(evidence.note),
        });
        if (mac !== event.evidence_mac) return fail({ kind: 'evidence_altered', eventId: event.id });
      }
    }
    if (orphan) return fail({ kind: 'deleted', eventId: orphan.event_id });
    if (lastPage) break;
    afterId = lastId;
  }
  return { ok: true, events, sealed, problem: null, head };
}
