// Schemas shared by API routes: they validate requests and describe answers in openapi.json.
import { z } from '@hono/zod-openapi';
import { CONSENT_BASES } from '../../domain/consent-basis.ts';
import { MAX_EMAIL_LENGTH } from '../../domain/email-address.ts';

export const SiteParam = z.object({
  site: z.string().min(1).max(100).openapi({ param: { name: 'site', in: 'path' }, example: 'demo' }),
});

export const ContactParam = SiteParam.extend({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'ax5zp2gegratp0121' }),
});

export const EmailField = z.string().trim().min(1).max(MAX_EMAIL_LENGTH).openapi({ example: 'alice@example.com' });

export const ChannelSchema = z.enum(['email', 'sms']);

export const ConsentStatusSchema = z.enum(['pending', 'granted', 'withdrawn']);

/** Why an address may not be mailed for a category now. */
export const IneligibleReasonSchema = z.enum(['invalid', 'not_found', 'pending', 'withdrawn', 'erased', 'not_customer', 'expired', 'terms_changed']);

export const ContactSchema = z
  .object({
    id: z.string(),
    email: z.string().openapi({ description: 'Empty for a contact known by its number only' }),
    phone: z.string().nullable().openapi({ description: 'E.164; null: no number' }),
    locale: z.string(),
    consents: z.array(
      z.object({ category: z.string(), channel: ChannelSchema, status: ConsentStatusSchema, updatedAt: z.string() }),
    ),
  })
  .openapi('Contact');

/** A mobile number as the API takes it: E.164 (+ and up to 15 digits). */
export const PhoneField = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/, 'Must be a number in E.164, like +819012345678.')
  .openapi({ example: '+819012345678' });

/** A grant's basis, on every event as the API and the proof show it. */
export const BasisFields = {
  basis: z
    .enum(CONSENT_BASES)
    .nullable()
    .openapi({ description: 'What a grant rests on: an import’s basis, `express` for one made on our pages; null for events that grant nothing' }),
  relationshipAt: z.string().nullable().openapi({ description: 'The purchase or inquiry date an implied basis runs from (YYYY-MM-DD)' }),
};

export const EventSchema = z
  .object({
    id: z.number().int(),
    category: z.string(),
    channel: ChannelSchema,
    action: z.enum(['requested', 'confirmed', 'granted', 'withdrawn', 'erased']),
    method: z.string(),
    occurredAt: z.string().openapi({ example: '2026-11-01T09:00:00.000Z' }),
    sourceUrl: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    policyVersion: z.string().nullable(),
    locale: z.string(),
    consentText: z.object({ sha256: z.string(), text: z.string().nullable() }).nullable(),
    formSha256: z.string().nullable().openapi({ description: 'The exact form a signup came from: GET /sites/{site}/forms/{sha256}' }),
    evidence: z.string().nullable().openapi({ description: "An import's free-text evidence" }),
    actor: z.string().nullable().openapi({ description: 'Who recorded it for the person, e.g. "api_key:<id>"; null: themselves' }),
    ...BasisFields,
  })
  .openapi('ConsentEvent');

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
