// The mailer used when RESEND_API_KEY is unset: messages are kept in the database and shown at
// /dev/mailbox, so a fresh install can be tried end to end without an email provider.
import type { Kysely } from 'kysely';
import type { Database, DevMailRow } from '../db/schema.ts';
import type { Clock } from '../deps.ts';
import type { FieldCipher } from '../domain/field-cipher.ts';
import type { Mailer, OutgoingMail } from './mailer.ts';

export function devMailbox(db: Kysely<Database>, clock: Clock, cipher: FieldCipher): Mailer {
  return {
    async send(mail) {
      // Keyed by the idempotency key, like a provider: a retried message is stored once.
      await db
        .insertInto('dev_mailbox')
        .values({
          id: mail.id,
          from_address: mail.from,
          // Even the dev mailbox keeps no address in the clear: a copied file must reveal none.
          to_addresses: await cipher.encrypt(JSON.stringify(mail.to)),
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          headers: JSON.stringify(mail.headers),
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return { ok: true, providerId: mail.id };
    },
  };
}

/** A kept message: what was handed to the mailer, and when. */
export type DevMail = OutgoingMail & { createdAt: string };

export async function listDevMail(db: Kysely<Database>, cipher: FieldCipher, limit = 200): Promise<DevMail[]> {
  const rows = await db
    .selectFrom('dev_mailbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('rowid' as never, 'desc')
    .limit(limit)
    .execute();
  return Promise.all(rows.map((row) => toDevMail(row, cipher)));
}

async function toDevMail(row: DevMailRow, cipher: FieldCipher): Promise<DevMail> {
  return {
    id: row.id,
    from: row.from_address,
    to: JSON.parse(await cipher.decrypt(row.to_addresses)) as string[],
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers: JSON.parse(row.headers) as Record<string, string>,
    createdAt: row.created_at,
  };
}
