// Send-time eligibility: may this site mail these addresses for this category right now?
// Built for batches (up to 10,000 addresses): one imported HMAC key for all lookup hashes, and
// the database read in chunks of CHUNK hashes (SQLite and D1 cap bound parameters per query).
import { sql } from 'kysely';
import type { CategoryKind, ConsentStatus, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { checkEmail, emailLookupHasher } from './email-address.ts';

export const MAX_ELIGIBILITY_ADDRESSES = 10_000;
const CHUNK = 500;

export type IneligibleReason = 'invalid' | 'not_found' | 'pending' | 'withdrawn' | 'erased';

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
  status: ConsentStatus | null;
}

/**
 * One answer per address, in request order. Erased (blank address, or a suppression entry not
 * yet lifted by a new confirmation) blocks every category; an exempt category is allowed for
 * every other known contact; an opt-in category needs a granted consent (no consent row for the
 * category at all reads as not_found).
 */
export async function checkEligibility(
  deps: Pick<Deps, 'db' | 'config'>,
  site: SiteRow,
  category: { key: string; kind: CategoryKind },
  emails: readonly string[],
): Promise<Eligibility[]> {
  const hash = await emailLookupHasher(deps.config.lookupKey);
  const hashes = await Promise.all(emails.map((email) => (checkEmail(email) === null ? hash(email) : null)));
  const unique = [...new Set(hashes.filter((h): h is string => h !== null))];
  const known = new Map<string, Known>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await deps.db
      .selectFrom('contacts as c')
      .leftJoin('consents as s', (join) =>
        join.onRef('s.contact_id', '=', 'c.id').on('s.category_key', '=', category.key).on('s.channel', '=', 'email'),
      )
      .leftJoin('suppressions as x', (join) => join.onRef('x.site_id', '=', 'c.site_id').onRef('x.email_hash', '=', 'c.email_hash'))
      .select(['c.id', 'c.email_hash', 's.status', sql<number>`(c.email = '' OR x.id IS NOT NULL)`.as('erased')])
      .where('c.site_id', '=', site.id)
      .where('c.email_hash', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) known.set(row.email_hash, { id: row.id, erased: row.erased === 1, status: row.status });
  }
  return emails.map((email, i) => {
    const h = hashes[i];
    if (h === null || h === undefined) return { email, eligible: false, reason: 'invalid' };
    const contact = known.get(h);
    if (!contact) return { email, eligible: false, reason: 'not_found' };
    if (contact.erased) return { email, eligible: false, reason: 'erased' };
    if (category.kind === 'exempt' || contact.status === 'granted') return { email, eligible: true, contactId: contact.id };
    return { email, eligible: false, reason: contact.status ?? 'not_found' };
  });
}
