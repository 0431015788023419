// Imports of consents collected elsewhere (paper, in store, events, apps, other forms, a previous
// system): all or nothing, idempotent by the client's import id. See domain/import-consents.ts.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { importConsents, MAX_IMPORT_ITEMS } from '../../domain/import-consents.ts';
import { ImportFields, ImportItemFields } from '../../domain/import-fields.ts';
import { apiError, JSON_BODY_ERRORS, ErrorSchema } from './errors.ts';
import { EmailField, json, SiteParam } from './schemas.ts';
import { validationHook } from './validation.ts';

export const importRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// The fields of domain/import-fields.ts, described.
const f = ImportItemFields.shape;
const ImportItemSchema = ImportItemFields.extend({
  email: EmailField.optional().openapi({
    description: 'The person’s address. Required for channel `email` (the default); beside `phone`, both are tied to one contact (an address or a number already another contact’s is refused)',
  }),
  phone: f.phone.openapi({
    description:
      'The person’s mobile number in E.164. Required for channel `sms`; a contact known by its number alone is created when no contact has it. Beside `email`, the contact’s number',
    example: '+819012345678',
  }),
  channel: f.channel.openapi({
    description: 'What the categories are granted on: `email` (default) or `sms` (text messages to `phone`; every category must be offered by SMS)',
  }),
  method: f.method.openapi({ description: '`paper`, `in_store`, `event` and `app` need `consentText` and `evidence`' }),
  occurredAt: f.occurredAt.openapi({ description: 'When the person consented, ISO 8601 with a zone; not in the future', example: '2026-10-01T09:00:00Z' }),
  evidence: f.evidence.openapi({
    description: 'Where the proof is, e.g. "signed form #1234, kept at the Shibuya shop"; stored encrypted. Required for paper, in_store, event and app',
  }),
  consentText: f.consentText.openapi({
    description: 'The exact wording the person agreed to; stored once by SHA-256. Required for paper, in_store, event and app',
  }),
  basis: f.basis.openapi({
    description:
      'What the consent rests on (default `express`): implied consent from a purchase (CASL: 2 years) or an inquiry (6 months), an address handed over on a business card, or an existing customer (Japan’s exceptions)',
  }),
  relationshipAt: f.relationshipAt.openapi({
    description: 'The purchase or inquiry date, YYYY-MM-DD, not in the future; required for implied_purchase and implied_inquiry, refused for the others',
    example: '2026-09-20',
  }),
});

const ImportBody = ImportFields.extend({
  importId: ImportFields.shape.importId.openapi({ example: 'shop-2026-10' }),
  items: z.array(ImportItemSchema).min(1).max(MAX_IMPORT_ITEMS),
}).openapi('ImportRequest');

const CategoryOutcome = z.object({
  category: z.string(),
  status: z.enum(['granted', 'skipped']),
  reason: z.enum(['already_granted', 'withdrawn_later']).optional(),
});

const ImportResultSchema = z
  .object({
    importId: z.string(),
    replayed: z.boolean().openapi({ description: 'True when this import id was already done: nothing was written now' }),
    items: z.array(
      z.union([
        z.object({ index: z.number().int(), status: z.literal('imported'), contactId: z.string(), categories: z.array(CategoryOutcome) }),
        z.object({ index: z.number().int(), status: z.literal('refused'), reason: z.literal('erased') }),
      ]),
    ),
    granted: z.number().int(),
    skipped: z.number().int(),
    refused: z.number().int(),
  })
  .openapi('ImportResult');

const importRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/imports',
  summary: 'Import consents collected elsewhere, with their evidence (all or nothing; idempotent by importId)',
  request: { params: SiteParam, body: { content: { 'application/json': { schema: ImportBody } }, required: true } },
  responses: {
    200: json(ImportResultSchema, 'This import id was done before with the same body: the same result, nothing written'),
    201: json(ImportResultSchema, 'Imported'),
    ...JSON_BODY_ERRORS,
    409: { description: 'This import id was used with a different body', content: { 'application/json': { schema: ErrorSchema } } },
  },
});

importRoutes.openapi(importRoute, async (c) => {
  const outcome = await importConsents(c.var.deps, c.req.valid('param').site, { apiKeyId: c.var.apiKeyId }, c.req.valid('json'));
  switch (outcome.kind) {
    case 'site_not_found':
      return apiError(c, 'not_found', 'No site with this id.');
    case 'invalid':
      return apiError(
        c,
        'invalid_request',
        'Some items are not valid; see details. Nothing was imported.',
        outcome.details.map(({ path, message }) => ({ path, message })),
      );
    case 'conflict':
      return apiError(c, 'conflict', 'This importId was used with a different body. Use a new importId.');
    case 'done':
      // The audit row names every contact the answer is about (granted or reported as skipped).
      c.set('auditContacts', outcome.result.items.flatMap((item) => (item.status === 'imported' ? [item.contactId] : [])));
      return outcome.replayed
        ? c.json({ ...outcome.result, replayed: true }, 200)
        : c.json({ ...outcome.result, replayed: false }, 201);
  }
});
