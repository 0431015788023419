// Webhook events and the queries that queue them. A delivery is queued in the same atomic batch
// as the change it reports, and only when that change really happened (the same status guard).
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import { changedBy } from '../db/ledger.ts';
import type { Channel, ConsentAction, Database } from '../db/schema.ts';

export const WEBHOOK_EVENTS = ['consent.requested', 'consent.confirmed', 'consent.granted', 'consent.withdrawn', 'contact.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The webhook event of a ledger action; erasure is reported once per contact, not per category. */
export function consentEventType(action: ConsentAction): WebhookEvent | null {
  // START after STOP grants again; a reply that changed nothing is no consent event.
  if (action === 'resubscribed') return 'consent.granted';
  return action === 'erased' || action === 'replied' ? null : `consent.${action}`;
}

export interface WebhookData {
  site: string;
  contactId: string;
  category: string | null;
  channel: Channel | null;
  action: ConsentAction;
  method: string;
  occurredAt: string;
}

/**
 * Queues `type` for every endpoint of the site subscribed to it, only when the change it reports
 * happened: `changedBy` (the batch changed this consent) or `when` (any SQL condition of the batch).
 */
export function enqueueWebhookQuery(
  db: Kysely<Database>,
  type: WebhookEvent,
  data: WebhookData,
  deliveryBatch: string,
  only: { changedBy: string } | { when: RawBuilder<boolean> },
): CompiledQuery {
  const payload = JSON.stringify({ type, timestamp: data.occurredAt, data });
  const key = { contactId: data.contactId, categoryKey: data.category ?? '', channel: data.channel ?? 'email' } as const;
  const guardSql = 'changedBy' in only ? sql`AND ${changedBy(key, only.changedBy)}` : sql`AND ${only.when}`;
  return sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, status, attempts, next_attempt_at, created_at)
    SELECT 'msg_' || ${deliveryBatch} || '_' || e.id, e.id, ${type}, ${payload}, 'queued', 0, ${data.occurredAt}, ${data.occurredAt}
    FROM webhook_endpoints e
    WHERE e.site_id = ${data.site} AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE json_each.value = ${type})
    ${guardSql}
    ON CONFLICT (id) DO NOTHING`.compile(db);
}
