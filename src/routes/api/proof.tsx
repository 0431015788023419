// Proof of consent: everything held about one contact as one bundle, in JSON for machines and
// (?format=html) as a printable page. The bundle is built by domain/contact-record.ts, the same
// function that gives people their own copy from the preference page.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app-env.ts';
import { findSite } from '../../db/sites.ts';
import { buildContactRecord } from '../../domain/contact-record.ts';
import { ProofPage } from '../../../views/pages/proof.tsx';
import { requestLocale, page } from '../render.tsx';
import { messages } from '../../i18n/index.ts';
import { contactById } from './contacts.ts';
import { ERROR_RESPONSES } from './errors.ts';
import { BasisFields, ConsentStatusSchema, ContactParam, EventSchema } from './schemas.ts';
import { StoredFormSchema } from './forms.ts';
import { validationHook } from './validation.ts';

export const proofRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

export const ContactRecordSchema = z
  .object({
    generatedAt: z.string().openapi({ example: '2026-11-01T09:00:00.000Z' }),
    site: z.object({
      id: z.string(),
      name: z.string(),
      legalName: z.string(),
      postalAddress: z.string(),
      inquiryContact: z.string(),
      privacyPolicyUrl: z.string(),
      privacyPolicyVersion: z.string(),
    }),
    contact: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      locale: z.string(),
      createdAt: z.string(),
      confirmedAt: z.string().nullable(),
      lastSentAt: z.string().nullable().openapi({ description: 'The latest send of a campaign to the contact' }),
    }),
    hold: z
      .object({ until: z.string(), reason: z.string() })
      .nullable()
      .openapi({ description: 'For a contact erased after being mailed: its evidence is kept until then, and why' }),
    consents: z.array(
      z.object({ category: z.string(), channel: z.literal('email'), status: ConsentStatusSchema, updatedAt: z.string(), lastSentAt: z.string().nullable() }),
    ),
    sends: z
      .array(z.object({ campaign: z.string(), category: z.string(), channel: z.string(), sentAt: z.string() }))
      .openapi({ description: 'The campaigns recorded as sent to the contact (POST .../sends, or the links API with a campaign)' }),
    emails: z
      .array(z.object({ kind: z.string(), subject: z.string(), status: z.string(), queuedAt: z.string(), sentAt: z.string().nullable() }))
      .openapi({ description: 'The emails this service sent the contact itself' }),
    events: z.array(
      z.object({
        id: z.number().int(),
        category: z.string(),
        channel: z.literal('email'),
        action: EventSchema.shape.action,
        method: z.string(),
        occurredAt: z.string(),
        sourceUrl: z.string().nullable(),
        ip: z.string().nullable(),
        userAgent: z.string().nullable(),
        evidence: z.string().nullable(),
        actor: z.string().nullable(),
        ...BasisFields,
        policyVersion: z.string().nullable(),
        locale: z.string(),
        consentTextSha256: z.string().nullable().openapi({ description: 'Key into consentTexts' }),
        formSha256: z.string().nullable().openapi({ description: 'Key into forms: the exact form a signup came from' }),
        canonical: z.string().openapi({ description: 'The exact text the seal hashes: the ledger row as a JSON array, the evidence only as its keyed MAC' }),
        previousSeal: z
          .string()
          .nullable()
          .openapi({ description: 'The seal of the event before it in the ledger (anyone’s; genesis for the first); null until sealed' }),
        seal: z
          .string()
          .nullable()
          .openapi({ description: 'The event’s hash in the sealed ledger chain, SHA-256(previousSeal + "\\n" + canonical) in hex (null until sealed)' }),
        sender: z
          .object({ legalName: z.string(), postalAddress: z.string(), inquiryContact: z.string() })
          .openapi({ description: 'The sender identity in force when the event happened (`site` shows today’s)' }),
      }),
    ),
    consentTexts: z
      .record(z.string(), z.object({ text: z.string(), locale: z.string(), policyVersion: z.string(), createdAt: z.string() }))
      .openapi({ description: 'Each distinct wording the events point at, once, keyed by its SHA-256' }),
    forms: z
      .record(z.string(), StoredFormSchema)
      .openapi({ description: 'Each form the events point at, exactly as first shown, once, keyed by the SHA-256 of its content' }),
    ledger: z
      .object({
        genesis: z.string().openapi({ example: 'assent-ledger-v1' }),
        rule: z.string(),
        head: z
          .object({ eventId: z.number().int(), hash: z.string() })
          .nullable()
          .openapi({ description: 'The last sealed event when the bundle was made: compare its hash with one kept elsewhere' }),
      })
      .openapi({ description: 'How to check the seals: `npm run cli -- proof verify FILE` does it offline' }),
  })
  .openapi('ContactRecord');

const proof = createRoute({
  method: 'get',
  path: '/sites/{site}/contacts/{id}/proof',
  summary: 'Proof of consent: the contact, its consents, every event with its evidence and exact wording, and the ledger seals',
  request: {
    params: ContactParam,
    query: z.object({
      format: z.enum(['json', 'html']).optional().openapi({ description: '`html`: a printable page instead of JSON' }),
    }),
  },
  responses: {
    200: {
      description: 'The proof bundle (JSON), or with ?format=html the same as a printable page',
      content: {
        'application/json': { schema: ContactRecordSchema },
        'text/html': { schema: z.string() },
      },
    },
    ...ERROR_RESPONSES,
  },
});

proofRoutes.openapi(proof, async (c) => {
  const { deps } = c.var;
  const { site: siteId, id } = c.req.valid('param');
  const found = await contactById(c, siteId, id);
  if (found instanceof Response) return found;
  const site = (await findSite(deps.db, siteId))!;
  const record = await buildContactRecord(deps, site, found);
  // Personal data: no cache anywhere may keep a copy.
  c.header('Cache-Control', 'no-store');
  if (c.req.valid('query').format === 'html') {
    const locale = requestLocale(c, 'en');
    return page(c, 200, <ProofPage t={messages(locale)} lang={locale} record={record} />);
  }
  return c.json(record, 200);
});
