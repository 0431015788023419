// Whether a granted consent still allows mail: its implied basis may have run out, or the
// category's terms may have changed materially after the person was shown them. Either way the
// person has to be asked again (the preference page does), and until then nothing is sent.
import type { ConsentBasis } from '../db/schema.ts';
import { lastDayOf } from './consent-basis.ts';

export interface GrantFacts {
  basis: ConsentBasis | null;
  relationshipAt: string | null;
  /** When the person was shown the terms they agreed to (ISO 8601). */
  termsShownAt: string;
}

export type Lapse = { reason: 'expired'; lastDay: string } | { reason: 'terms_changed'; changedAt: string };

/**
 * Null while the grant allows mail. `today` is the day of sending in the site's time zone
 * (YYYY-MM-DD); `materialChangeAt` the category's latest material terms change, if any. A grant
 * shown the terms at the very moment of the change counts as agreeing to the new ones.
 */
export function lapseOf(grant: GrantFacts, materialChangeAt: string | null, today: string): Lapse | null {
  const lastDay = lastDayOf(grant.basis, grant.relationshipAt);
  if (lastDay !== null && today > lastDay) return { reason: 'expired', lastDay };
  if (materialChangeAt !== null && grant.termsShownAt < materialChangeAt) return { reason: 'terms_changed', changedAt: materialChangeAt };
  return null;
}
