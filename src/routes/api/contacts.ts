// Contacts: who is this and what may we send them, the evidence, and per-recipient links.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppContext, AppEnv } from '../../app-env.ts';
import { findContact, findContactByEmailHash, findContactByPhoneHash } from '../../db/contacts.ts';
import { listConsents } from '../../db/consents.ts';
import { listEventsWithText, readableEvent } from '../../db/events.ts';
import type { ContactRow } from '../../db/schema.ts';
import { findCategoryKind, findSite } from '../../db/sites.ts';
import { campaignFooter } from '../../domain/campaign-footer.ts';
import { emailLookupHash } from '../../domain/email-address.ts';
import { phoneLookupHash } from '../../sms/phone.ts';
import { listId } from '../../mail/sender-identity.ts';
import { ALL_SMS, optOutLink, smsOptOutLine } from '../../domain/sms-opt-out.ts';
import type { Locale } from '../../i18n/index.ts';
import { listUnsubscribeHeaders, manageUrl, revokeContactLinks, unsubscribeUrl } from '../../domain/links.ts';
import { recordSends } from '../../domain/sends.ts';
import { apiError, ERROR_RESPONSES, JSON_BODY_ERRORS } from './errors.ts';
import { ContactParam, ContactSchema, EmailField, PhoneField, EventSchema, IneligibleReasonSchema, json, SiteParam } from './schemas.ts';
import { CampaignField } from './sends.ts';
import { validationHook } from './validation.ts';

export const contactRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** The contact of this site with this id, or the 404 answer. */
export async function contactById(c: AppContext, siteId: string, id: string): Promise<ContactRow | Response> {
  const { db } = c.var.deps;
  const site = await findSite(db, siteId);
  const contact = site && (await findContact(db, site.id, id));
  if (!contact) return apiError(c, 'not_found', site ? 'No contact with this id on this site.' : 'No site with this id.');
  c.set('auditContact', contact.id);
  return contact;
}

/** The contact of this site with this address, or the 404 answer. */
async function contactByEmail(c: AppContext, siteId: string, email: string): Promise<ContactRow | Response> {
  const { deps } = c.var;
  const site = await findSite(deps.db, siteId);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const contact = await findContactByEmailHash(deps.db, site.id, await emailLookupHash(deps.config.lookupKey, email));
  if (!contact) return apiError(c, 'not_found', 'No contact with this address on this site.');
  c.set('auditContact', contact.id);
  return contact;
}

/** The contact of this site with this number (E.164), or the 404 answer. */
async function contactByPhone(c: AppContext, siteId: string, phone: string): Promise<ContactRow | Response> {
  const { deps } = c.var;
  const site = await findSite(deps.db, siteId);
  if (!site) return apiError(c, 'not_found', 'No site with this id.');
  const hash = await phoneLookupHash(deps.config.lookupKey, phone);
  const contact = await findContactByPhoneHash(deps.db, site.id, hash);
  if (!contact) return apiError(c, 'not_found', 'No contact with this number on this site.');
  c.set('auditContact', contact.id);
  return contact;
}

const lookup = createRoute({
  method: 'post',
  path: '/sites/{site}/contacts/lookup',
  summary: 'Find a contact by address, with its current consents',
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ email: EmailField.optional(), phone: PhoneField.optional() })
            .refine((body) => (body.email === undefined) !== (body.phone === undefined), { message: 'Send `email` or `phone`, one of them.', path: ['email'] }),
        },
      },
      required: true,
    },
  },
  responses: { 200: json(z.object({ contact: ContactSchema }), 'The contact'), ...JSON_BODY_ERRORS },
});

