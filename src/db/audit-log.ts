// The audit log of the operator API: one append-only row per request, the contacts a bulk request
// named, and the client address (encrypted) in tables of their own.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { AuditOutcome, Database } from './schema.ts';

export interface AuditRecord {
  keyId: string | null;
  /** The console operator; absent: an API request. */
  operatorId?: string | null;
  method: string;
  route: string;
  siteId: string | null;
  /** The one contact the request found. */
  contactId: string | null;
  /** Every contact a bulk request named (an import); may include contactId. */
  contactIds: readonly string[];
  status: number;
  occurredAt: string;
  outcome: AuditOutcome;
  attempt: number | null;
  /** Already encrypted; null when the runtime does not know the peer. */
  encryptedIp: string | null;
}

/**
 * The entry and its side rows, for one deps.atomic. The side rows find their entry as the
 * newest id: inside the batch (a transaction on Node, DB.batch on D1) nobody else can insert.
 */
export function auditEntryQueries(db: Kysely<Database>, record: AuditRecord): CompiledQuery[] {
  const queries: CompiledQuery[] = [
    db
      .insertInto('audit_log')
      .values({
        key_id: record.keyId,
        operator_id: record.operatorId ?? null,
        method: record.method,
        route: record.route,
        site_id: record.siteId,
        contact_id: record.contactId,
        status: record.status,
        occurred_at: record.occurredAt,
        outcome: record.outcome,
        attempt: record.attempt,
      })
      .compile(),
  ];
  const newest = sql<number>`(SELECT max(id) FROM audit_log)`;
  if (record.encryptedIp !== null) {
    queries.push(db.insertInto('audit_clients').values({ audit_id: newest, ip: record.encryptedIp }).compile());
  }
  const contacts = [...new Set(record.contactIds)];
  if (contacts.length > 0) {
    queries.push(
      sql`INSERT INTO audit_contacts (contact_id, audit_id)
          SELECT value, ${newest} FROM json_each(${JSON.stringify(contacts)})`.compile(db),
    );
  }
  return queries;
}

export interface AuditPage {
  limit: number;
  before?: number | undefined;
  /** Entries that found this contact or named it among others. */
  contact?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Entries of this console operator. */
  operator?: string | undefined;
  /** Entries at or after this moment (ISO 8601). */
  from?: string | undefined;
  /** Entries before this moment (ISO 8601). */
  to?: string | undefined;
}

export async function listAuditEntries(db: Kysely<Database>, page: AuditPage) {
  let select = db
    .selectFrom('audit_log')
    .leftJoin('audit_clients', 'audit_clients.audit_id', 'audit_log.id')
    .selectAll('audit_log')
    .select('audit_clients.ip as encrypted_ip')
    .orderBy('audit_log.id', 'desc')
    .limit(page.limit);
  if (page.before !== undefined) select = select.where('audit_log.id', '<', page.before);
  if (page.outcome !== undefined) select = select.where('audit_log.outcome', '=', page.outcome);
  if (page.operator !== undefined) select = select.where('audit_log.operator_id', '=', page.operator);
  if (page.from !== undefined) select = select.where('audit_log.occurred_at', '>=', page.from);
  if (page.to !== undefined) select = select.where('audit_log.occurred_at', '<', page.to);
  const contact = page.contact;
  if (contact !== undefined) {
    select = select.where((eb) =>
      eb.or([
        eb('audit_log.contact_id', '=', contact),
        eb('audit_log.id', 'in', eb.selectFrom('audit_contacts').select('audit_id').where('contact_id', '=', contact)),
      ]),
    );
  }
  const rows = await select.execute();
  const named = new Map<number, string[]>();
  if (rows.length > 0) {
    const links = await db
      .selectFrom('audit_contacts')
      .select(['audit_id', 'contact_id'])
      // One JSON parameter for the page's ids: D1 binds at most 100 per query.
      .where(sql<boolean>`audit_id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((row) => row.id))}))`)
      .orderBy('audit_id')
      .orderBy('contact_id')
      .execute();
    for (const link of links) {
      const list = named.get(link.audit_id);
      if (list) list.push(link.contact_id);
      else named.set(link.audit_id, [link.contact_id]);
    }
  }
  return rows.map((row) => ({ ...row, contact_ids: named.get(row.id) ?? [] }));
}
