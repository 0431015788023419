// The per-inbox limit on mail anyone can trigger by typing an address (a signup's confirmation,
// a fresh unsubscribe link): at most one every 10 minutes and five a day per kind, counted per
// mailbox (a.b@gmail.com and ab+1@googlemail.com are one inbox). It is a condition of the
// enqueue statement itself, so parallel requests cannot all pass it.
import { sql, type RawBuilder } from 'kysely';

const MIN_INTERVAL_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_PER_DAY = 5;

export interface LimitedRecipient {
  siteId: string;
  /** mailboxHash() of the address the mail goes to. */
  mailboxHash: string;
  /** Rows queued before the mailbox hash existed are counted by their contact. */
  contactId: string;
}

/** True in SQL while the recipient's inbox may get another mail of this kind now. */
export function withinMailLimit(kind: string, to: LimitedRecipient, now: Date): RawBuilder<boolean> {
  const recent = (sinceMs: number) => sql`SELECT 1 FROM outbox
    WHERE site_id = ${to.siteId} AND kind = ${kind} AND created_at > ${new Date(now.getTime() - sinceMs).toISOString()}
      AND (mailbox_hash = ${to.mailboxHash} OR contact_id = ${to.contactId})`;
  return sql<boolean>`(NOT EXISTS (${recent(MIN_INTERVAL_MS)})
    AND (SELECT count(*) FROM (${recent(DAY_MS)})) < ${MAX_PER_DAY})`;
}
