// The exact wording a signup form shows, as one canonical text. The page renders the same pieces;
// the form carries the SHA-256 of this text and every ledger event points at it, so the
// evidence says word for word what the person agreed to.
import type { LocalisedCategory } from '../db/sites.ts';
import type { SiteRow } from '../db/schema.ts';
import type { Locale, Messages } from '../i18n/index.ts';
import { ttlCache } from '../ttl-cache.ts';
import { sha256Hex } from './ids.ts';

export interface ConsentWording {
  text: string;
  sha256: string;
  locale: Locale;
  policyVersion: string;
}

/**
 * Which form the wording is for: the signup form, the signup form embedded in a site's own pages
 * (iframe, plain HTML form, script: a title but no introduction), or the preference page's
 * choices (which grant at once for a contact who confirmed by email before, and otherwise ask
 * for a confirmation).
 */
export type WordingForm = 'signup' | 'embed' | 'preferences' | 'preferences_by_email';

export async function buildConsentWording(
  site: SiteRow,
  categories: readonly LocalisedCategory[],
  t: Messages,
  locale: Locale,
  form: WordingForm = 'signup',
): Promise<ConsentWording> {
  const s = t.signup;
  const colon = t.common.colon;
  const optIn = categories.filter((c) => c.kind === 'opt_in' && c.channels.includes('email'));
  // A signup form offers SMS boxes for the categories sent by SMS too; a site without any has the
  // wording it always had.
  const bySms = form === 'signup' || form === 'embed' ? smsCategories(categories) : [];
  const exempt = categories.filter((c) => c.kind === 'exempt');
  const signupForm = form === 'signup' || form === 'embed';
  const heading =
    form === 'signup' ? [s.title(site.name), s.intro(site.name)] : form === 'embed' ? [s.title(site.name)] : [t.preferences.title(site.name)];
  const statement =
    signupForm
      ? s.consent(site.legal_name)
      : form === 'preferences'
        ? t.preferences.statement(site.legal_name)
        : t.preferences.statementByEmail(site.legal_name);
  const lines = [
    ...heading,
    '',
    signupForm ? s.choose : t.preferences.choose,
    ...optIn.map(
      (c) => `[ ] ${c.name}${colon}${c.description} ${s.purpose}${colon}${c.purpose} ${s.frequency}${colon}${c.frequency}`,
    ),
  ];
  if (bySms.length > 0) {
    lines.push('', s.smsChoose, ...bySms.map((c) => `[ ] ${s.smsBox(c.name)}${colon}${c.purpose} ${s.frequency}${colon}${c.frequency}`));
    if (site.sms_rates_notice) lines.push(s.smsRates);
  }
  if (exempt.length > 0) {
    lines.push('', s.exemptHeading, s.exemptIntro, ...exempt.map((c) => `- ${c.name}${colon}${c.description}`));
  }
  lines.push(
    '',
    s.consentHeading,
    statement,
    ...(bySms.length > 0 ? [s.smsConsent(site.legal_name)] : []),
    `${s.privacy(site.privacy_policy_version)}${colon}${site.privacy_policy_url}`,
  );
  const text = lines.join('\n');
  return { text, sha256: await wordingHash(text), locale, policyVersion: site.privacy_policy_version };
}

/** The opt-in categories a signup form offers by SMS. */
export function smsCategories(categories: readonly LocalisedCategory[]): LocalisedCategory[] {
  return categories.filter((c) => c.kind === 'opt_in' && c.channels.includes('sms'));
}

/** The hashes of the wordings made lately: every page view rebuilds one of the same few texts. */
const hashes = ttlCache<string>({ ttlMs: Infinity, maxEntries: 1000 });

function wordingHash(text: string): Promise<string> {
  return hashes.get(text, () => sha256Hex(text));
}
