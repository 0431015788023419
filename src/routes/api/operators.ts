// Console operators through the API (keys for every site only): what `npm run cli -- operator
// create` does, for a deployment without a command line next to its database (a Worker on D1).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { createOperator, listOperators, OperatorError } from '../../domain/operators.ts';
import { apiError, ERROR_RESPONSES, JSON_BODY_ERRORS } from './errors.ts';
import { json } from './schemas.ts';
import { validationHook } from './validation.ts';

export const operatorRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const RoleSchema = z.enum(['owner', 'editor', 'viewer']);
const OperatorSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    site: z.string().nullable().openapi({ description: 'The one site an editor or viewer works on; null: every site' }),
    state: z.enum(['active', 'setup pending', 'disabled']),
  })
  .openapi('Operator');

const create = createRoute({
  method: 'post',
  path: '/operators',
  summary: 'Make a console operator; the answer carries their one-time setup link (24 hours), shown only here',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            email: z.string().max(254).openapi({ example: 'owner@shop.example' }),
            role: RoleSchema,
            site: z.string().max(100).optional().openapi({ description: 'For an editor or a viewer of one site; leave out for every site (an owner always)' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: json(z.object({ operator: OperatorSchema, setupUrl: z.string() }), 'Made'),
    409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'The address is an operator already'),
    ...JSON_BODY_ERRORS,
  },
});

operatorRoutes.openapi(create, async (c) => {
  const { email, role, site } = c.req.valid('json');
  try {
    const { operator, setupUrl } = await createOperator(c.var.deps, { email, role, siteId: site });
    return c.json({ operator: { id: operator.id, email: email.trim(), role: operator.role, site: operator.site_id, state: 'setup pending' as const }, setupUrl }, 201);
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    if (error.taken) return apiError(c, 'conflict', error.message);
    return apiError(c, 'invalid_request', 'The request json is not valid; see details.', [{ path: error.field ?? 'email', message: error.message }]);
  }
});

const list = createRoute({
  method: 'get',
  path: '/operators',
  summary: 'The console operators, with their role, site and state',
  responses: { 200: json(z.object({ operators: z.array(OperatorSchema) }), 'The operators'), ...ERROR_RESPONSES },
});

operatorRoutes.openapi(list, async (c) => c.json({ operators: await listOperators(c.var.deps) }, 200));
