// Intl.DateTimeFormat objects, kept: building one costs a hundred times what using one does, and
// a preference page formats every event of its history. One per style, locale and time zone
// (the zones are the sites' own: a handful).
const STYLES = {
  /** "1 November 2026" */
  date: { year: 'numeric', month: 'long', day: 'numeric' },
  /** "1 November 2026 at 18:00 JST" */
  dateTime: { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' },
  /** Parts for YYYY-MM-DD. */
  isoDate: { year: 'numeric', month: '2-digit', day: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const kept = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(style: keyof typeof STYLES, locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${locale} ${timeZone}`;
  let format = kept.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone });
    if (kept.size >= 1000) kept.clear();
    kept.set(key, format);
  }
  return format;
}
