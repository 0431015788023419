// What a site's and a category's fields may hold: one set of rules for the operator API (which
// documents them in its OpenAPI schemas) and the console (which reads them from its forms).
// Site and category texts reach email subjects, From and footers: a line break in one would be
// header injection, so control characters are refused before trimming, not hidden by it.
// zod as @hono/zod-openapi extends it: the API describes these schemas with .openapi(), which
// only schemas made after that extension have, whichever module happens to load first.
import { z } from '@hono/zod-openapi';
import { LOCALES } from '../i18n/index.ts';
import { hasControlCharacters, isSenderAddress } from '../mail/header-values.ts';
import { isAccentColor, meetsContrast } from './site-branding.ts';

/** A field and what is wrong with it, in the API's words ("translations.ja.name"). */
export interface FieldProblem {
  path: string;
  message: string;
}

export const Slug = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9-]+$/, 'Use only a-z, 0-9 and "-".');

export const LocaleField = z.enum(LOCALES);

const Plain = () => z.string().refine((value) => !hasControlCharacters(value), 'Must not contain line breaks or other control characters.');

export const Text = (max: number) => Plain().trim().min(1).max(max);

/** The longest each text may be, in characters (the console's inputs say so too). */
export const SITE_TEXT_LIMITS = { name: 200, legalName: 200, postalAddress: 500, inquiryContact: 300, senderAddress: 320, privacyPolicyUrl: 2000, privacyPolicyVersion: 50, timeZone: 100 } as const;
export const CATEGORY_TEXT_LIMITS = { name: 200, description: 1000, purpose: 1000, frequency: 200 } as const;

export const SenderAddress = Text(SITE_TEXT_LIMITS.senderAddress).refine(isSenderAddress, 'Must be an address or "Name <address>", like MAIL_FROM.');

// WHATWG URL parsing drops tabs and line breaks, so they are refused before it sees the value.
export const HttpsUrl = Plain()
  .max(SITE_TEXT_LIMITS.privacyPolicyUrl)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Must be an https:// URL.');

export const TimeZone = Plain()
  .min(1)
  .max(100)
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'Not an IANA time zone.');

export const Origin = Plain()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'Must be an origin such as https://shop.example (scheme and host, no path).');

/** Buttons and links: white text on it, and it on white, must reach WCAG AA (4.5:1). */
export const AccentColor = z
  .string()
  .refine(isAccentColor, 'Must be a colour like #1d4ed8.')
  .refine((value) => !isAccentColor(value) || meetsContrast(value), 'Too light: white text on it (and it on white) must have a contrast of at least 4.5:1 (WCAG AA).')
  .transform((value) => value.toLowerCase());

/** ISO 3166-1 alpha-2, as phone numbering knows it (JP, US, GB...). */
export const CountryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'Must be a two-letter country code such as JP or US.')
  .transform((value) => value.toUpperCase());

export const SiteFields = z.object({
  name: Text(SITE_TEXT_LIMITS.name),
  legalName: Text(SITE_TEXT_LIMITS.legalName),
  postalAddress: Text(SITE_TEXT_LIMITS.postalAddress),
  inquiryContact: Text(SITE_TEXT_LIMITS.inquiryContact),
  senderAddress: SenderAddress.nullable().optional(),
  privacyPolicyUrl: HttpsUrl,
  privacyPolicyVersion: Text(SITE_TEXT_LIMITS.privacyPolicyVersion),
  defaultLocale: LocaleField,
  timeZone: TimeZone,
  allowedOrigins: z.array(Origin).max(50).optional(),
  accentColor: AccentColor.nullable().optional(),
  /** For numbers typed without +country code; null: they are refused. */
  defaultCountry: CountryCode.nullable().optional(),
  /** The SMS boxes say "Msg & data rates may apply" (US carriers ask for it). */
  smsRatesNotice: z.boolean().optional(),
});

export type SiteInput = z.infer<typeof SiteFields>;
export type SiteCreation = SiteInput & { id: string };
export type SiteChanges = Partial<SiteInput>;

export const CreateSiteFields = SiteFields.extend({ id: Slug });
export const UpdateSiteFields = SiteFields.partial();

export const CategoryText = z.object({
  name: Text(CATEGORY_TEXT_LIMITS.name),
  description: Text(CATEGORY_TEXT_LIMITS.description),
  purpose: Text(CATEGORY_TEXT_LIMITS.purpose),
  frequency: Text(CATEGORY_TEXT_LIMITS.frequency),
});
export type CategoryTextValues = z.infer<typeof CategoryText>;
export const CategoryTexts = z.object({ en: CategoryText.optional(), ja: CategoryText.optional() });
export const CategoryTextPatches = z.object({ en: CategoryText.partial().optional(), ja: CategoryText.partial().optional() });

export const CategoryKindField = z.enum(['opt_in', 'exempt']);
export const ChannelField = z.enum(['email', 'sms']);
/** The channels a category is offered on: at least one, each once. */
export const Channels = z
  .array(ChannelField)
  .min(1)
  .max(2)
  .refine((channels) => new Set(channels).size === channels.length, 'Name each channel once.');
export const Position = z.number().int().min(0).max(1_000_000);
export const TermsChange = z.enum(['minor', 'material']);

export const CreateCategoryFields = z.object({
  key: Slug,
  kind: CategoryKindField,
  translations: CategoryTexts,
  position: Position.optional(),
  /** Default: email only. */
  channels: Channels.optional(),
});

export const UpdateCategoryFields = z.object({
  translations: CategoryTextPatches.optional(),
  position: Position.optional(),
  termsChange: TermsChange.optional(),
  channels: Channels.optional(),
});

export type CategoryCreation = z.infer<typeof CreateCategoryFields>;
export type CategoryUpdate = z.infer<typeof UpdateCategoryFields>;

/** A schema's verdict on input: the value, or every problem with its path. */
export function checkFields<T>(schema: z.ZodType<T>, input: unknown): { ok: true; value: T } | { ok: false; problems: FieldProblem[] } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) };
}
