// The audit trail of the operator API: every authenticated request that can read or change
// personal data leaves a row (key, route, contact, status, time), readable at GET /api/v1/audit.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../../app-env.ts';
import { ERROR_RESPONSES } from './errors.ts';
import { json } from './schemas.ts';
import { validationHook } from './validation.ts';

/** Records the request once the handler has answered; handlers name the contact they touched. */
export function auditTrail(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('auditContact', null);
    await next();
    const { deps } = c.var;
    await deps.db
      .insertInto('audit_log')
      .values({
        key_id: c.var.apiKeyId,
        method: c.req.method,
        route: handlerPath(c),
        site_id: /\/sites\/([^/]+)/.exec(c.req.path)?.[1] ?? null,
        contact_id: c.var.auditContact,
        status: c.res.status,
        occurred_at: deps.clock.now().toISOString(),
      })
      .execute();
  };
}

/** The pattern of the route that answered: the first matched one that is not a middleware. */
function handlerPath(c: Context): string {
  const route = matchedRoutes(c).find((r) => !r.path.endsWith('*') && (r.method === c.req.method || r.method === 'ALL'));
  return route?.path ?? c.req.path;
}

export const auditRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const AuditEntry = z
  .object({
    id: z.number().int(),
    keyId: z.string(),
    method: z.string(),
    route: z.string().openapi({ example: '/api/v1/sites/:site/contacts/lookup' }),
    siteId: z.string().nullable(),
    contactId: z.string().nullable(),
    status: z.number().int(),
    occurredAt: z.string(),
  })
  .openapi('AuditEntry');

const listAudit = createRoute({
  method: 'get',
  path: '/',
  summary: 'Who read or changed personal data: newest first, paged with ?before, filtered with ?contact',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'Entries older than this id' }),
      contact: z.string().max(100).optional(),
    }),
  },
  responses: { 200: json(z.object({ entries: z.array(AuditEntry) }), 'The entries'), ...ERROR_RESPONSES },
});

auditRoutes.openapi(listAudit, async (c) => {
  const { limit, before, contact } = c.req.valid('query');
  let select = c.var.deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (before !== undefined) select = select.where('id', '<', before);
  if (contact !== undefined) select = select.where('contact_id', '=', contact);
  const rows = await select.execute();
  return c.json(
    {
      entries: rows.map((row) => ({
        id: row.id,
        keyId: row.key_id,
        method: row.method,
        route: row.route,
        siteId: row.site_id,
        contactId: row.contact_id,
        status: row.status,
        occurredAt: row.occurred_at,
      })),
    },
    200,
  );
});
