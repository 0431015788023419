// Sends: which campaign went to whom for which category, recorded when the sender's system asks
// (the sends API, or the links API with a campaign). Only addresses eligible at that moment are
// recorded, and the record is guarded inside the write by the state that makes them eligible,
// so a withdrawal that lands first wins. The answer names everyone else with their reason.
// Text messages the same way (recordSmsSends): numbers in E.164, eligible by their SMS consent,
// recorded with channel sms; a send of either kind starts the contact's evidence hold again.
import { sql, type CompiledQuery } from 'kysely';
import type { CategoryKind, Channel, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { checkEligibility, checkSmsEligibility, type IneligibleReason } from './eligibility.ts';

export const MAX_SEND_ADDRESSES = 10_000;
export const MAX_CAMPAIGN_LENGTH = 100;
const CHUNK = 2000;

export interface SendReport<To extends 'email' | 'phone' = 'email'> {
  /** Contacts this call recorded the campaign for. */
  recorded: string[];
  /** Contacts the campaign was already recorded for (a repeated call records nothing twice). */
  alreadyRecorded: string[];
  /** Addresses (or numbers) nothing was recorded for, and why. */
  skipped: ({ [K in To]: string } & { reason: IneligibleReason })[];
}

type Category = { key: string; kind: CategoryKind };

export async function recordSends(
  deps: Deps,
  site: SiteRow,
  category: Category,
  campaign: string,
  emails: readonly string[],
  recordedBy: string,
): Promise<SendReport> {
  const checked = await checkEligibility(deps, site, category, emails);
  const report = await record(deps, site, category, campaign, 'email', checked.map((result) => ({ ...result, to: result.email })), recordedBy);
  return { ...report, skipped: report.skipped.map(({ to, reason }) => ({ email: to, reason })) };
}

/** The same for text messages: E.164 numbers, eligible by their SMS consent, recorded on channel sms. */
export async function recordSmsSends(
  deps: Deps,
  site: SiteRow,
  category: Category,
  campaign: string,
  phones: readonly string[],
  recordedBy: string,
): Promise<SendReport<'phone'>> {
  const checked = await checkSmsEligibility(deps, site, category, phones);
  const report = await record(deps, site, category, campaign, 'sms', checked.map((result) => ({ ...result, to: result.phone })), recordedBy);
  return { ...report, skipped: report.skipped.map(({ to, reason }) => ({ phone: to, reason })) };
}

interface Checked {
  to: string;
  eligible: boolean;
  reason?: IneligibleReason;
  contactId?: string;
}

async function record(
  deps: Deps,
  site: SiteRow,
  category: Category,
  campaign: string,
  channel: Channel,
  checked: readonly Checked[],
  recordedBy: string,
): Promise<{ recorded: string[]; alreadyRecorded: string[]; skipped: { to: string; reason: IneligibleReason }[] }> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const skipped = checked.filter((result) => !result.eligible).map((result) => ({ to: result.to, reason: result.reason! }));
  const eligible = checked.filter((result) => result.eligible && result.contactId);
  const contactIds = [...new Set(eligible.map((result) => result.contactId!))];
  if (contactIds.length === 0) return { recorded: [], alreadyRecorded: [], skipped };

  // Still eligible as the batch runs: an opt-in category still granted on this channel, the
  // contact not erased (an address not suppressed; a number not forgotten).
  // One set-based statement per chunk, its ids one JSON parameter (D1 binds at most 100).
  const stillGranted =
    category.kind === 'opt_in'
      ? sql`AND EXISTS (SELECT 1 FROM consents s WHERE s.contact_id = c.id AND s.category_key = ${category.key}
          AND s.channel = ${channel} AND s.status = 'granted')`
      : sql``;
  const reachable =
    channel === 'email'
      ? sql`AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = c.site_id AND x.email_hash = c.email_hash)`
      : sql`AND c.phone_hash IS NOT NULL`;
  const queries: CompiledQuery[] = [];
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    queries.push(
      sql`INSERT INTO sends (site_id, campaign, contact_id, category_key, channel, sent_at, recorded_by)
        SELECT ${site.id}, ${campaign}, c.id, ${category.key}, ${channel}, ${now}, ${recordedBy}
        FROM contacts c
        WHERE c.id IN (SELECT value FROM json_each(${JSON.stringify(contactIds.slice(i, i + CHUNK))}))
          AND c.site_id = ${site.id} AND c.email != '' ${stillGranted} ${reachable}
        ORDER BY c.id
        ON CONFLICT (site_id, campaign, contact_id, category_key, channel) DO NOTHING`.compile(db),
    );
  }
  // The hold's clock: the latest send to each contact this batch recorded.
  queries.push(
    sql`UPDATE contacts SET last_sent_at = ${now}
      WHERE id IN (SELECT contact_id FROM sends WHERE site_id = ${site.id} AND campaign = ${campaign}
        AND category_key = ${category.key} AND channel = ${channel} AND sent_at = ${now})
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
      .where('channel', '=', channel)
      .where(sql<boolean>`contact_id IN (SELECT value FROM json_each(${JSON.stringify(contactIds.slice(i, i + CHUNK))}))`)
      .execute();
    for (const row of rows) sentAt.set(row.contact_id, row.sent_at);
  }
  const recorded = contactIds.filter((id) => sentAt.get(id) === now);
  const alreadyRecorded = contactIds.filter((id) => sentAt.has(id) && sentAt.get(id) !== now);
  // Eligible when read, but withdrawn or erased before the write: nothing recorded for them.
  const lost = new Set(contactIds.filter((id) => !sentAt.has(id)));
  for (const result of eligible) if (lost.has(result.contactId!)) skipped.push({ to: result.to, reason: 'withdrawn' });
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
