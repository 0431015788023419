// Send-time checks for a sending system: eligibility of a batch of addresses for one category.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { checkEligibility, checkSmsEligibility, MAX_ELIGIBILITY_ADDRESSES } from '../../domain/eligibility.ts';
import { apiError, JSON_BODY_ERRORS } from './errors.ts';
import { IneligibleReasonSchema, json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const eligibilityRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const EligibilityResult = z
  .object({
    email: z.string().optional().openapi({ description: 'As sent (email channel)' }),
    phone: z.string().optional().openapi({ description: 'As sent (sms channel)' }),
    eligible: z.boolean(),
    reason: IneligibleReasonSchema.optional().openapi({
      description:
        'Why not, when eligible is false. `not_customer`: an exempt category, for a contact who never confirmed by double opt-in and was not imported as an existing customer. `expired`: implied consent ran out (2 years after the purchase, 6 months after the inquiry, in the site’s days). `terms_changed`: granted before the category’s purpose or frequency changed materially, and not granted again since',
    }),
  })
  .openapi('Eligibility');

const eligibility = createRoute({
  method: 'post',
  path: '/sites/{site}/eligibility',
  summary: `May we mail these addresses for this category now? Up to ${MAX_ELIGIBILITY_ADDRESSES.toLocaleString('en')} at once, answered in request order`,
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              category: z.string().min(1).max(100).openapi({ example: 'newsletter' }),
              channel: z.enum(['email', 'sms']).optional().openapi({ description: 'Default email: `emails`; sms: `phones`' }),
              // Each address is checked on its own (a malformed one answers reason "invalid").
              emails: z.array(z.string().max(1000)).max(MAX_ELIGIBILITY_ADDRESSES).optional().openapi({ example: ['alice@example.com'] }),
              phones: z
                .array(z.string().max(100))
                .max(MAX_ELIGIBILITY_ADDRESSES)
                .optional()
                .openapi({ description: 'E.164 numbers, for channel sms (anything else answers reason "invalid")', example: ['+819012345678'] }),
            })
            .refine((body) => ((body.channel ?? 'email') === 'email' ? body.emails !== undefined && body.phones === undefined : body.phones !== undefined && body.emails === undefined), {
              message: 'Send `emails` for the email channel, or `phones` with "channel": "sms".',
              path: ['channel'],
            }),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(z.object({ results: z.array(EligibilityResult) }), 'One result per address, in order'), ...JSON_BODY_ERRORS },
});

eligibilityRoutes.openapi(eligibility, async (c) => {
  const { deps } = c.var;
  const { category, channel, emails, phones } = c.req.valid('json');
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const row = await deps.db
    .selectFrom('categories')
    .select(['key', 'kind'])
    .where('site_id', '=', site.id)
    .where('key', '=', category)
    .executeTakeFirst();
  if (!row) {
    const message = 'No such category on this site.';
    return apiError(c, 'invalid_request', message, [{ path: 'category', message }]);
  }
  const results = channel === 'sms' ? await checkSmsEligibility(deps, site, row, phones ?? []) : await checkEligibility(deps, site, row, emails ?? []);
  return c.json({ results: results.map(({ contactId: _, ...result }) => result) }, 200);
});
