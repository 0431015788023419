import type { Kysely } from 'kysely';
import type { Channel, Database } from './schema.ts';

/** A contact's ledger in ledger order, each event with its wording and (encrypted) evidence. */
export function listEventsWithText(db: Kysely<Database>, contactId: string) {
  return db
    .selectFrom('consent_events as e')
    .leftJoin('consent_texts as t', 't.sha256', 'e.consent_text_sha256')
    .leftJoin('event_evidence as v', 'v.event_id', 'e.id')
    .selectAll('e')
    .select(['t.text as consent_text', 'v.ip as encrypted_ip', 'v.user_agent as encrypted_user_agent', 'v.note as encrypted_note'])
    .where('e.contact_id', '=', contactId)
    .orderBy('e.id')
    .execute();
}

export interface LatestRequest {
  eventId: number;
  sha256: string | null;
  policyVersion: string | null;
  sourceUrl: string | null;
  /** Which form it came through (signup_form, embedded_form, preference_page...). */
  method: string;
}

/** The latest request for each of these categories: its id, method and the wording it showed. */
export async function latestRequests(
  db: Kysely<Database>,
  contactId: string,
  categoryKeys: readonly string[],
  channel: Channel = 'email',
): Promise<Map<string, LatestRequest>> {
  if (categoryKeys.length === 0) return new Map();
  const rows = await db
    .selectFrom('consent_events')
    .select(['id', 'category_key', 'consent_text_sha256', 'policy_version', 'source_url', 'method'])
    .where('contact_id', '=', contactId)
    .where('action', '=', 'requested')
    .where('channel', '=', channel)
    .where('category_key', 'in', categoryKeys)
    .orderBy('id')
    .execute();
  const latest = new Map<string, LatestRequest>();
  for (const row of rows) {
    latest.set(row.category_key, {
      eventId: row.id,
      sha256: row.consent_text_sha256,
      policyVersion: row.policy_version,
      sourceUrl: row.source_url,
      method: row.method,
    });
  }
  return latest;
}

export type EventWithText = Awaited<ReturnType<typeof listEventsWithText>>[number];

/** An event as the API and the proof bundle show it: evidence decrypted, names in camelCase. */
export async function readableEvent(e: EventWithText, decrypt: (stored: string) => Promise<string | null>) {
  const open = (value: string | null) => (value === null ? null : decrypt(value));
  return {
    id: e.id,
    category: e.category_key,
    channel: e.channel,
    action: e.action,
    method: e.method,
    occurredAt: e.occurred_at,
    sourceUrl: e.source_url,
    ip: await open(e.encrypted_ip),
    userAgent: await open(e.encrypted_user_agent),
    evidence: await open(e.encrypted_note),
    actor: e.actor,
    ...basisOf(e),
    policyVersion: e.policy_version,
    locale: e.locale,
  };
}

/**
 * What a grant rests on: an import's stated basis, and `express` for a grant the person made on
 * our pages (a confirmation, a preference page's tick). Null for events that grant nothing (and
 * for an undo, which restores the grant before it).
 */
function basisOf(e: Pick<EventWithText, 'action' | 'method' | 'basis' | 'relationship_at'>) {
  const grants = e.action === 'confirmed' || (e.action === 'granted' && e.method !== 'unsubscribe_undo');
  return { basis: e.basis ?? (grants ? ('express' as const) : null), relationshipAt: e.relationship_at };
}
