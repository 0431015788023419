// Webhooks: endpoints per site that hear about consent changes and erasures, and what was sent.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { WEBHOOK_EVENTS } from '../../webhooks/events.ts';
import { checkWebhookUrl } from '../../webhooks/target.ts';
import { apiError, ERROR_RESPONSES, JSON_BODY_ERRORS } from './errors.ts';
import { json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const webhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// The schema reads the URL; whether it may be reached depends on WEBHOOK_ALLOW_LOOPBACK, so the
// handler checks the target (checkWebhookUrl) with the config in hand.
const UrlField = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value), 'Must be an absolute https URL.')
  .openapi({
    example: 'https://example.com/hooks/assent',
    description: 'https, on a public address or name: loopback, private, link-local and metadata targets are refused.',
  });

const EventField = z.enum(WEBHOOK_EVENTS);

const WebhookParam = SiteParam.extend({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'wh_ax5zp2gegratp0121' }),
});

const DeliverySchema = z
  .object({
    id: z.string(),
    type: EventField,
    status: z.enum(['queued', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

const EndpointSchema = z
  .object({ id: z.string(), url: z.string(), events: z.array(EventField), createdAt: z.string(), lastDelivery: DeliverySchema.nullable() })
  .openapi('WebhookEndpoint');

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

const delivery = (row: DeliveryRow) => ({
  id: row.id,
  type: row.event_type as z.infer<typeof EventField>,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  createdAt: row.created_at,
  lastAttemptAt: row.last_attempt_at,
  nextAttemptAt: row.status === 'queued' ? row.next_attempt_at : null,
  deliveredAt: row.delivered_at,
});

const DELIVERY_COLUMNS = [
  'id',
  'event_type',
  'status',
  'attempts',
  'last_status_code',
  'last_error',
  'created_at',
  'last_attempt_at',
  'next_attempt_at',
  'delivered_at',
] as const;

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

const create = createRoute({
  method: 'post',
  path: '/sites/{site}/webhooks',
  summary: 'Register a webhook endpoint; its signing secret is shown only in this answer',
  request: {
    params: SiteParam,
    body: {
      content: { 'application/json': { schema: z.object({ url: UrlField, events: z.array(EventField).min(1).max(WEBHOOK_EVENTS.length) }) } },
      required: true,
    },
  },
  responses: {
    201: json(z.object({ id: z.string(), url: z.string(), events: z.array(EventField), secret: z.string() }), 'Registered'),
    ...JSON_BODY_ERRORS,
  },
});

webhookRoutes.openapi(create, async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const { url: typed, events } = c.req.valid('json');
  const checked = checkWebhookUrl(typed, deps.config.webhookAllowLoopback);
  if (!checked.ok) return apiError(c, 'invalid_request', 'The request json is not valid; see details.', [{ path: 'url', message: checked.problem }]);
  // Stored as the parser reads it (127.1 as 127.0.0.1): what is shown is what will be called.
  const url = checked.target.url.href;
  const unique = [...new Set(events)];
  const id = `wh_${deps.newId()}`;
  const secret = newSecret();
  await deps.db
    .insertInto('webhook_endpoints')
    .values({
      id,
      site_id: site.id,
      url,
      events: JSON.stringify(unique),
      secret: await deps.cipher.encrypt(secret),
      created_at: deps.clock.now().toISOString(),
    })
    .execute();
  return c.json({ id, url, events: unique, secret }, 201);
});

const list = createRoute({
  method: 'get',
  path: '/sites/{site}/webhooks',
  summary: "The site's webhook endpoints, each with its latest delivery",
  request: { params: SiteParam },
  responses: { 200: json(z.object({ webhooks: z.array(EndpointSchema) }), 'The endpoints'), ...ERROR_RESPONSES },
});

webhookRoutes.openapi(list, async (c) => {
  const { db } = c.var.deps;
  const site = await findSite(db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const endpoints = await db.selectFrom('webhook_endpoints').selectAll().where('site_id', '=', site.id).orderBy('created_at').orderBy('id').execute();
  const webhooks = await Promise.all(
    endpoints.map(async (endpoint) => {
      const last = await db
        .selectFrom('webhook_deliveries')
        .select(DELIVERY_COLUMNS)
        .where('endpoint_id', '=', endpoint.id)
        .where('last_attempt_at', 'is not', null)
        .orderBy('last_attempt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return {
        id: endpoint.id,
        url: endpoint.url,
        events: JSON.parse(endpoint.events) as z.infer<typeof EventField>[],
        createdAt: endpoint.created_at,
        lastDelivery: last ? delivery(last) : null,
      };
    }),
  );
  return c.json({ webhooks }, 200);
});

const remove = createRoute({
  method: 'delete',
  path: '/sites/{site}/webhooks/{id}',
  summary: 'Delete a webhook endpoint and its delivery history; nothing more is sent to it',
  request: { params: WebhookParam },
  responses: { 200: json(z.object({ deleted: z.string() }), 'Deleted'), ...ERROR_RESPONSES },
});

webhookRoutes.openapi(remove, async (c) => {
  const { deps } = c.var;
  const { site, id } = c.req.valid('param');
  const endpoint = await deps.db.selectFrom('webhook_endpoints').select('id').where('site_id', '=', site).where('id', '=', id).executeTakeFirst();
  if (!endpoint) return apiError(c, 'not_found', (await findSite(deps.db, site)) ? 'No webhook with this id on this site.' : 'No site with this id.');
  await deps.atomic([
    deps.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).compile(),
    deps.db.deleteFrom('webhook_endpoints').where('id', '=', id).compile(),
  ]);
  return c.json({ deleted: id }, 200);
});

const deliveries = createRoute({
  method: 'get',
  path: '/sites/{site}/webhooks/{id}/deliveries',
  summary: 'Recent deliveries to this endpoint, newest first (at most 100)',
  request: { params: WebhookParam },
  responses: { 200: json(z.object({ deliveries: z.array(DeliverySchema) }), 'The deliveries'), ...ERROR_RESPONSES },
});

webhookRoutes.openapi(deliveries, async (c) => {
  const { db } = c.var.deps;
  const { site, id } = c.req.valid('param');
  const endpoint = await db.selectFrom('webhook_endpoints').select('id').where('site_id', '=', site).where('id', '=', id).executeTakeFirst();
  if (!endpoint) return apiError(c, 'not_found', (await findSite(db, site)) ? 'No webhook with this id on this site.' : 'No site with this id.');
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('endpoint_id', '=', id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  return c.json({ deliveries: rows.map(delivery) }, 200);
});
