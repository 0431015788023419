// Appending to the ledger. Each event is an INSERT ... SELECT guarded by the consent's current
// status, so two concurrent requests cannot record the same change twice, and the guard and the
// state update run in one atomic batch.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Channel, ConsentAction, ConsentStatus, Database } from './schema.ts';

export interface LedgerEvent {
  siteId: string;
  contactId: string;
  categoryKey: string;
  channel: Channel;
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
}

/** Guard on the consent row: `in` needs its status to be one of these, `notIn` none of them. */
export type StatusGuard = { in: ConsentStatus[] } | { notIn: ConsentStatus[] };

export function appendEventQuery(db: Kysely<Database>, event: LedgerEvent, guard: StatusGuard): CompiledQuery {
  const statuses = 'in' in guard ? guard.in : guard.notIn;
  const matching = db
    .selectFrom('consents')
    .select('status')
    .where('contact_id', '=', event.contactId)
    .where('category_key', '=', event.categoryKey)
    .where('channel', '=', event.channel)
    .where('status', 'in', statuses);
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
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  return db
    .insertInto('consent_events')
    .columns(columns)
    .expression(
      db
        .selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)))
        .where(({ exists, not }) => ('in' in guard ? exists(matching) : not(exists(matching)))),
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

/** Sets the consent's status, creating the row if needed; an existing row changes only as `guard` allows. */
export function setConsentQuery(
  db: Kysely<Database>,
  key: { siteId: string; contactId: string; categoryKey: string; channel: Channel },
  status: ConsentStatus,
  now: string,
  guard: StatusGuard,
): CompiledQuery {
  return db
    .insertInto('consents')
    .values({
      contact_id: key.contactId,
      category_key: key.categoryKey,
      channel: key.channel,
      site_id: key.siteId,
      status,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['contact_id', 'category_key', 'channel'])
        .doUpdateSet({ status, updated_at: now })
        .where('consents.status', 'in' in guard ? 'in' : 'not in', 'in' in guard ? guard.in : guard.notIn),
    )
    .compile();
}
