// The operator API. Bearer ADMIN_API_KEY; JSON in and out; errors as {"error": {code, message}}.
// With ADMIN_API_KEY unset the whole API does not exist (404).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env.ts';
import { findContact, findContactByEmailHash } from '../db/contacts.ts';
import { listConsents } from '../db/consents.ts';
import { listEventsWithText } from '../db/events.ts';
import { findCategoryKind, findSite } from '../db/sites.ts';
import { emailLookupHash, MAX_EMAIL_LENGTH } from '../domain/email-address.ts';
import { secretsEqual } from '../domain/ids.ts';
import { listUnsubscribeHeaders, manageUrl, unsubscribeUrl } from '../domain/links.ts';
import { auditRoutes, auditTrail } from './api-audit.ts';

export const apiRoutes = new Hono<AppEnv>();

type ErrorCode = 'unauthorized' | 'invalid_request' | 'not_found' | 'payload_too_large';
const STATUS = { unauthorized: 401, invalid_request: 400, not_found: 404, payload_too_large: 413 } as const;

export function apiError(c: Context, code: ErrorCode, message: string) {
  return c.json({ error: { code, message } }, STATUS[code]);
}

apiRoutes.use('*', async (c, next) => {
  const key = c.var.deps.config.adminApiKey;
  if (!key) return apiError(c, 'not_found', 'There is no API on this server (ADMIN_API_KEY is not set).');
  const match = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '');
  if (!match || !(await secretsEqual(match[1]!.trim(), key))) {
    c.header('WWW-Authenticate', 'Bearer');
    return apiError(c, 'unauthorized', 'Send "Authorization: Bearer <ADMIN_API_KEY>".');
  }
  c.set('apiKeyId', 'admin');
  await next();
});

// Every route under /sites reads or changes personal data.
apiRoutes.use('/sites/*', auditTrail());
apiRoutes.route('/audit', auditRoutes);

const LookupBody = z.object({ email: z.string().trim().min(1).max(MAX_EMAIL_LENGTH) });

apiRoutes.post('/sites/:site/contacts/lookup', async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.param('site'));
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const parsed = LookupBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    return apiError(c, 'invalid_request', 'Send a JSON body {"email": "..."} with an address of at most 254 characters.');
  }
  const hash = await emailLookupHash(deps.config.lookupKey, parsed.data.email);
  const contact = await findContactByEmailHash(deps.db, site.id, hash);
  if (!contact) return apiError(c, 'not_found', 'No contact with this address on this site.');
  c.set('auditContact', contact.id);
  const consents = await listConsents(deps.db, contact.id);
  return c.json({
    contact: {
      id: contact.id,
      email: await deps.cipher.decrypt(contact.email),
      locale: contact.locale,
      consents: consents.map((row) => ({
        category: row.category_key,
        channel: row.channel,
        status: row.status,
        updatedAt: row.updated_at,
      })),
    },
  });
});

apiRoutes.get('/sites/:site/contacts/:id/events', async (c) => {
  const { db } = c.var.deps;
  const site = await findSite(db, c.req.param('site'));
  const contact = site && (await findContact(db, site.id, c.req.param('id')));
  if (!contact) return apiError(c, 'not_found', site ? 'No contact with this id on this site.' : 'No site with this id.');
  c.set('auditContact', contact.id);
  const events = await listEventsWithText(db, contact.id);
  const decrypt = (value: string | null) => (value === null ? null : c.var.deps.cipher.decrypt(value));
  return c.json({
    events: await Promise.all(events.map(async (e) => ({
      id: e.id,
      category: e.category_key,
      channel: e.channel,
      action: e.action,
      method: e.method,
      occurredAt: e.occurred_at,
      sourceUrl: e.source_url,
      ip: await decrypt(e.encrypted_ip),
      userAgent: await decrypt(e.encrypted_user_agent),
      policyVersion: e.policy_version,
      locale: e.locale,
      consentText: e.consent_text_sha256 ? { sha256: e.consent_text_sha256, text: e.consent_text } : null,
    }))),
  });
});

const LinksBody = z.object({
  email: z.string().trim().min(1).max(MAX_EMAIL_LENGTH),
  category: z.string().min(1).max(100).optional(),
});

/** Per-recipient links and one-click headers, for the sender's own campaigns. */
apiRoutes.post('/sites/:site/contacts/links', async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.param('site'));
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const parsed = LinksBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    return apiError(c, 'invalid_request', 'Send a JSON body {"email": "...", "category"?: "..."}.');
  }
  const { email, category } = parsed.data;
  if (category !== undefined) {
    const kind = await findCategoryKind(deps.db, site.id, category);
    if (kind !== 'opt_in') {
      return apiError(c, 'invalid_request', kind ? `"${category}" is exempt: it has no unsubscribe.` : `No category "${category}" on this site.`);
    }
  }
  const contact = await findContactByEmailHash(deps.db, site.id, await emailLookupHash(deps.config.lookupKey, email));
  if (!contact) return apiError(c, 'not_found', 'No contact with this address on this site.');
  c.set('auditContact', contact.id);
  const unsubscribe = await unsubscribeUrl(deps, contact, category);
  return c.json({
    manageUrl: await manageUrl(deps, contact),
    unsubscribeUrl: unsubscribe,
    headers: listUnsubscribeHeaders(unsubscribe),
  });
});

/** Kills every manage and unsubscribe link mailed to this contact so far. */
apiRoutes.post('/sites/:site/contacts/:id/revoke-links', async (c) => {
  const { deps } = c.var;
  const site = await findSite(deps.db, c.req.param('site'));
  const contact = site && (await findContact(deps.db, site.id, c.req.param('id')));
  if (!contact) return apiError(c, 'not_found', site ? 'No contact with this id on this site.' : 'No site with this id.');
  c.set('auditContact', contact.id);
  const result = await deps.db
    .updateTable('contacts')
    .set((eb) => ({ token_epoch: eb('token_epoch', '+', 1), updated_at: deps.clock.now().toISOString() }))
    .where('id', '=', contact.id)
    .returning('token_epoch')
    .executeTakeFirstOrThrow();
  return c.json({ contact: { id: contact.id, tokenEpoch: result.token_epoch } });
});

apiRoutes.all('*', (c) => apiError(c, 'not_found', `No API route ${c.req.method} ${c.req.path}.`));