contactRoutes.openapi(lookup, async (c) => {
  const { email, phone } = c.req.valid('json');
  const found = phone !== undefined ? await contactByPhone(c, c.req.valid('param').site, phone) : await contactByEmail(c, c.req.valid('param').site, email!);
  if (found instanceof Response) return found;
  const contact = found;
  const consents = await listConsents(c.var.deps.db, contact.id);
  return c.json(
    {
      contact: {
        id: contact.id,
        email: contact.email === '' ? '' : await c.var.deps.cipher.decrypt(contact.email),
        phone: contact.phone ? await c.var.deps.cipher.decrypt(contact.phone) : null,
        locale: contact.locale,
        consents: consents.map((row) => ({ category: row.category_key, channel: row.channel, status: row.status, updatedAt: row.updated_at })),
      },
    },
    200,
  );
});

const events = createRoute({
  method: 'get',
  path: '/sites/{site}/contacts/{id}/events',
  summary: "The contact's ledger in order, each event with its evidence and exact wording",
  request: { params: ContactParam },
  responses: { 200: json(z.object({ events: z.array(EventSchema) }), 'The events'), ...ERROR_RESPONSES },
});

contactRoutes.openapi(events, async (c) => {
  const { site, id } = c.req.valid('param');
  const found = await contactById(c, site, id);
  if (found instanceof Response) return found;
  const rows = await listEventsWithText(c.var.deps.db, found.id);
  // An erased contact's evidence, where it is held, is for the proof endpoint only.
  const decrypt = (value: string) => (found.email === '' ? Promise.resolve(null) : c.var.deps.cipher.decrypt(value));
  return c.json(
    {
      events: await Promise.all(
        rows.map(async (e) => ({
          ...(await readableEvent(e, decrypt)),
          consentText: e.consent_text_sha256 ? { sha256: e.consent_text_sha256, text: e.consent_text } : null,
          formSha256: e.form_sha256,
        })),
      ),
    },
    200,
  );
});

