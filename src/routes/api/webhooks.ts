// Webhooks: endpoints per site that hear about consent changes and erasures, and what was sent.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { deleteWebhook, listWebhooks, recentDeliveries, registerWebhook } from '../../domain/webhook-endpoints.ts';
import { WEBHOOK_EVENTS } from '../../webhooks/events.ts';
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
  const { url, events } = c.req.valid('json');
  const registered = await registerWebhook(deps, site.id, url, events);
  if (!registered.ok) return apiError(c, 'invalid_request', 'The request json is not valid; see details.', [{ path: 'url', message: registered.problem }]);
  const { ok: _, ...endpoint } = registered;
  return c.json(endpoint, 201);
});

const list = createRoute({
  method: 'get',
  path: '/sites/{site}/webhooks',
  summary: "The site's webhook endpoints, each with its latest delivery",
  request: { params: SiteParam },
  responses: { 200: json(z.object({ webhooks: z.array(EndpointSchema) }), 'The endpoints'), ...ERROR_RESPONSES },
});

webhookRoutes.openapi(list, async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  return c.json({ webhooks: await listWebhooks(deps, site.id) }, 200);
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
  if (!(await deleteWebhook(deps, site, id))) return apiError(c, 'not_found', (await findSite(deps.db, site)) ? 'No webhook with this id on this site.' : 'No site with this id.');
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
  const { deps } = c.var;
  const { site, id } = c.req.valid('param');
  const found = await recentDeliveries(deps, site, id);
  if (!found) return apiError(c, 'not_found', (await findSite(deps.db, site)) ? 'No webhook with this id on this site.' : 'No site with this id.');
  return c.json({ deliveries: found }, 200);
});
