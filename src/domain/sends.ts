// Sends: which campaign went to whom for which category, recorded when the sender's system asks
// (the sends API, or the links API with a campaign). Only addresses eligible at that moment are
// recorded, and the record is guarded inside the write by the state that makes them eligible,
// so a withdrawal that lands first wins. The answer names everyone else with their reason.
import { sql, type CompiledQuery } from 'kysely';
import type { CategoryKind, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { checkEligibility, type IneligibleReason } from './eligibility.ts';

export const MAX_SEND_ADDRESSES = 10_000;
export const MAX_CAMPAIGN_LENGTH = 100;
const CHUNK = 2000;

export interface SendReport {
  /** Contacts this call recorded the campaign for. */
  recorded: string[];
  /** Contacts the campaign was already recorded for (a repeated call records nothing twice). */
  alreadyRecorded: string[];
  /** Addresses nothing was recorded for, and why. */
  skipped: { email: string; reason: IneligibleReason }[];
}

export async function recordSends(
  deps: Deps,
  site: SiteRow,
  category: { key: string; kind: CategoryKind },
  campaign: string,
  emails: readonly string[],
  recordedBy: string,
): Promise<SendReport> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const checked = await checkEligibility(deps, site, category, emails);
  const skipped = checked.filter((result) => !result.eligible).map((result) => ({ email: result.email, reason: result.reason! }));
  const eligible = checked.filter((result) => result.eligible && result.contactId);
  const contactIds = [...new Set(eligible.map((result) => result.contactId!))];
  if (contactIds.length === 0) return { recorded: [], alreadyRecorded: [], skipped };

  // Still eligible as the batch runs: an opt-in category still granted, the contact not erased.
  // One set-based statement per chunk, its ids one JSON parameter (D1 binds at most 100).
  const stillGranted =
    category.kind === 'opt_in'
      ? sql`AND EXISTS (SELECT 1 FROM consents s WHERE s.contact_id = c.id AND s.category_key = ${category.key}
          AND s.channel = 'email' AND s.status = 'granted')`
      : sql``;
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    queries.push(
      sql`INSERT INTO sends (site_id, campaign, contact_id, category_key, channel, sent_at, recorded_by)
        SELECT ${site.id}, ${campaign}, c.id, ${category.key}, 'email', ${now}, ${recordedBy}
        FROM contacts c
        WHERE c.id IN (SELECT value FROM json_each(${JSON.stringify(contactIds.slice(i, i + CHUNK))}))
          AND c.site_id = ${site.id} AND c.email != '' ${stillGranted}
          AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = c.site_id AND x.email_hash = c.email_hash)
        ORDER BY c.id
        ON CONFLICT (site_id, campaign, contact_id, category_key, channel) DO NOTHING`.compile(db),
    );
  }
  // The hold's clock: the latest send to each contact this batch recorded.
  queries.push(
    sql`UPDATE contacts SET last_sent_at = ${now}
      WHERE id IN (SELECT contact_id FROM sends WHERE site_id = ${site.id} AND campaign = ${campaign}
        AND category_key = ${category.key} AND sent_at = ${now})
        AND (last_sent_at IS NULL OR last_sent_at < ${now})`.compile(db),
  );
  await deps.atomic(queries);

  const sentAt = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('sends')
      .select(['contact_id', 'sent_at'])
      .where('site_id', '=', site.id)
      .where('campaign', '=', campaign)
      .where('category_key', '=', category.key)
      .where(sql<boolean>`contact_id IN (SELECT value FROM json_each(${JSON.stringify(contactIds.slice(i, i + CHUNK))}))`)
      .execute();
    for (const row of rows) sentAt.set(row.contact_id, row.sent_at);
  }
  const recorded = contactIds.filter((id) => sentAt.get(id) === now);
  const alreadyRecorded = contactIds.filter((id) => sentAt.has(id) && sentAt.get(id) !== now);
  // Eligible when read, but withdrawn or erased before the write: nothing recorded for them.
  const lost = new Set(contactIds.filter((id) => !sentAt.has(id)));
  for (const result of eligible) if (lost.has(result.contactId!)) skipped.push({ email: result.email, reason: 'withdrawn' });
  return { recorded, alreadyRecorded, skipped };
}

/** A contact's sends, oldest first, for the proof bundle and the person's own copy. */
export function sendsOfContact(deps: Pick<Deps, 'db'>, contactId: string) {
  return deps.db
    .selectFrom('sends')
    .select(['campaign', 'category_key', 'channel', 'sent_at'])
    .where('contact_id', '=', contactId)
    .orderBy('id')
    .execute();
}

/** The latest send per category of a contact. */
export async function lastSentPerCategory(deps: Pick<Deps, 'db'>, contactId: string): Promise<Map<string, string>> {
  const rows = await deps.db
    .selectFrom('sends')
    .select((eb) => ['category_key', eb.fn.max('sent_at').as('last')])
    .where('contact_id', '=', contactId)
    .groupBy('category_key')
    .execute();
  return new Map(rows.map((row) => [row.category_key, row.last]));
}
