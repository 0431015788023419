// What the console shows of a site's last days, per opt-in category, from the ledger: signups
// (requests), confirmations (and their rate), grants (imports, preference pages), withdrawals,
// and net growth, with a count per day in the site's time zone for the chart.
import { sql } from 'kysely';
import type { SiteRow } from '../db/schema.ts';
import { listCategories } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { dateIn } from './consent-basis.ts';

export const FIGURE_DAYS = 30;

export interface DayFigures {
  /** YYYY-MM-DD in the site's time zone. */
  day: string;
  signups: number;
  withdrawals: number;
}

export interface CategoryFigures {
  key: string;
  name: string;
  signups: number;
  confirmations: number;
  /** Confirmations over signups, 0 to 1; null: no signup to confirm. */
  confirmationRate: number | null;
  grants: number;
  withdrawals: number;
  /** Consents given (confirmations and grants) less those withdrawn. */
  net: number;
  days: DayFigures[];
}

export async function siteFigures(deps: Pick<Deps, 'db' | 'clock'>, site: SiteRow, locale: string, days = FIGURE_DAYS): Promise<CategoryFigures[]> {
  const now = deps.clock.now();
  const from = new Date(now.getTime() - days * 86_400_000);
  // By UTC hour in SQL (at most 24 a day), then into the site's days here, SQLite knowing no
  // zones (in a zone off UTC by a half hour, an hour's events count on the day of its middle).
  const rows = await deps.db
    .selectFrom('consent_events')
    .select(['category_key', 'action', sql<string>`substr(occurred_at, 1, 13)`.as('hour'), sql<number>`count(*)`.as('n')])
    .where('site_id', '=', site.id)
    .where('occurred_at', '>=', from.toISOString())
    .where('channel', '=', 'email')
    .groupBy(['category_key', 'action', 'hour'])
    .execute();
  const calendar = Array.from({ length: days }, (_, i) => dateIn(site.time_zone, new Date(now.getTime() - (days - 1 - i) * 86_400_000)));
  const categories = (await listCategories(deps.db, site, locale)).filter((c) => c.kind === 'opt_in' && !c.archived);
  return categories.map((category) => {
    const mine = rows.filter((row) => row.category_key === category.key);
    const total = (action: string) => mine.filter((row) => row.action === action).reduce((sum, row) => sum + Number(row.n), 0);
    const byDay = new Map(calendar.map((day) => [day, { day, signups: 0, withdrawals: 0 }]));
    for (const row of mine) {
      const day = byDay.get(dateIn(site.time_zone, new Date(`${row.hour}:30:00Z`)));
      if (!day) continue;
      if (row.action === 'requested') day.signups += Number(row.n);
      if (row.action === 'withdrawn') day.withdrawals += Number(row.n);
    }
    const signups = total('requested');
    const confirmations = total('confirmed');
    const grants = total('granted');
    const withdrawals = total('withdrawn');
    return {
      key: category.key,
      name: category.name,
      signups,
      confirmations,
      confirmationRate: signups === 0 ? null : Math.min(1, confirmations / signups),
      grants,
      withdrawals,
      net: confirmations + grants - withdrawals,
      days: [...byDay.values()],
    };
  });
}
