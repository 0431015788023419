// What the preference page says on the row of a granted consent that no longer brings mail: the
// terms changed materially since (the date of the change), or implied consent ran out (its
// last day), both as dates in the site's days and the page's language.
import type { Deps } from '../deps.ts';
import { dateIn } from '../domain/consent-basis.ts';
import { lapsedConsents } from '../domain/lapsed-consents.ts';
import { formatDate } from '../i18n/index.ts';
import type { CategoryChoice } from '../../views/pages/preferences.tsx';
import type { OpenedLink } from './link-pages.tsx';

export async function renewalsOf(deps: Pick<Deps, 'db' | 'clock'>, link: OpenedLink): Promise<Map<string, NonNullable<CategoryChoice['renewal']>>> {
  const lapsed = await lapsedConsents(deps, link.site, link.contact.id);
  const renewals = new Map<string, NonNullable<CategoryChoice['renewal']>>();
  for (const [key, { lapse }] of lapsed) {
    const day = lapse.reason === 'expired' ? lapse.lastDay : dateIn(link.site.time_zone, new Date(lapse.changedAt));
    renewals.set(key, { reason: lapse.reason, date: formatDate(link.locale, day) });
  }
  return renewals;
}
