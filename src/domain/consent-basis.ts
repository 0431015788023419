// What a consent rests on. Our own forms and double opt-in are express consent. An import says
// which basis it had: express, or one of the exceptions Japan's Act on Specified Electronic Mail
// and CASL's implied consent allow. CASL's implied consent runs out: 2 years after a purchase,
// 6 months after an inquiry, counted from the relationship's date to the day of sending.
import type { ConsentBasis } from '../db/schema.ts';
import { dateTimeFormat } from '../i18n/date-time-format.ts';

export const CONSENT_BASES = ['express', 'implied_purchase', 'implied_inquiry', 'business_card', 'existing_customer'] as const satisfies readonly ConsentBasis[];

/** The bases that run from a relationship's date and end after this many months. */
const IMPLIED_MONTHS: Partial<Record<ConsentBasis, number>> = { implied_purchase: 24, implied_inquiry: 6 };

export function isImplied(basis: ConsentBasis): boolean {
  return IMPLIED_MONTHS[basis] !== undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (no time, no zone). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Today's date (YYYY-MM-DD) in a time zone: the day of sending, as the sender's site counts days. */
export function dateIn(timeZone: string, at: Date): string {
  const parts = dateTimeFormat('isoDate', 'en', timeZone).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** `date` plus whole months; a day the month lacks becomes its last (Aug 31 + 6 months: Feb 28). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * The last day (YYYY-MM-DD) mail may be sent on an implied basis: the purchase or inquiry must
 * lie within the 2 years (6 months) before the day of sending. Null for a basis that does not
 * run out, or an implied one without a usable date.
 */
export function lastDayOf(basis: ConsentBasis | null, relationshipAt: string | null): string | null {
  const months = basis === null ? undefined : IMPLIED_MONTHS[basis];
  if (months === undefined || relationshipAt === null || !isIsoDate(relationshipAt)) return null;
  return addMonths(relationshipAt, months);
}

/** Whether an implied basis has run out on `today` (YYYY-MM-DD). */
export function hasExpired(basis: ConsentBasis | null, relationshipAt: string | null, today: string): boolean {
  const last = lastDayOf(basis, relationshipAt);
  return last !== null && today > last;
}

/**
 * Whether a new basis lasts longer than the one in force, so that an import may record it over a
 * granted consent: anything that does not run out beats an implied basis, and a later purchase
 * or inquiry date beats an earlier one's end.
 */
export function outlasts(next: { basis: ConsentBasis; relationshipAt: string | null }, current: { basis: ConsentBasis | null; relationshipAt: string | null }): boolean {
  const currentEnd = lastDayOf(current.basis ?? 'express', current.relationshipAt);
  if (currentEnd === null) return false;
  const nextEnd = lastDayOf(next.basis, next.relationshipAt);
  return nextEnd === null ? !isImplied(next.basis) : nextEnd > currentEnd;
}
