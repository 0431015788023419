// The operator API: Bearer key, JSON in and out, errors as {"error": {code, message, details?}}.
// Routes are declared with @hono/zod-openapi, so the same schemas validate requests and describe
// them in GET /api/v1/openapi.json. With ADMIN_API_KEY unset the whole API does not exist (404).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { apiEnabled, authenticateApiKey, claimedKeyId } from '../../domain/api-keys.ts';
import { hitRateLimit, reserveRateLimit } from '../../domain/rate-limit.ts';
import { auditRequest, auditRoutes, auditTrail } from './audit.ts';
import { operatorRoutes } from './operators.ts';
import { contactRoutes } from './contacts.ts';
import { embedRoutes } from './embed.ts';
import { eligibilityRoutes } from './eligibility.ts';
import { erasureRoutes } from './erasure.ts';
import { formRoutes } from './forms.ts';
import { importRoutes } from './imports.ts';
import { proofRoutes } from './proof.tsx';
import { sendRoutes } from './sends.ts';
import { siteRoutes } from './sites.ts';
import { apiError } from './errors.ts';
import { validationHook } from './validation.ts';
import { webhookRoutes } from './webhooks.ts';

export { apiError } from './errors.ts';

export const apiRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

apiRoutes.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'ADMIN_API_KEY',
});

apiRoutes.use('*', async (c, next) => {
  if (!(await apiEnabled(c.var.deps))) {
    return apiError(c, 'not_found', 'There is no API on this server (no ADMIN_API_KEY and no API key).');
  }
  if (c.req.path === '/api/v1/openapi.json') return next();
  const presented = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1]?.trim();
  const claimed = presented ? claimedKeyId(presented) : null;
  // Every attempt counts as a failure of its address until its key proves right, and an address
  // over the limit is answered before any key is checked: no guessing, even in parallel.
  const attempt = await reserveRateLimit(c.var.deps, 'apiAuth', c.var.ip);
  if (!attempt.verdict.allowed) {
    const { retryAfterSeconds } = attempt.verdict;
    // The 1st, 2nd, 4th, 8th... refused attempt of a window: the log shows how hard someone
    // tried without a flood of requests growing an append-only table without end.
    const beyond = attempt.count - c.var.deps.config.rateLimits.apiAuth.limit;
    if ((beyond & (beyond - 1)) === 0) {
      await auditRequest(c, { keyId: claimed, outcome: 'throttled', status: 429, attempt: attempt.count });
    }
    c.header('Retry-After', String(retryAfterSeconds));
    return apiError(c, 'too_many_requests', `Too many failed authentications from this address; try again in ${retryAfterSeconds} s.`);
  }
  const key = presented ? await authenticateApiKey(c.var.deps, presented) : null;
  if (!key) {
    await auditRequest(c, { keyId: claimed, outcome: presented ? 'wrong_key' : 'no_key', status: 401, attempt: attempt.count });
    c.header('WWW-Authenticate', 'Bearer');
    return apiError(c, 'unauthorized', 'Send "Authorization: Bearer <key>" with ADMIN_API_KEY or a key from `npm run cli -- api-key create`.');
  }
  await attempt.release();
  // A key made for one site reaches that site only; the audit log and /audit are for all-sites keys.
  if (key.siteId !== null && siteInPath(c.req.path) !== key.siteId) {
    await auditRequest(c, { keyId: key.id, outcome: 'other_site', status: 403 });
    return apiError(c, 'forbidden', `This key is for the site "${key.siteId}" only.`);
  }
  c.set('apiKeyId', key.id);
  // Per key, not per IP: one sending system is one key, wherever it runs.
  const verdict = await hitRateLimit(c.var.deps, 'api', `api-key:${key.id}`);
  if (!verdict.allowed) {
    c.header('Retry-After', String(verdict.retryAfterSeconds));
    return apiError(c, 'too_many_requests', `Too many requests for this key; try again in ${verdict.retryAfterSeconds} s.`);
  }
  await next();
});

// The document describes no data, so tools may fetch it without a key.
apiRoutes.doc31('/openapi.json', (c) => ({
  openapi: '3.1.0',
  info: { title: 'assent operator API', version: '1', description: 'Consent records, evidence and links for your own campaigns.' },
  servers: [{ url: `${c.var.deps.config.baseUrl}/api/v1` }],
  security: [{ apiKey: [] }],
}));

// Every route under /sites reads or changes personal data.
apiRoutes.use('/sites/*', auditTrail());
apiRoutes.route('/', contactRoutes);
apiRoutes.route('/', eligibilityRoutes);
apiRoutes.route('/', embedRoutes);
apiRoutes.route('/', erasureRoutes);
apiRoutes.route('/', formRoutes);
apiRoutes.route('/', importRoutes);
apiRoutes.route('/', proofRoutes);
apiRoutes.route('/', sendRoutes);
apiRoutes.route('/', siteRoutes);
apiRoutes.route('/', webhookRoutes);
apiRoutes.route('/audit', auditRoutes);
apiRoutes.route('/', operatorRoutes);

/** Any /api path without a route, inside /api/v1 or not. */
export const unknownApiRoute = (c: Context) => apiError(c, 'not_found', `No API route ${c.req.method} ${c.req.path}.`);
apiRoutes.all('*', unknownApiRoute);

/** The {site} of a /sites/{site}/... path, decoded; null for any other path or bad encoding. */
function siteInPath(path: string): string | null {
  const raw = /^\/api\/v1\/sites\/([^/]+)/.exec(path)?.[1];
  try {
    return raw === undefined ? null : decodeURIComponent(raw);
  } catch {
    return null;
  }
}
