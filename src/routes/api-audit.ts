// The audit trail of the operator API: every authenticated request that can read or change
// personal data leaves a row (key, route, contact, status, time), readable at GET /api/v1/audit.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { z } from 'zod';
import type { AppEnv } from '../app-env.ts';

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

export const auditRoutes = new Hono<AppEnv>();

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(1).optional(),
  contact: z.string().max(100).optional(),
});

/** Newest first; page with ?before={id of the last entry}; filter with ?contact={id}. */
auditRoutes.get('/', async (c) => {
  const query = AuditQuery.safeParse(c.req.query());
  if (!query.success) {
    return c.json({ error: { code: 'invalid_request', message: 'limit is 1 to 1000; before is an entry id.' } }, 400);
  }
  const { limit, before, contact } = query.data;
  let select = c.var.deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (before !== undefined) select = select.where('id', '<', before);
  if (contact !== undefined) select = select.where('contact_id', '=', contact);
  const rows = await select.execute();
  return c.json({
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
  });
});
