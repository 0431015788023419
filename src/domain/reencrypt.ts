// Key rotation: re-encrypts every encrypted column under the first key of ENCRYPTION_KEYS, in
// bounded batches, while the service keeps serving. Each update is guarded by the value it read,
// so a row changed meanwhile is left for the next pass rather than overwritten. Legacy plaintext
// (rows from before encryption) is encrypted the same way.
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';

/** Every column that holds personal data at rest, with its table's key. */
export const ENCRYPTED_COLUMNS = [
  { table: 'contacts', key: 'id', column: 'email' },
  { table: 'contacts', key: 'id', column: 'name' },
  { table: 'contacts', key: 'id', column: 'phone' },
  { table: 'event_evidence', key: 'event_id', column: 'ip' },
  { table: 'event_evidence', key: 'event_id', column: 'user_agent' },
  { table: 'event_evidence', key: 'event_id', column: 'note' },
  { table: 'outbox', key: 'id', column: 'to_address' },
  { table: 'dev_mailbox', key: 'id', column: 'to_addresses' },
  { table: 'sms_outbox', key: 'id', column: 'to_number' },
  { table: 'dev_sms', key: 'id', column: 'to_number' },
  { table: 'webhook_endpoints', key: 'id', column: 'secret' },
  { table: 'audit_clients', key: 'audit_id', column: 'ip' },
] as const;

export interface RotationReport {
  /** "table.column" -> values re-encrypted. */
  reencrypted: Record<string, number>;
  /** Values that changed while the pass ran, left for the next pass. */
  left: number;
}

const ENCRYPTED_UNDER = 'encrypted_under' as const;

/** The encrypted columns grouped by table: each table is read once, every column at a time. */
const TABLES = [...new Set(ENCRYPTED_COLUMNS.map((c) => c.table))].map((table) => {
  const columns = ENCRYPTED_COLUMNS.filter((c) => c.table === table);
  return { table, key: columns[0]!.key, columns: columns.map((c) => c.column) };
});

/**
 * Walks every table in pages of its key (`batchSize` rows a read), so each read costs the same
 * however large the table, and waits a turn of the event loop between pages: every start runs
 * this pass, and with a million contacts one whole-table query per column held the server
 * (better-sqlite3 is synchronous) for seconds before it answered its first request.
 */
export async function reencryptAll(
  deps: Pick<Deps, 'db' | 'cipher' | 'clock'>,
  options: { batchSize?: number; onBatch?: (column: string, done: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 1000;
  const report: RotationReport = { reencrypted: {}, left: 0 };
  for (const { table, key, columns } of TABLES) {
    for (const column of columns) report.reencrypted[`${table}.${column}`] = 0;
    let after: string | number | null = null;
    for (;;) {
      const rows = (await sql<Record<string, string | number | null>>`
        SELECT ${sql.ref(key)} AS pk, ${sql.join(columns.map((column) => sql.ref(column)))} FROM ${sql.table(table)}
        ${after === null ? sql`` : sql`WHERE ${sql.ref(key)} > ${after}`}
        ORDER BY ${sql.ref(key)} LIMIT ${batchSize}`.execute(deps.db)).rows;
      if (rows.length === 0) break;
      after = rows.at(-1)!.pk as string | number;
      for (const column of columns) {
        const name = `${table}.${column}`;
        const before = report.reencrypted[name]!;
        for (const row of rows) {
          const value = row[column];
          if (typeof value !== 'string' || value === '' || deps.cipher.isCurrent(value)) continue;
          const fresh = await deps.cipher.encrypt(await deps.cipher.decrypt(value));
          // Guarded by the value read: a row changed meanwhile is left for the next pass.
          const result = await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${fresh}
            WHERE ${sql.ref(key)} = ${row.pk} AND ${sql.ref(column)} = ${value}`.execute(deps.db);
          const changed = Number(result.numAffectedRows ?? 0n);
          report.reencrypted[name] = report.reencrypted[name]! + changed;
          if (changed === 0) report.left++;
        }
        if (report.reencrypted[name] !== before) options.onBatch?.(name, report.reencrypted[name]!);
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  // Everything is under the current key now: starts with this key may skip the pass.
  if (report.left === 0) {
    const mark = { name: ENCRYPTED_UNDER, value: deps.cipher.currentKeyId, updated_at: deps.clock.now().toISOString() };
    await deps.db
      .insertInto('maintenance_marks')
      .values(mark)
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: mark.value, updated_at: mark.updated_at }))
      .execute();
  }
  return report;
}


/**
 * What a start runs: the whole pass only when the last complete one was not under the current
 * key (a new first key in ENCRYPTION_KEYS, a database from before encryption or from before
 * this mark); null when it skipped. `npm run cli -- keys rotate` always runs the whole pass.
 */
export async function reencryptIfNeeded(deps: Pick<Deps, 'db' | 'cipher' | 'clock'>): Promise<RotationReport | null> {
  const mark = await deps.db.selectFrom('maintenance_marks').select('value').where('name', '=', ENCRYPTED_UNDER).executeTakeFirst();
  return mark?.value === deps.cipher.currentKeyId ? null : reencryptAll(deps);
}
