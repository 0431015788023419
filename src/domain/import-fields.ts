// What an import's request may hold, for the operator API (which describes it in its OpenAPI
// document) and the console's CSV import (which checks each row with it): one schema, one rule.
// The rules that need the database or span fields are in import-consents.ts (an item needs an
// address or a number, the number in E.164, an sms item a number and categories offered by SMS).
// zod as @hono/zod-openapi extends it: the API describes these schemas with .openapi(), which
// only schemas made after that extension have, whichever module happens to load first.
import { z } from '@hono/zod-openapi';
import { MAX_PHONE_INPUT_LENGTH } from '../sms/phone.ts';
import { CONSENT_BASES } from './consent-basis.ts';
import { MAX_EMAIL_LENGTH } from './email-address.ts';
import { IMPORT_CHANNELS, IMPORT_METHODS, MAX_IMPORT_ITEMS } from './import-consents.ts';

export const ImportItemFields = z.object({
  email: z.string().trim().min(1).max(MAX_EMAIL_LENGTH).optional(),
  phone: z.string().trim().min(1).max(MAX_PHONE_INPUT_LENGTH).optional(),
  channel: z.enum(IMPORT_CHANNELS).optional(),
  categories: z.array(z.string().min(1).max(100)).min(1).max(50),
  method: z.enum(IMPORT_METHODS),
  occurredAt: z.string().max(40),
  sourceUrl: z.string().max(2000).optional(),
  evidence: z.string().min(1).max(2000).optional(),
  consentText: z.string().min(1).max(20000).optional(),
  locale: z.string().max(35).optional(),
  basis: z.enum(CONSENT_BASES).optional(),
  relationshipAt: z.string().max(40).optional(),
});

export const ImportFields = z.object({
  importId: z.string().min(1).max(100),
  items: z.array(ImportItemFields).min(1).max(MAX_IMPORT_ITEMS),
});
