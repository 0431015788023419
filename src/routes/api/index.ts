// The operator API: Bearer key, JSON in and out, errors as {"error": {code, message, details?}}.
// Routes are declared with @hono/zod-openapi, so the same schemas validate requests and describe
// them in GET /api/v1/openapi.json. With ADMIN_API_KEY unset the whole API does not exist (404).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { secretsEqual } from '../../domain/ids.ts';
import { auditRoutes, auditTrail } from './audit.ts';
import { contactRoutes } from './contacts.ts';
import { apiError } from './errors.ts';
import { validationHook } from './validation.ts';

export { apiError } from './errors.ts';

export const apiRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

apiRoutes.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
  type: 'http',
  scheme: 'bearer',
  description: 'ADMIN_API_KEY',
});

apiRoutes.use('*', async (c, next) => {
  const key = c.var.deps.config.adminApiKey;
  if (!key) return apiError(c, 'not_found', 'There is no API on this server (ADMIN_API_KEY is not set).');
  if (c.req.path === '/api/v1/openapi.json') return next();
  const match = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '');
  if (!match || !(await secretsEqual(match[1]!.trim(), key))) {
    c.header('WWW-Authenticate', 'Bearer');
    return apiError(c, 'unauthorized', 'Send "Authorization: Bearer <ADMIN_API_KEY>".');
  }
  c.set('apiKeyId', 'admin');
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
apiRoutes.route('/audit', auditRoutes);

apiRoutes.all('*', (c) => apiError(c, 'not_found', `No API route ${c.req.method} ${c.req.path}.`));
