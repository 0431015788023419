// The preference page's changes. The link's token proves control of the mailbox, so a ticked
// box grants directly (method preference_page) and an unticked one withdraws. Only categories
// the page showed are touched, and saving an unchanged state writes nothing.
import type { CompiledQuery } from 'kysely';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import type { Deps } from '../deps.ts';
import type { ConsentWording } from './consent-wording.ts';
import { changeQueries, type Evidence, type Subject } from './consent-change.ts';

export interface PreferenceChange {
  key: string;
  action: 'granted' | 'withdrawn';
}

export async function savePreferences(
  deps: Deps,
  subject: Subject,
  choice: { optIn: readonly string[]; shown: readonly string[]; checked: readonly string[] },
  wording: ConsentWording,
  evidence: Evidence & { sourceUrl: string; locale: string },
): Promise<PreferenceChange[]> {
  const now = deps.clock.now().toISOString();
  const statuses = await emailConsentStatuses(deps.db, subject.contact.id);
  const checked = new Set(choice.checked);
  const changes: PreferenceChange[] = [];
  for (const key of choice.shown) {
    if (!choice.optIn.includes(key)) continue;
    const granted = statuses.get(key) === 'granted';
    if (checked.has(key) && !granted) changes.push({ key, action: 'granted' });
    // A pending category shows unticked: leaving it so is no change, not a withdrawal.
    if (!checked.has(key) && granted) changes.push({ key, action: 'withdrawn' });
  }
  if (changes.length === 0) return [];
  const queries: CompiledQuery[] = [
    storeConsentTextQuery(deps.db, wording, now),
  ];
  for (const { key, action } of changes) {
    queries.push(
      ...(await changeQueries(
        deps,
        subject,
        {
          key,
          action,
          status: action,
          method: 'preference_page',
          guard: action === 'granted' ? { notIn: ['granted'] } : { in: ['granted'] },
        },
        evidence,
        wording,
        now,
      )),
    );
  }
  await deps.atomic(queries);
  return changes;
}

/** The language of the pages and emails this contact gets. */
export async function setContactLocale(deps: Deps, contactId: string, locale: string): Promise<void> {
  await deps.db
    .updateTable('contacts')
    .set({ locale, updated_at: deps.clock.now().toISOString() })
    .where('id', '=', contactId)
    .execute();
}
