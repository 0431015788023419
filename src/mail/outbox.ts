// Every email is written to the outbox in the same batch as the change that caused it, and a
// sender delivers it later: a request never waits for the provider, and a crash loses nothing.
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database, OutboxRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { sendableAddress } from '../domain/email-address.ts';

export interface QueuedMail {
  id: string;
  siteId: string | null;
  contactId: string | null;
  kind: string;
  from: string;
  /** The recipient's address as stored: encrypted, like every address at rest. */
  encryptedTo: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export function enqueueMailQuery(db: Kysely<Database>, mail: QueuedMail, now: Date): CompiledQuery {
  return db
    .insertInto('outbox')
    .values({
      id: mail.id,
      site_id: mail.siteId,
      contact_id: mail.contactId,
      kind: mail.kind,
      from_address: mail.from,
      to_address: mail.encryptedTo,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: JSON.stringify(mail.headers ?? {}),
      status: 'queued',
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    // Queuing the same message id twice (a repeated request) queues it once.
    .onConflict((oc) => oc.column('id').doNothing())
    .compile();
}

/**
 * Seconds to wait after failed attempt n (index n-1). Resend keeps idempotency keys for 24 h,
 * so all 8 attempts fit well inside that (about 8.6 h in all); the first retry comes in 2 s.
 */
export const RETRY_DELAYS_SECONDS = [2, 10, 60, 300, 1800, 7200, 21600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** A claimed message is not picked up again for this long, unless its sender reports back. */
const LEASE_SECONDS = 120;

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

type SenderDeps = Pick<Deps, 'db' | 'mailer' | 'clock' | 'log' | 'cipher'>;

/** Delivers up to `limit` due messages. Safe to run from several processes at once. */
export async function deliverDueMail(deps: SenderDeps, limit = 25): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const due = await deps.db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', deps.clock.now().toISOString())
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  for (const row of due) {
    if (await claim(deps, row)) report[await deliver(deps, row)]++;
  }
  return report;
}

async function claim(deps: SenderDeps, row: OutboxRow): Promise<boolean> {
  const leaseEnd = new Date(deps.clock.now().getTime() + LEASE_SECONDS * 1000);
  const result = await deps.db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: leaseEnd.toISOString() }))
    .where('id', '=', row.id)
    .where('status', '=', 'queued')
    .where('next_attempt_at', '=', row.next_attempt_at)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

async function deliver(deps: SenderDeps, row: OutboxRow): Promise<keyof DeliveryReport> {
  const attempt = row.attempts + 1;
  // An erased recipient's address is blank: never hand that to a provider.
  const to = row.to_address === '' ? '' : await deps.cipher.decrypt(row.to_address);
  if (to.trim() === '') {
    await deps.db.updateTable('outbox').set({ status: 'failed', last_error: 'recipient erased' }).where('id', '=', row.id).execute();
    deps.log.warn(`mail ${row.id}: not sent, the recipient was erased`);
    return 'failed';
  }
  const result = await deps.mailer.send({
    id: row.id,
    from: row.from_address,
    to: [sendableAddress(to)],
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers: JSON.parse(row.headers) as Record<string, string>,
  });
  const now = deps.clock.now();
  const update = deps.db.updateTable('outbox').where('id', '=', row.id);
  if (result.ok) {
    await update
      .set({ status: 'sent', sent_at: now.toISOString(), provider_id: result.providerId, last_error: null })
      .execute();
    return 'sent';
  }
  const delay = RETRY_DELAYS_SECONDS[attempt - 1];
  if (result.retryable && delay !== undefined) {
    await update
      .set({ next_attempt_at: new Date(now.getTime() + delay * 1000).toISOString(), last_error: result.error })
      .execute();
    deps.log.warn(`mail ${row.id}: attempt ${attempt} failed (${result.error}); retrying in ${delay}s`);
    return 'retrying';
  }
  const why = result.retryable ? `gave up after ${attempt} attempts: ${result.error}` : result.error;
  await update.set({ status: 'failed', last_error: why }).execute();
  deps.log.error(`mail ${row.id}: not delivered (${why})`);
  return 'failed';
}
