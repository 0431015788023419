// Fixed-window counters. One statement per hit, so two processes (or two Workers isolates on
// D1) counting the same bucket at once can neither lose a hit nor both see a first one.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Adds one hit to the bucket's window and returns the window's count, this hit included. */
export async function countHit(
  db: Kysely<Database>,
  bucket: string,
  windowStart: string,
  expiresAt: string,
): Promise<number> {
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket, window_start: windowStart, expires_at: expiresAt, count: 1 })
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ count: eb('rate_limits.count', '+', 1) })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Deletes every window that has ended, whatever its bucket (uses the expires_at index). */
export async function deleteEndedWindows(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('expires_at', '<=', now).execute();
}

/** Takes back one hit of the bucket's window (a counted attempt that turned out not to count). */
export async function uncountHit(db: Kysely<Database>, bucket: string, windowStart: string): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('bucket', '=', bucket)
    .where('window_start', '=', windowStart)
    .where('count', '>', 0)
    .execute();
}
