// Appending to the ledger, race-safe without interactive transactions (D1 has none). A change is
// decided by one statement: the status-guarded upsert of the consent, which marks the row with
// the batch's id. The ledger event, its evidence, its webhook and every side effect of the
// batch follow only where that mark is the batch's own, so parallel requests that all read the
// same state before writing still record each change once, and nothing acts on a change that
// another request won.
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Channel, ConsentAction, ConsentBasis, ConsentStatus, Database } from './schema.ts';

export interface ConsentKey {
  siteId: string;
  contactId: string;
  categoryKey: string;
  channel: Channel;
}

export interface LedgerEvent extends ConsentKey {
  action: ConsentAction;
  method: string;
  occurredAt: string;
  sourceUrl: string | null;
  consentTextSha256: string | null;
  policyVersion: string | null;
  locale: string;
  /** Keyed MAC of the personal evidence (IP, user agent), which is stored apart, encrypted. */
  evidenceMac: string | null;
  /** Who recorded it for the person (an import's "api_key:<id>"); null or absent: themselves. */
  actor?: string | null;
  /** An import's stated basis and, for an implied one, the date it runs from; absent: express, ours. */
  basis?: ConsentBasis | null;
  relationshipAt?: string | null;
  /** The exact form a signup was submitted from (a key into `forms`); null or absent: none. */
  formSha256?: string | null;
}

/** Guard on the consent row: `in` needs its status to be one of these, `notIn` none of them (or no row). */
export type StatusGuard = { in: ConsentStatus[] } | { notIn: ConsentStatus[] };

/** A further SQL condition a change needs, checked in the same statement (a claim, a link's epoch). */
export type Condition = RawBuilder<boolean>;

/**
 * The deciding statement of a change: sets the status where the guard (and the condition) allow,
 * creating the row only when the guard allows its absence, and marks the row with `batch`.
 */
export function setConsentQuery(
  db: Kysely<Database>,
  key: ConsentKey,
  status: ConsentStatus,
  now: string,
  guard: StatusGuard,
  batch: string,
  condition?: Condition,
): CompiledQuery {
  const must = 'in' in guard;
  const statuses = must ? guard.in : guard.notIn;
  const rowExists = sql`EXISTS (SELECT 1 FROM consents WHERE contact_id = ${key.contactId}
    AND category_key = ${key.categoryKey} AND channel = ${key.channel})`;
  return sql`INSERT INTO consents (contact_id, category_key, channel, site_id, status, updated_at, change_id)
    SELECT ${key.contactId}, ${key.categoryKey}, ${key.channel}, ${key.siteId}, ${status}, ${now}, ${batch}
    WHERE ${condition ?? sql`1`} AND ${must ? rowExists : sql`1`}
    ON CONFLICT (contact_id, category_key, channel) DO UPDATE
      SET status = excluded.status, updated_at = excluded.updated_at, change_id = excluded.change_id
      WHERE consents.status ${sql.raw(must ? 'IN' : 'NOT IN')} (${sql.join(statuses)})`.compile(db);
}

/** True in SQL when `batch` changed this consent (place after its setConsentQuery). */
export function changedBy(key: Pick<ConsentKey, 'contactId' | 'categoryKey' | 'channel'>, batch: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM consents WHERE contact_id = ${key.contactId}
    AND category_key = ${key.categoryKey} AND channel = ${key.channel} AND change_id = ${batch})`;
}

/**
 * True in SQL when `batch` changed at least one consent of the contact (of `some` categories),
 * or each of the `every` categories (a welcome mail names every category it confirms).
 */
export function contactChangedBy(
  contactId: string,
  batch: string,
  keys?: { some: readonly string[] } | { every: readonly string[] },
): RawBuilder<boolean> {
  const changed = sql`FROM consents WHERE contact_id = ${contactId} AND change_id = ${batch}`;
  if (!keys) return sql<boolean>`EXISTS (SELECT 1 ${changed})`;
  const list = 'some' in keys ? keys.some : keys.every;
  if (list.length === 0) return sql<boolean>`0`;
  const among = sql`AND category_key IN (${sql.join([...list])})`;
  return 'some' in keys
    ? sql<boolean>`EXISTS (SELECT 1 ${changed} ${among})`
    : sql<boolean>`(SELECT count(*) ${changed} ${among}) = ${list.length}`;
}

/** The ledger event, written only when `batch` changed the consent it records. */
export function appendEventQuery(db: Kysely<Database>, event: LedgerEvent, batch: string): CompiledQuery {
  return appendEventWhenQuery(db, event, changedBy(event, batch));
}

/**
 * The ledger event, written only when `when` holds as the batch reaches it: for an event that
 * records no consent change (an inbound SMS's `replied`), guarded by what the batch claimed.
 */
export function appendEventWhenQuery(db: Kysely<Database>, event: LedgerEvent, when: Condition): CompiledQuery {
  const row = {
    site_id: event.siteId,
    contact_id: event.contactId,
    category_key: event.categoryKey,
    channel: event.channel,
    action: event.action,
    method: event.method,
    occurred_at: event.occurredAt,
    source_url: event.sourceUrl,
    consent_text_sha256: event.consentTextSha256,
    policy_version: event.policyVersion,
    locale: event.locale,
    evidence_mac: event.evidenceMac,
    actor: event.actor ?? null,
    basis: event.basis ?? null,
    relationship_at: event.relationshipAt ?? null,
    form_sha256: event.formSha256 ?? null,
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  // Counted as the row is written, inside the batch: the contact's events before this one.
  const contactSeq = sql<number>`(SELECT count(*) FROM consent_events WHERE contact_id = ${event.contactId})`.as('contact_seq');
  return db
    .insertInto('consent_events')
    .columns([...columns, 'contact_seq'])
    .expression(
      db.selectNoFrom((eb) => [...columns.map((column) => eb.val(row[column]).as(column)), contactSeq]).where(when),
    )
    .compile();
}

/**
 * The event's personal evidence, already encrypted. It must come right after its
 * appendEventQuery in the same batch: it attaches to the row that query inserted, and to
 * nothing when the guard let no row in (changes() and last_insert_rowid() are the
 * connection's, and a batch runs in order on one connection, on D1 as in better-sqlite3).
 */
export function attachEvidenceQuery(
  db: Kysely<Database>,
  encrypted: { ip: string | null; userAgent: string | null; note?: string | null },
): CompiledQuery {
  return sql`INSERT INTO event_evidence (event_id, ip, user_agent, note)
    SELECT last_insert_rowid(), ${encrypted.ip}, ${encrypted.userAgent}, ${encrypted.note ?? null} WHERE changes() = 1`.compile(db);
}
