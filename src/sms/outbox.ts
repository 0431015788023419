// Every SMS is written to sms_outbox in the same batch as the change that caused it, and a
// sender delivers it later, as mail is (mail/outbox.ts): a request never waits for Twilio, and a
// crash loses nothing. Unlike Resend, Twilio takes no idempotency key: an attempt is marked in
// doubt before it goes out and cleared only when the answer says nothing was created, so the
// next attempt knows to ask Twilio first (sms/twilio.ts says what that guarantees).
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Database, SmsOutboxRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { claimDue, retryAt } from '../mail/due-work.ts';
import { isInDoubt, type SmsSender } from './sender.ts';

export interface QueuedSms {
  /** Our message id: queuing it twice queues it once. */
  id: string;
  siteId: string | null;
  contactId: string | null;
  kind: string;
  /** The E.164 number as stored: encrypted, like every number at rest. */
  encryptedTo: string;
  /** Keyed hash of the number, which the per-number limits count by. */
  numberHash: string;
  body: string;
  /** Not sent after this (a code that has expired); absent: no end. */
  expiresAt?: Date | null;
}

/**
 * Queues an SMS; with `only`, just when that SQL condition holds as the batch reaches this
 * statement (a limit per number not yet reached, the change it reports having happened).
 */
export function enqueueSmsQuery(db: Kysely<Database>, sms: QueuedSms, now: Date, only?: RawBuilder<boolean>): CompiledQuery {
  const row = {
    id: sms.id,
    site_id: sms.siteId,
    contact_id: sms.contactId,
    kind: sms.kind,
    to_number: sms.encryptedTo,
    number_hash: sms.numberHash,
    body: sms.body,
    status: 'queued' as const,
    next_attempt_at: now.toISOString(),
    expires_at: sms.expiresAt ? sms.expiresAt.toISOString() : null,
    created_at: now.toISOString(),
  };
  const columns = Object.keys(row) as (keyof typeof row)[];
  const values = db.selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)));
  // SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT, so there always is one.
  return db
    .insertInto('sms_outbox')
    .columns(columns)
    .expression(values.where(only ?? sql<boolean>`1`))
    .onConflict((oc) => oc.column('id').doNothing())
    .compile();
}

export interface SmsDeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/** The sender as "from" when no TWILIO_FROM is set (the dev outbox). */
export const DEV_SMS_FROM = 'assent-dev';

export type SmsSenderDeps = Pick<Deps, 'db' | 'clock' | 'log' | 'cipher' | 'config'> & { sms: SmsSender };

/** Delivers up to `limit` due SMS through `deps.sms`. Safe to run from several processes at once. */
export async function deliverDueSms(deps: SmsSenderDeps, limit = 25): Promise<SmsDeliveryReport> {
  const report: SmsDeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  for (const row of await claimDue<SmsOutboxRow>(deps, 'sms_outbox', limit)) report[await deliver(deps, row)]++;
  return report;
}

async function deliver(deps: SmsSenderDeps, row: SmsOutboxRow): Promise<keyof SmsDeliveryReport> {
  const attempt = row.attempts + 1;
  const started = deps.clock.now();
  const update = () => deps.db.updateTable('sms_outbox').where('id', '=', row.id);
  const fail = async (why: string) => {
    await update().set({ status: 'failed', last_error: why }).execute();
    deps.log.warn(`sms ${row.id}: not sent, ${why}`);
    return 'failed' as const;
  };
  if (row.expires_at !== null && started.toISOString() >= row.expires_at) return fail('it expired before it could be sent');
  // An erased recipient's number is blank: never hand that to a provider.
  const to = row.to_number === '' ? '' : await deps.cipher.decrypt(row.to_number);
  if (to.trim() === '') return fail('the recipient was erased');

  // In doubt until the answer says otherwise: a sender that dies during the request leaves it so.
  const inDoubtSince = row.in_doubt_since ?? started.toISOString();
  await update().set({ in_doubt_since: inDoubtSince }).execute();
  const result = await deps.sms.send({
    id: row.id,
    from: deps.config.twilio?.from ?? DEV_SMS_FROM,
    to,
    body: row.body,
    inDoubtSince: row.in_doubt_since,
  });
  const now = deps.clock.now();
  if (result.ok) {
    await update().set({ status: 'sent', sent_at: now.toISOString(), provider_id: result.providerId, last_error: null }).execute();
    return 'sent';
  }
  const doubt = isInDoubt(result) ? inDoubtSince : row.in_doubt_since;
  const next = result.retryable ? retryAt(now, attempt) : null;
  if (next) {
    await update().set({ next_attempt_at: next.toISOString(), last_error: result.error, in_doubt_since: doubt }).execute();
    deps.log.warn(`sms ${row.id}: attempt ${attempt} failed (${result.error}); retrying at ${next.toISOString()}`);
    return 'retrying';
  }
  const why = result.retryable ? `gave up after ${attempt} attempts: ${result.error}` : result.error;
  await update().set({ status: 'failed', last_error: why, in_doubt_since: doubt }).execute();
  deps.log.error(`sms ${row.id}: not delivered (${why})`);
  return 'failed';
}
