// The webhook sender: like the mail outbox (same retry schedule, same lease), it delivers queued
// rows later, signed the Standard Webhooks way. A 2xx is delivered; a network error, 429 or 5xx
// is retried; any other answer fails for good.
import { Webhook } from 'standardwebhooks';
import type { WebhookDeliveryRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { claimDue, retryAt } from '../mail/due-work.ts';
import type { WebhookTransport } from './transport.ts';

export interface WebhookReport {
  delivered: number;
  retrying: number;
  failed: number;
}

type SenderDeps = Pick<Deps, 'db' | 'clock' | 'log' | 'cipher'>;

/**
 * Delivers up to `limit` due webhooks through `post` (the runtime's transport, which decides
 * where a request may go). Safe to run from several processes at once.
 */
export async function deliverDueWebhooks(deps: SenderDeps, post: WebhookTransport, limit = 25): Promise<WebhookReport> {
  const report: WebhookReport = { delivered: 0, retrying: 0, failed: 0 };
  for (const row of await claimDue<WebhookDeliveryRow>(deps, 'webhook_deliveries', limit)) report[await deliver(deps, post, row)]++;
  return report;
}

/** The Standard Webhooks headers for one attempt. */
export async function signedHeaders(secret: string, id: string, at: Date, body: string): Promise<Record<string, string>> {
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}

async function deliver(deps: SenderDeps, post: WebhookTransport, row: WebhookDeliveryRow): Promise<keyof WebhookReport> {
  const attemptNo = row.attempts + 1;
  const update = deps.db.updateTable('webhook_deliveries').where('id', '=', row.id);
  const endpoint = await deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', row.endpoint_id).executeTakeFirst();
  if (!endpoint) {
    await update.set({ status: 'failed', last_error: 'endpoint deleted' }).execute();
    return 'failed';
  }
  const secret = await deps.cipher.decrypt(endpoint.secret);
  const started = deps.clock.now();
  const result = await post(endpoint.url, await signedHeaders(secret, row.id, started, row.payload), row.payload);
  const now = deps.clock.now();
  // Only the coarse error is stored (the deliveries API shows it); the detail goes to the log.
  const common = { last_attempt_at: now.toISOString(), last_status_code: result.status, last_error: result.error };
  const detail = result.detail ? ` [${result.detail}]` : '';
  if (result.status !== null && result.status >= 200 && result.status < 300) {
    await update.set({ ...common, status: 'delivered', delivered_at: now.toISOString() }).execute();
    return 'delivered';
  }
  const retryable = result.status === null || result.status === 429 || result.status >= 500;
  const next = retryable ? retryAt(now, attemptNo) : null;
  if (next) {
    await update.set({ ...common, next_attempt_at: next.toISOString() }).execute();
    deps.log.warn(`webhook ${row.id}: attempt ${attemptNo} failed (${result.error})${detail}; retrying at ${next.toISOString()}`);
    return 'retrying';
  }
  const why = retryable ? `gave up after ${attemptNo} attempts: ${result.error}` : result.error;
  await update.set({ ...common, status: 'failed', last_error: why }).execute();
  deps.log.error(`webhook ${row.id}: not delivered (${why})${detail}`);
  return 'failed';
}
