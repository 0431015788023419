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
  { table: 'event_evidence', key: 'event_id', column: 'ip' },
  { table: 'event_evidence', key: 'event_id', column: 'user_agent' },
  { table: 'event_evidence', key: 'event_id', column: 'note' },
  { table: 'outbox', key: 'id', column: 'to_address' },
  { table: 'dev_mailbox', key: 'id', column: 'to_addresses' },
  { table: 'webhook_endpoints', key: 'id', column: 'secret' },
  { table: 'audit_clients', key: 'audit_id', column: 'ip' },
] as const;

export interface RotationReport {
  /** "table.column" -> values re-encrypted. */
  reencrypted: Record<string, number>;
}

export async function reencryptAll(
  deps: Pick<Deps, 'db' | 'cipher'>,
  options: { batchSize?: number; onBatch?: (column: string, done: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const report: RotationReport = { reencrypted: {} };
  for (const { table, key, column } of ENCRYPTED_COLUMNS) {
    const name = `${table}.${column}`;
    let done = 0;
    // Rows skipped because they changed under us are retried by the next pass, not this loop.
    const seen = new Set<string | number>();
    for (;;) {
      const rows = (await sql<{ pk: string | number; value: string }>`
        SELECT ${sql.ref(key)} AS pk, ${sql.ref(column)} AS value FROM ${sql.table(table)}
        WHERE ${sql.ref(column)} IS NOT NULL AND ${sql.ref(column)} != ''
          AND ${sql.ref(column)} NOT LIKE ${deps.cipher.currentPattern}
        ORDER BY ${sql.ref(key)} LIMIT ${batchSize}`.execute(deps.db)).rows.filter((row) => !seen.has(row.pk));
      if (rows.length === 0) break;
      for (const row of rows) {
        seen.add(row.pk);
        const fresh = await deps.cipher.encrypt(await deps.cipher.decrypt(row.value));
        const result = await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${fresh}
          WHERE ${sql.ref(key)} = ${row.pk} AND ${sql.ref(column)} = ${row.value}`.execute(deps.db);
        done += Number(result.numAffectedRows ?? 0n);
      }
      options.onBatch?.(name, done);
    }
    report.reencrypted[name] = done;
  }
  return report;
}
