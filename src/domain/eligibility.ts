// Send-time eligibility: may this site mail these addresses for this category right now?
// Built for batches (up to 10,000 addresses): one imported HMAC key for all lookup hashes, and
// the database read in chunks of CHUNK hashes, each chunk one JSON parameter (D1 binds at most
// 100 parameters per query, and json_each turns one into a set).
import { sql } from 'kysely';
import { lastMaterialChange } from '../db/category-terms.ts';
import { grantInForceId, termsShownAt } from '../db/grants.ts';
import type { CategoryKind, Channel, ConsentBasis, ConsentStatus, SiteRow } from '../db/schema.ts';
import { normalisePhone, phoneLookupHash } from '../sms/phone.ts';
import type { Deps } from '../deps.ts';
import { dateIn } from './consent-basis.ts';
import { lapseOf } from './consent-standing.ts';
import { checkEmail, emailLookupHasher } from './email-address.ts';

export const MAX_ELIGIBILITY_ADDRESSES = 10_000;
const CHUNK = 2000;

export type IneligibleReason =
  | 'invalid'
  | 'not_found'
  | 'pending'
  | 'withdrawn'
  | 'erased'
  /** An exempt category, for a contact who never confirmed and was not imported as a customer. */
  | 'not_customer'
  /** Implied consent ran out: 2 years after the purchase, 6 months after the inquiry. */
  | 'expired'
  /** Granted before the category's purpose or frequency changed materially; not granted since. */
  | 'terms_changed';

export interface Eligibility {
  email: string;
  eligible: boolean;
  reason?: IneligibleReason;
  /** The contact the address found (for recording sends; not part of the API's answer). */
  contactId?: string;
}

interface Known {
  id: string;
  erased: boolean;
  customer: boolean;
  status: ConsentStatus | null;
  basis: ConsentBasis | null;
  relationshipAt: string | null;
  termsShownAt: string | null;
}

/**
 * One answer per address, in request order. Erased (blank address, or a suppression entry not
 * yet lifted by a new confirmation) blocks every category. An exempt category is allowed for a
 * known customer: a contact who confirmed an address by double opt-in at least once, or was
 * imported as an existing customer (a stranger's unconfirmed signup is not one). An opt-in
 * category needs a granted consent (no consent row for the category at all reads as not_found)
 * whose grant in force has not lapsed: an implied basis that ran out is `expired`, a grant
 * shown the terms before their latest material change is `terms_changed`.
 */
export async function checkEligibility(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  site: SiteRow,
  category: { key: string; kind: CategoryKind },
  emails: readonly string[],
): Promise<Eligibility[]> {
  const hash = await emailLookupHasher(deps.config.lookupKey);
  const hashes = await Promise.all(emails.map((email) => (checkEmail(email) === null ? hash(email) : null)));
  const answers = await eligibilityOf(deps, site, category, 'email', hashes);
  return emails.map((email, i) => ({ email, ...answers[i]! }));
}

/**
 * The same for text messages: numbers in E.164 (anything else is `invalid`), each found by its
 * keyed hash, with the SMS consent of the category. A number is not suppressed after an erasure:
 * it is forgotten, so it answers `not_found`.
 */
export async function checkSmsEligibility(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  site: SiteRow,
  category: { key: string; kind: CategoryKind },
  phones: readonly string[],
): Promise<(Omit<Eligibility, 'email'> & { phone: string })[]> {
  const hashes = await Promise.all(
    phones.map((phone) => {
      const normal = normalisePhone(phone, null);
      return normal.ok && normal.e164 === phone ? phoneLookupHash(deps.config.lookupKey, normal.e164) : null;
    }),
  );
  const answers = await eligibilityOf(deps, site, category, 'sms', hashes);
  return phones.map((phone, i) => ({ phone, ...answers[i]! }));
}

async function eligibilityOf(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  site: SiteRow,
  category: { key: string; kind: CategoryKind },
  channel: Channel,
  hashes: readonly (string | null)[],
): Promise<Omit<Eligibility, 'email'>[]> {
  const hashColumn = channel === 'email' ? 'c.email_hash' : 'c.phone_hash';
  const unique = [...new Set(hashes.filter((h): h is string => h !== null))];
  const exempt = category.kind === 'exempt';
  const known = new Map<string, Known>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await deps.db
      .selectFrom('contacts as c')
      .leftJoin('consents as s', (join) =>
        join.onRef('s.contact_id', '=', 'c.id').on('s.category_key', '=', category.key).on('s.channel', '=', channel),
      )
      // Erased addresses stay suppressed until a new confirmation; numbers are forgotten instead.
      .leftJoin('suppressions as x', (join) =>
        join.onRef('x.site_id', '=', 'c.site_id').onRef('x.email_hash', '=', 'c.email_hash').on(sql<boolean>`${channel} = 'email'`),
      )
      // The grant in force only where it matters: a granted opt-in consent. For an exempt
      // category the join looks up no id (a constant false here would scan the whole ledger).
      .leftJoin('consent_events as g', (join) =>
        join.on(sql<boolean>`s.status = 'granted' AND g.id = ${exempt ? sql`NULL` : grantInForceId(sql.ref('c.id'), category.key, channel)}`),
      )
      .select([
        'c.id',
        sql<string>`${sql.ref(hashColumn)}`.as('hash'),
        's.status',
        sql<number>`(c.email = '' OR x.id IS NOT NULL)`.as('erased'),
        exempt
          ? sql<number>`(c.confirmed_at IS NOT NULL OR EXISTS (SELECT 1 FROM consent_events b
              WHERE b.contact_id = c.id AND b.basis = 'existing_customer'))`.as('customer')
          : sql<number>`0`.as('customer'),
        'g.basis',
        'g.relationship_at',
        // A consent row without any grant event (written by hand) counts from its last change.
        sql<string | null>`coalesce(${termsShownAt('g')}, s.updated_at)`.as('terms_shown_at'),
      ])
      .where('c.site_id', '=', site.id)
      .where(sql<boolean>`${sql.ref(hashColumn)} IN (SELECT value FROM json_each(${JSON.stringify(unique.slice(i, i + CHUNK))}))`)
      .execute();
    for (const row of rows) {
      known.set(row.hash, {
        id: row.id,
        erased: row.erased === 1,
        customer: row.customer === 1,
        status: row.status,
        basis: row.basis,
        relationshipAt: row.relationship_at,
        termsShownAt: row.terms_shown_at,
      });
    }
  }
  const materialChangeAt = exempt ? null : await lastMaterialChange(deps.db, site.id, category.key);
  const today = dateIn(site.time_zone, deps.clock.now());
  return hashes.map((h) => {
    if (h === null || h === undefined) return { eligible: false, reason: 'invalid' };
    const contact = known.get(h);
    if (!contact) return { eligible: false, reason: 'not_found' };
    if (contact.erased) return { eligible: false, reason: 'erased' };
    if (exempt) return contact.customer ? { eligible: true, contactId: contact.id } : { eligible: false, reason: 'not_customer' };
    if (contact.status !== 'granted') return { eligible: false, reason: contact.status ?? 'not_found' };
    const lapse = lapseOf({ basis: contact.basis, relationshipAt: contact.relationshipAt, termsShownAt: contact.termsShownAt ?? '' }, materialChangeAt, today);
    return lapse ? { eligible: false, reason: lapse.reason } : { eligible: true, contactId: contact.id };
  });
}
