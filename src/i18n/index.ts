import { en, type Messages } from './en.ts';
import { ja } from './ja.ts';
import { dateTimeFormat } from './date-time-format.ts';

export type { Messages };
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

const catalogs: Record<Locale, Messages> = { en, ja };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function messages(locale: Locale): Messages {
  return catalogs[locale];
}

/** `?lang=` wins, then the browser's Accept-Language (by q), then the site's default. */
export function resolveLocale(
  requested: string | undefined,
  acceptLanguage: string | undefined,
  siteDefault: string,
): Locale {
  return requestedLocale(requested, acceptLanguage) ?? (isLocale(siteDefault) ? siteDefault : 'en');
}

/** The locale the request asks for (`?lang=`, then Accept-Language by q); null: it asks for none we have. */
export function requestedLocale(requested: string | undefined, acceptLanguage: string | undefined): Locale | null {
  if (isLocale(requested)) return requested;
  if (!acceptLanguage) return null;
  const preferred = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0 && isLocale(entry.base))
    .sort((a, b) => b.q - a.q)[0];
  return preferred ? (preferred.base as Locale) : null;
}

/** A duration in its largest whole unit: "2 days", "90 minutes". */
export function formatDuration(t: Messages, seconds: number): string {
  if (seconds % 86400 === 0) return t.duration.days(seconds / 86400);
  if (seconds % 3600 === 0) return t.duration.hours(seconds / 3600);
  return t.duration.minutes(Math.round(seconds / 60));
}

/** A calendar date written YYYY-MM-DD, in the reader's language ("1 November 2026", "2026年11月1日"). */
export function formatDate(locale: Locale, date: string): string {
  return dateTimeFormat('date', intlLocale(locale), 'UTC').format(new Date(`${date}T12:00:00Z`));
}

/** A moment in the site's time zone, in the reader's language. */
export function formatDateTime(locale: Locale, timeZone: string, at: Date): string {
  return dateTimeFormat('dateTime', intlLocale(locale), timeZone).format(at);
}

function intlLocale(locale: Locale): string {
  return locale === 'ja' ? 'ja-JP' : 'en-GB';
}
