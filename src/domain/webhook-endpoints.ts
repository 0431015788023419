// A site's webhook endpoints: registered (the URL checked as delivery will check it, a signing
// secret shown once, stored encrypted), listed with their latest delivery, deleted with their
// history, and their recent deliveries. The operator API and the console both call these.
import type { Deps } from '../deps.ts';
import type { WebhookEvent } from '../webhooks/events.ts';
import { checkWebhookUrl } from '../webhooks/target.ts';

export interface Delivery {
  id: string;
  type: WebhookEvent;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface Endpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
  lastDelivery: Delivery | null;
}

const DELIVERY_COLUMNS = ['id', 'event_type', 'status', 'attempts', 'last_status_code', 'last_error', 'created_at', 'last_attempt_at', 'next_attempt_at', 'delivered_at'] as const;

type DeliveryRow = {
  id: string;
  event_type: string;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string;
  delivered_at: string | null;
};

const delivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  type: row.event_type as WebhookEvent,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  createdAt: row.created_at,
  lastAttemptAt: row.last_attempt_at,
  nextAttemptAt: row.status === 'queued' ? row.next_attempt_at : null,
  deliveredAt: row.delivered_at,
});

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export type Registration = { ok: true; id: string; url: string; events: WebhookEvent[]; secret: string } | { ok: false; problem: string };

/** `events` are known event types (the caller checked them); the URL is checked here. */
export async function registerWebhook(deps: Pick<Deps, 'db' | 'cipher' | 'clock' | 'config' | 'newId'>, siteId: string, typed: string, events: readonly WebhookEvent[]): Promise<Registration> {
  const checked = checkWebhookUrl(typed, deps.config.webhookAllowLoopback);
  if (!checked.ok) return { ok: false, problem: checked.problem };
  // Stored as the parser reads it (127.1 as 127.0.0.1): what is shown is what will be called.
  const url = checked.target.url.href;
  const unique = [...new Set(events)];
  const id = `wh_${deps.newId()}`;
  const secret = newSecret();
  await deps.db
    .insertInto('webhook_endpoints')
    .values({ id, site_id: siteId, url, events: JSON.stringify(unique), secret: await deps.cipher.encrypt(secret), created_at: deps.clock.now().toISOString() })
    .execute();
  return { ok: true, id, url, events: unique, secret };
}

export async function listWebhooks(deps: Pick<Deps, 'db'>, siteId: string): Promise<Endpoint[]> {
  const { db } = deps;
  const endpoints = await db.selectFrom('webhook_endpoints').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute();
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const last = await db
        .selectFrom('webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('endpoint_id', '=', endpoint.id)
        .where('last_attempt_at', 'is not', null)
        .orderBy('last_attempt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return { id: endpoint.id, url: endpoint.url, events: JSON.parse(endpoint.events) as WebhookEvent[], createdAt: endpoint.created_at, lastDelivery: last ? delivery(last) : null };
    }),
  );
}

/** Deletes the endpoint and its delivery history; false when the site has no such endpoint. */
export async function deleteWebhook(deps: Pick<Deps, 'db' | 'atomic'>, siteId: string, id: string): Promise<boolean> {
  const endpoint = await deps.db.selectFrom('webhook_endpoints').select('id').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
  if (!endpoint) return false;
  await deps.atomic([deps.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).compile(), deps.db.deleteFrom('webhook_endpoints').where('id', '=', id).compile()]);
  return true;
}

/** The endpoint's latest deliveries, newest first (at most 100); null when the site has no such endpoint. */
export async function recentDeliveries(deps: Pick<Deps, 'db'>, siteId: string, id: string): Promise<Delivery[] | null> {
  const { db } = deps;
  const endpoint = await db.selectFrom('webhook_endpoints').select('id').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
  if (!endpoint) return null;
  const rows = await db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS).where('endpoint_id', '=', id).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100).execute();
  return rows.map(delivery);
}
