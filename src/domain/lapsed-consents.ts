// A contact's granted consents that no longer allow mail (eligibility's `expired` and
// `terms_changed`), for the pages that ask the person again. The same rule as eligibility's,
// one contact at a time.
import { lastMaterialChanges } from '../db/category-terms.ts';
import { grantsInForce } from '../db/grants.ts';
import type { SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { dateIn } from './consent-basis.ts';
import { lapseOf, type Lapse } from './consent-standing.ts';

export interface LapsedConsent {
  /** The grant in force that lapsed: a new grant replaces exactly this one (or none, if another did first). */
  grantId: number;
  lapse: Lapse;
}

export async function lapsedConsents(deps: Pick<Deps, 'db' | 'clock'>, site: SiteRow, contactId: string): Promise<Map<string, LapsedConsent>> {
  const [grants, changes] = await Promise.all([grantsInForce(deps.db, contactId), lastMaterialChanges(deps.db, site.id)]);
  const today = dateIn(site.time_zone, deps.clock.now());
  const lapsed = new Map<string, LapsedConsent>();
  for (const [key, grant] of grants) {
    const lapse = lapseOf(grant, changes.get(key) ?? null, today);
    if (lapse) lapsed.set(key, { grantId: grant.eventId, lapse });
  }
  return lapsed;
}
