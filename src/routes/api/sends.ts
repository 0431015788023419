// Sends: a sending system says which campaign it sent, for which category, to which addresses
// (or, with channel sms, to which mobile numbers). Only those eligible at that moment are
// recorded; the answer lists the others with their reason. See domain/sends.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { MAX_CAMPAIGN_LENGTH, MAX_SEND_ADDRESSES, recordSends, recordSmsSends } from '../../domain/sends.ts';
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
    channel: z.enum(['email', 'sms']).optional().openapi({ description: 'The request’s channel, when it named one' }),
    recorded: z.number().int().openapi({ description: 'Contacts this call recorded the campaign for' }),
    alreadyRecorded: z.number().int().openapi({ description: 'Contacts it was recorded for before on this channel (nothing recorded twice)' }),
    skipped: z
      .array(
        z.object({
          email: z.string().optional().openapi({ description: 'As sent (email channel)' }),
          phone: z.string().optional().openapi({ description: 'As sent (sms channel)' }),
          reason: IneligibleReasonSchema,
        }),
      )
      .openapi({ description: 'Addresses or numbers not eligible now: nothing recorded' }),
  })
  .openapi('SendResult');

const record = createRoute({
  method: 'post',
  path: '/sites/{site}/sends',
  summary: `Record that a campaign went to these addresses, or by SMS to these numbers (up to ${MAX_SEND_ADDRESSES.toLocaleString('en')}); only those eligible now are recorded`,
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              campaign: CampaignField,
              category: z.string().min(1).max(100).openapi({ example: 'newsletter' }),
              channel: z.enum(['email', 'sms']).optional().openapi({ description: 'Default email: `emails`; sms: `phones`, recorded as text messages' }),
              emails: z.array(z.string().max(1000)).min(1).max(MAX_SEND_ADDRESSES).optional().openapi({ example: ['alice@example.com'] }),
              phones: z
                .array(z.string().max(100))
                .min(1)
                .max(MAX_SEND_ADDRESSES)
                .optional()
                .openapi({
                  description: 'E.164 numbers, for channel sms: each recorded when eligible for text messages (its SMS consent), else skipped with its reason ("invalid" for anything not E.164)',
                  example: ['+819012345678'],
                }),
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
  responses: { 200: json(SendResult, 'What was recorded, and what was not and why'), ...JSON_BODY_ERRORS },
});

sendRoutes.openapi(record, async (c) => {
  const { deps } = c.var;
  const { campaign, category, channel, emails, phones } = c.req.valid('json');
  const site = await findSite(deps.db, c.req.valid('param').site);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const row = await deps.db.selectFrom('categories').select(['key', 'kind']).where('site_id', '=', site.id).where('key', '=', category).executeTakeFirst();
  if (!row) return apiError(c, 'invalid_request', 'No such category on this site.', [{ path: 'category', message: 'No such category on this site.' }]);
  const by = `api_key:${c.var.apiKeyId}`;
  const report = channel === 'sms' ? await recordSmsSends(deps, site, row, campaign, phones ?? [], by) : await recordSends(deps, site, row, campaign, emails ?? [], by);
  // The audit row names every contact the call recorded a send for.
  c.set('auditContacts', report.recorded);
  const counts = { recorded: report.recorded.length, alreadyRecorded: report.alreadyRecorded.length, skipped: report.skipped };
  // The channel is echoed when the request named one: a call without it answers as before channels existed.
  return c.json({ campaign, category, ...(channel ? { channel } : {}), ...counts }, 200);
});
