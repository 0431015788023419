// Every email is written to the outbox in the same batch as the change that caused it, and a
// sender delivers it later: a request never waits for the provider, and a crash loses nothing.
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Database, OutboxRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { claimDue, retryAt } from './due-work.ts';
import { headerSafe } from './header-values.ts';
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
  /** Keyed hash of the recipient's mailbox, which the per-mailbox limits count by. */
  mailboxHash?: string | null;
}

/**
 * Queues a message; with `only`, just when that SQL condition holds as the batch reaches this
 * statement (a limit not yet reached, the change the mail reports having happened).
 */
export function enqueueMailQuery(db: Kysely<Database>, mail: QueuedMail, now: Date, only?: RawBuilder<boolean>): CompiledQuery {
  const row = {
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
    status: 'queued' as const,
    next_attempt_at: now.toISOString(),
    created_at: now.toISOString(),
    mailbox_hash: mail.mailboxHash ?? null,
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  const values = db.selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)));
  // SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT, so there always is one.
  return db
    .insertInto('outbox')
    .columns(columns)
    .expression(values.where(only ?? sql<boolean>`1`))
    // Queuing the same message id twice (a repeated request) queues it once.
    .onConflict((oc) => oc.column('id').doNothing())
    .compile();
}

export { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS } from './due-work.ts';

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

type SenderDeps = Pick<Deps, 'db' | 'mailer' | 'clock' | 'log' | 'cipher'>;

/** Delivers up to `limit` due messages. Safe to run from several processes at once. */
export async function deliverDueMail(deps: SenderDeps, limit = 25): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  for (const row of await claimDue<OutboxRow>(deps, 'outbox', limit)) report[await deliver(deps, row)]++;
  return report;
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
  // The one door to every provider: whatever a stored row holds (a site name saved before the
  // API refused line breaks), no header leaves with a control character in it.
  const headers = Object.entries(JSON.parse(row.headers) as Record<string, string>).map(([name, value]) => [headerSafe(name), headerSafe(value)]);
  const result = await deps.mailer.send({
    id: row.id,
    from: headerSafe(row.from_address),
    to: [sendableAddress(to)],
    subject: headerSafe(row.subject),
    html: row.html,
    text: row.text,
    headers: Object.fromEntries(headers),
  });
  const now = deps.clock.now();
  const update = deps.db.updateTable('outbox').where('id', '=', row.id);
  if (result.ok) {
    await update
      .set({ status: 'sent', sent_at: now.toISOString(), provider_id: result.providerId, last_error: null })
      .execute();
    return 'sent';
  }
  const next = result.retryable ? retryAt(now, attempt) : null;
  if (next) {
    await update.set({ next_attempt_at: next.toISOString(), last_error: result.error }).execute();
    deps.log.warn(`mail ${row.id}: attempt ${attempt} failed (${result.error}); retrying at ${next.toISOString()}`);
    return 'retrying';
  }
  const why = result.retryable ? `gave up after ${attempt} attempts: ${result.error}` : result.error;
  await update.set({ status: 'failed', last_error: why }).execute();
  deps.log.error(`mail ${row.id}: not delivered (${why})`);
  return 'failed';
}
