// Webhook events and the queries that queue them. A delivery is queued in the same atomic batch
// as the change it reports, and only when that change really happened (the same status guard).
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { StatusGuard } from '../db/ledger.ts';
import type { ConsentAction, Database } from '../db/schema.ts';

export const WEBHOOK_EVENTS = ['consent.requested', 'consent.confirmed', 'consent.granted', 'consent.withdrawn', 'contact.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The webhook event of a ledger action; erasure is reported once per contact, not per category. */
export function consentEventType(action: ConsentAction): WebhookEvent | null {
  return action === 'erased' ? null : `consent.${action}`;
}

export interface WebhookData {
  site: string;
  contactId: string;
  category: string | null;
  channel: 'email' | null;
  action: ConsentAction;
  method: string;
  occurredAt: string;
}

/**
 * Queues `type` for every endpoint of the site subscribed to it. With a guard, only when the
 * consent's status still matches it: place it after the event's insert and before the status
 * update in the batch, so it sees what the event's own guard saw.
 */
export function enqueueWebhookQuery(
  db: Kysely<Database>,
  type: WebhookEvent,
  data: WebhookData,
  batchId: string,
  guard?: StatusGuard,
): CompiledQuery {
  const payload = JSON.stringify({ type, timestamp: data.occurredAt, data });
  const guardSql = guard
    ? sql`AND ${sql.raw('in' in guard ? '' : 'NOT')} EXISTS (SELECT 1 FROM consents WHERE contact_id = ${data.contactId}
        AND category_key = ${data.category} AND channel = ${data.channel}
        AND status IN (${sql.join('in' in guard ? guard.in : guard.notIn)}))`
    : sql``;
  return sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, status, attempts, next_attempt_at, created_at)
    SELECT 'msg_' || ${batchId} || '_' || e.id, e.id, ${type}, ${payload}, 'queued', 0, ${data.occurredAt}, ${data.occurredAt}
    FROM webhook_endpoints e
    WHERE e.site_id = ${data.site} AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE json_each.value = ${type})
    ${guardSql}
    ON CONFLICT (id) DO NOTHING`.compile(db);
}
