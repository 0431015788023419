// What the mail outbox and the webhook deliveries share: a queue of rows with a status, an
// attempt count and a next-attempt time, worked by any number of senders at once. A sender
// claims a due row by moving its next attempt past a lease, guarded by the value it read, so
// two senders never take the same row; a sender that dies leaves it to be retried after the
// lease, with the same id (and so the same idempotency key or webhook-id).
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';

/**
 * Seconds to wait after failed attempt n (index n-1). Resend keeps idempotency keys for 24 h,
 * so all 8 attempts fit well inside that (about 8.6 h in all); the first retry comes in 2 s.
 */
export const RETRY_DELAYS_SECONDS = [2, 10, 60, 300, 1800, 7200, 21600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** A claimed row is not picked up again for this long, unless its sender reports back. */
const LEASE_SECONDS = 120;

export type QueueTable = 'outbox' | 'webhook_deliveries' | 'sms_outbox';

interface QueuedRow {
  id: string;
  attempts: number;
  next_attempt_at: string;
}

/** Up to `limit` due rows, each claimed for this sender; `attempts` as it was before the claim. */
export async function claimDue<Row extends QueuedRow>(
  deps: Pick<Deps, 'db' | 'clock'>,
  table: QueueTable,
  limit: number,
): Promise<Row[]> {
  const now = deps.clock.now();
  const due = await sql<Row>`SELECT * FROM ${sql.table(table)}
    WHERE status = 'queued' AND next_attempt_at <= ${now.toISOString()}
    ORDER BY next_attempt_at LIMIT ${limit}`.execute(deps.db);
  const leaseEnd = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
  const claimed: Row[] = [];
  for (const row of due.rows) {
    const result = await sql`UPDATE ${sql.table(table)} SET attempts = attempts + 1, next_attempt_at = ${leaseEnd}
      WHERE id = ${row.id} AND status = 'queued' AND next_attempt_at = ${row.next_attempt_at}`.execute(deps.db);
    if (result.numAffectedRows === 1n) claimed.push(row);
  }
  return claimed;
}

/** When to try again after this failed attempt (1-based); null when it was the last one. */
export function retryAt(now: Date, attempt: number): Date | null {
  const delay = RETRY_DELAYS_SECONDS[attempt - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay * 1000);
}