const links = createRoute({
  method: 'post',
  path: '/sites/{site}/contacts/links',
  summary: "A recipient's preference and unsubscribe links and one-click headers, for your own campaigns",
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({
            email: EmailField,
            category: z.string().min(1).max(100).optional(),
            campaign: CampaignField.optional().openapi({ description: 'Records a send of this campaign (needs category), when the address is eligible for it' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({
        manageUrl: z.string(),
        unsubscribeUrl: z.string(),
        headers: z.object({
          'List-Unsubscribe': z.string(),
          'List-Unsubscribe-Post': z.literal('List-Unsubscribe=One-Click'),
          'List-Id': z.string().openapi({ description: 'The site’s list, <{site}.{BASE_URL host}>, for mailbox providers to group and filter it' }),
        }),
        send: z
          .object({ campaign: z.string(), recorded: z.boolean(), reason: IneligibleReasonSchema.optional() })
          .optional()
          .openapi({ description: 'With campaign: whether the send was recorded (false: not eligible now, do not send)' }),
        footer: z
          .object({ text: z.string(), html: z.string() })
          .openapi({
            description:
              "The footer every advertising email must show, in the contact's language: legal name, postal address, inquiry contact, the sentence saying the recipient can unsubscribe from these emails, and these unsubscribe and preference links (plain text and HTML)",
          }),
      }),
      'The links',
    ),
    ...JSON_BODY_ERRORS,
  },
});

contactRoutes.openapi(links, async (c) => {
  const { deps } = c.var;
  const { email, category, campaign } = c.req.valid('json');
  const siteId = c.req.valid('param').site;
  if (campaign !== undefined && category === undefined) {
    const message = 'A send is of a campaign in one category: give the category too.';
    return apiError(c, 'invalid_request', message, [{ path: 'category', message }]);
  }
  const refused = await notOptIn(c, siteId, category, 'unsubscribe');
  if (refused) return refused;
  const found = await contactByEmail(c, siteId, email);
  if (found instanceof Response) return found;
  // An erased contact has nobody behind it to speak for: no links (a new signup brings it back).
  if (found.email === '') return apiError(c, 'not_found', 'This contact was erased; it has no links until it signs up again.');
  const unsubscribe = await unsubscribeUrl(deps, found, category);
  const manage = await manageUrl(deps, found);
  return c.json(
    {
      manageUrl: manage,
      unsubscribeUrl: unsubscribe,
      headers: { ...listUnsubscribeHeaders(unsubscribe), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' as const, 'List-Id': listId({ id: siteId }, deps.config.baseUrl) },
      ...(campaign !== undefined && category !== undefined ? { send: await sendOfLinks(c, siteId, category, campaign, email) } : {}),
      footer: await campaignFooter((await findSite(deps.db, siteId))!, found, { unsubscribeUrl: unsubscribe, manageUrl: manage }),
    },
    200,
  );
});

const smsLinks = createRoute({
  method: 'post',
  path: '/sites/{site}/contacts/sms-links',
  summary: "A number's short opt-out link and the line every text you send it must end with, in the contact's language",
  request: {
    params: SiteParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({
            phone: PhoneField,
            category: z.string().min(1).max(100).optional().openapi({ description: 'Stop only this category by the link; default: every text message of the site' }),
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z.object({
        optOutUrl: z.string().openapi({ description: '{BASE_URL}/x/{code}: opens a page whose button stops the texts (opening alone changes nothing)' }),
        text: z.string().openapi({ description: 'Append it, on its own line, to every text: e.g. "Opt out: https://…/x/abc23defgh"' }),
      }),
      'The link',
    ),
    ...JSON_BODY_ERRORS,
  },
});

contactRoutes.openapi(smsLinks, async (c) => {
  const { deps } = c.var;
  const { phone, category } = c.req.valid('json');
  const siteId = c.req.valid('param').site;
  const refused = await notOptIn(c, siteId, category, 'opt-out');
  if (refused) return refused;
  const found = await contactByPhone(c, siteId, phone);
  if (found instanceof Response) return found;
  const link = await optOutLink(deps, { siteId, contactId: found.id }, category ?? ALL_SMS);
  if (link.queries.length > 0) await deps.atomic(link.queries);
  return c.json({ optOutUrl: link.url, text: smsOptOutLine(found.locale as Locale, link.url) }, 200);
});

/** The 400 for a link scoped to a category that has none (exempt, or not on the site); null: fine or none named. */
async function notOptIn(c: AppContext, siteId: string, category: string | undefined, what: 'unsubscribe' | 'opt-out') {
  const { db } = c.var.deps;
  if (category === undefined || !(await findSite(db, siteId))) return null;
  const kind = await findCategoryKind(db, siteId, category);
  if (kind === 'opt_in') return null;
  const message = kind ? `An exempt category has no ${what}.` : 'No such category on this site.';
  return apiError(c, 'invalid_request', message, [{ path: 'category', message }]);
}

/** The links API's send: recorded as the sends API would, for this one address. */
async function sendOfLinks(c: AppContext, siteId: string, category: string, campaign: string, email: string) {
  const { deps } = c.var;
  const site = (await findSite(deps.db, siteId))!;
  const kind = (await findCategoryKind(deps.db, site.id, category))!;
  const report = await recordSends(deps, site, { key: category, kind }, campaign, [email], `api_key:${c.var.apiKeyId}`);
  const [skipped] = report.skipped;
  return skipped ? { campaign, recorded: false, reason: skipped.reason } : { campaign, recorded: true };
}

const revokeLinks = createRoute({
  method: 'post',
  path: '/sites/{site}/contacts/{id}/revoke-links',
  summary:
    'Kill every preference link and open confirmation link mailed to this contact so far (unsubscribe links keep unsubscribing, and only that)',
  request: { params: ContactParam },
  responses: { 200: json(z.object({ contact: z.object({ id: z.string(), tokenEpoch: z.number().int() }) }), 'Revoked'), ...ERROR_RESPONSES },
});

contactRoutes.openapi(revokeLinks, async (c) => {
  const { deps } = c.var;
  const { site, id } = c.req.valid('param');
  const found = await contactById(c, site, id);
  if (found instanceof Response) return found;
  return c.json({ contact: { id: found.id, tokenEpoch: await revokeContactLinks(deps, found.id) } }, 200);
});
