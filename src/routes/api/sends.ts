// Sends: a sending system says which campaign it sent, for which category, to which addresses.
// Only the addresses eligible at that moment are recorded; the answer lists the others with
// their reason. See domain/sends.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { MAX_CAMPAIGN_LENGTH, MAX_SEND_ADDRESSES, recordSends } from '../../domain/sends.ts';
import { apiError, JSON_BODY_ERRORS } from './errors.ts';
import { IneligibleReasonSchema, json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const sendRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** A campaign id people and systems can read back: one line, no control characters. */
export const CampaignField = z
  .string()
  .min(1)
  .max(MAX_CAMPAIGN_LENGTH)
  .regex(/^[^\p{Cc}\u2028\u2029]+$/u, 'A campaign id is one line of text without control characters.')
  .openapi({ example: '2026-12-news' });

const SendResult = z
  .object({
    campaign: z.string(),
    category: z.string(),
    recorded: z.number().int().openapi({ description: 'Addresses this call recorded the campaign for' }),
    alreadyRecorded: z.number().int().openapi({ description: 'Addresses it was recorded for before (nothing recorded twice)' }),
    skipped: z.array(z.object({ email: z.string(), reason: IneligibleReasonSchema })).openapi({ description: 'Addresses not eligible now: nothing recorded' }),
  })
  .openapi('SendResult');

const record = createRoute({
  method: 'post',
  path: '/sites/{site}/sends',
  summary: `Record that a campaign went to these addresses (up to ${MAX_SEND_ADDRESSES.toLocaleString('en')}); only those eligible now are recorded`,
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({
            campaign: CampaignField,
            category: z.string().min(1).max(100).openapi({ example: 'newsletter' }),
            emails: z.array(z.string().max(1000)).min(1).max(MAX_SEND_ADDRESSES).openapi({ example: ['alice@example.com'] }),
          }),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(SendResult, 'What was recorded, and what was not and why'), ...JSON_BODY_ERRORS },
});

sendRoutes.openapi(record, async (c) => {
  const { deps } = c.var;
  const { campaign, category, emails } = c.req.valid('json');
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const row = await deps.db.selectFrom('categories').select(['key', 'kind']).where('site_id', '=', site.id).where('key', '=', category).executeTakeFirst();
  if (!row) return apiError(c, 'invalid_request', 'No such category on this site.', [{ path: 'category', message: 'No such category on this site.' }]);
  const report = await recordSends(deps, site, row, campaign, emails, `api_key:${c.var.apiKeyId}`);
  // The audit row names every contact the call recorded a send for.
  c.set('auditContacts', report.recorded);
  return c.json({ campaign, category, recorded: report.recorded.length, alreadyRecorded: report.alreadyRecorded.length, skipped: report.skipped }, 200);
});
