// The audit trail of the operator API: every authenticated request that can read or change
// personal data leaves a row (key, route, contacts, status, client, time), and so does every
// refused one (no key, a wrong key, a key of another site, an address throttled after too many
// wrong keys). Readable at GET /api/v1/audit; the database refuses to change or delete a row.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { listAuditEntries } from '../../db/audit-log.ts';
import type { AuditOutcome } from '../../db/schema.ts';
import { recordAudit } from '../../domain/audit.ts';
import { ERROR_RESPONSES } from './errors.ts';
import { json } from './schemas.ts';
import { validationHook } from './validation.ts';

const OUTCOMES = ['allowed', 'no_key', 'wrong_key', 'other_site', 'throttled'] as const satisfies readonly AuditOutcome[];

/** Records the request once the handler has answered; handlers name the contacts they touched. */
export function auditTrail(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('auditContact', null);
    c.set('auditContacts', []);
    await next();
    await auditRequest(c, { keyId: c.var.apiKeyId, outcome: 'allowed', status: c.res.status });
  };
}

/** One audit row for this request, from what the context knows: route, site, contacts, client. */
export async function auditRequest(
  c: AppContext,
  what: { keyId: string | null; outcome: AuditOutcome; status: number; attempt?: number },
): Promise<void> {
  await recordAudit(c.var.deps, {
    keyId: what.keyId,
    method: c.req.method,
    // A refused request may name any path: keep the row small.
    route: handlerPath(c).slice(0, 300),
    siteId: /\/sites\/([^/]+)/.exec(c.req.path)?.[1]?.slice(0, 100) ?? null,
    contactId: c.var.auditContact ?? null,
    contactIds: c.var.auditContacts ?? [],
    status: what.status,
    outcome: what.outcome,
    attempt: what.attempt ?? null,
    ip: c.var.ip,
  });
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
    keyId: z.string().nullable().openapi({
      description: 'The key that authenticated ("admin": ADMIN_API_KEY); for a refused request the id part of a well-formed key, else null. Never the secret.',
    }),
    method: z.string(),
    route: z.string().openapi({ example: '/api/v1/sites/:site/contacts/lookup' }),
    siteId: z.string().nullable(),
    contactId: z.string().nullable().openapi({ description: 'The one contact the request found' }),
    contactIds: z.array(z.string()).openapi({ description: 'Every contact a bulk request (an import) named' }),
    status: z.number().int(),
    outcome: z.enum(OUTCOMES).openapi({
      description: 'allowed; refused: no_key, wrong_key, other_site (a site key on another site), throttled (too many failed keys from this address)',
    }),
    attempt: z.number().int().nullable().openapi({
      description: "Refused authentications: this attempt's number in its address's window (throttled ones are recorded at the 1st, 2nd, 4th, 8th... beyond the limit)",
    }),
    clientIp: z.string().nullable().openapi({ description: 'Where the request came from (stored encrypted)' }),
    occurredAt: z.string(),
  })
  .openapi('AuditEntry');

const listAudit = createRoute({
  method: 'get',
  path: '/',
  summary: 'Who read or changed personal data, and who was refused: newest first, paged with ?before, filtered with ?contact and ?outcome',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'Entries older than this id' }),
      contact: z.string().max(100).optional().openapi({ description: 'Entries that found or named this contact' }),
      outcome: z.enum(OUTCOMES).optional(),
    }),
  },
  responses: { 200: json(z.object({ entries: z.array(AuditEntry) }), 'The entries'), ...ERROR_RESPONSES },
});

auditRoutes.openapi(listAudit, async (c) => {
  const { deps } = c.var;
  const rows = await listAuditEntries(deps.db, c.req.valid('query'));
  return c.json(
    {
      entries: await Promise.all(
        rows.map(async (row) => ({
          id: row.id,
          keyId: row.key_id,
          method: row.method,
          route: row.route,
          siteId: row.site_id,
          contactId: row.contact_id,
          contactIds: row.contact_ids,
          status: row.status,
          outcome: row.outcome,
          attempt: row.attempt,
          clientIp: row.encrypted_ip === null ? null : await deps.cipher.decrypt(row.encrypted_ip),
          occurredAt: row.occurred_at,
        })),
      ),
    },
    200,
  );
});
