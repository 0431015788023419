// Erasure (APPI, GDPR) and the suppression list a sending system syncs from.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findContact } from '../../db/contacts.ts';
import { findSite } from '../../db/sites.ts';
import { erasePersonalData } from '../../domain/erase-personal-data.ts';
import { apiError, ERROR_RESPONSES } from './errors.ts';
import { ContactParam, json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const erasureRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const erase = createRoute({
  method: 'delete',
  path: '/sites/{site}/contacts/{id}',
  summary:
    'Erase a contact: address, name, IPs and user agents go; the ledger keeps an `erased` event per category and the address stays suppressed (as a keyed hash) until a new double opt-in',
  request: { params: ContactParam },
  responses: {
    200: json(z.object({ contact: z.object({ id: z.string(), erasedAt: z.string() }) }), 'Erased (erasing again changes nothing)'),
    ...ERROR_RESPONSES,
  },
});

erasureRoutes.openapi(erase, async (c) => {
  const { deps } = c.var;
  const { site, id } = c.req.valid('param');
  const found = await findSite(deps.db, site);
  const contact = found && (await findContact(deps.db, found.id, id));
  if (!contact) return apiError(c, 'not_found', found ? 'No contact with this id on this site.' : 'No site with this id.');
  c.set('auditContact', contact.id);
  const erasure = await erasePersonalData(deps, contact.id);
  if (!erasure) return apiError(c, 'not_found', 'No contact with this id on this site.');
  return c.json({ contact: { id: erasure.contactId, erasedAt: erasure.erasedAt } }, 200);
});

const Suppression = z
  .object({
    hash: z.string().openapi({ description: 'HMAC-SHA256 (LOOKUP_KEY) of the normalised address, hex' }),
    createdAt: z.string(),
  })
  .openapi('Suppression');

const listSuppressions = createRoute({
  method: 'get',
  path: '/sites/{site}/suppressions',
  summary: 'Erased addresses as keyed hashes, newest first; page with ?before=<nextBefore>',
  request: {
    params: SiteParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'The nextBefore of the previous page' }),
    }),
  },
  responses: {
    200: json(
      z.object({ suppressions: z.array(Suppression), nextBefore: z.number().int().nullable() }),
      'One page; nextBefore is null on the last one',
    ),
    ...ERROR_RESPONSES,
  },
});

erasureRoutes.openapi(listSuppressions, async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const { limit, before } = c.req.valid('query');
  let select = deps.db
    .selectFrom('suppressions')
    .select(['id', 'email_hash', 'created_at'])
    .where('site_id', '=', site.id)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (before !== undefined) select = select.where('id', '<', before);
  const rows = await select.execute();
  const page = rows.slice(0, limit);
  return c.json(
    {
      suppressions: page.map((row) => ({ hash: row.email_hash, createdAt: row.created_at })),
      nextBefore: rows.length > limit ? page.at(-1)!.id : null,
    },
    200,
  );
});
