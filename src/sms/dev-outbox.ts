// The SMS sender of a local trial without Twilio: messages are kept in the database and shown
// at /dev/mailbox beside the mail, so SMS sign-ups can be tried end to end with no provider.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../deps.ts';
import type { FieldCipher } from '../domain/field-cipher.ts';
import type { SmsSender } from './sender.ts';

export function devSmsOutbox(db: Kysely<Database>, clock: Clock, cipher: FieldCipher): SmsSender {
  return {
    async send(sms) {
      // Keyed by our message id, so a retried message is stored once.
      await db
        .insertInto('dev_sms')
        .values({
          id: sms.id,
          from_number: sms.from,
          // Like the dev mailbox: a copied database file reveals no number.
          to_number: await cipher.encrypt(sms.to),
          body: sms.body,
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return { ok: true, providerId: sms.id };
    },
  };
}

/** A kept text message: what was handed to the sender, and when. */
export interface DevSms {
  id: string;
  from: string;
  to: string;
  body: string;
  createdAt: string;
}

export async function listDevSms(db: Kysely<Database>, cipher: FieldCipher, limit = 200): Promise<DevSms[]> {
  const rows = await db
    .selectFrom('dev_sms')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('rowid' as never, 'desc')
    .limit(limit)
    .execute();
  return Promise.all(
    rows.map(async (row) => ({ id: row.id, from: row.from_number, to: await cipher.decrypt(row.to_number), body: row.body, createdAt: row.created_at })),
  );
}
