// What the manage and unsubscribe routes share: opening a link, its contact's language, the
// category names in it, and the 400 page for a link we will not honour.
import type { AppContext } from '../app-env.ts';
import { cachedCategories } from '../db/site-content-cache.ts';
import { activeCategories, type LocalisedCategory } from '../db/sites.ts';
import { openLink, type LinkTarget } from '../domain/links.ts';
import { messages, resolveLocale, type Locale, type Messages } from '../i18n/index.ts';
import { verifyLinkToken } from './link-token.ts';
import { errorPage, formText, readForm, showBrand } from './render.tsx';

export interface OpenedLink extends LinkTarget {
  locale: Locale;
  t: Messages;
  /** The categories the page offers (archived ones left out). */
  categories: LocalisedCategory[];
  /** Every category, archived ones too: "unsubscribe from all" stops those as well. */
  allCategories: readonly LocalisedCategory[];
  name(key: string): string;
}

export async function openLinkFor(c: AppContext, purpose: 'manage' | 'unsubscribe'): Promise<OpenedLink | null> {
  const target = await openLink(c.var.deps, await verifyLinkToken(c, c.req.param('token') ?? '', purpose), purpose);
  if (!target) return null;
  showBrand(c, target.site);
  // A page shown with ?lang= in another language than the contact's posts back which one it was.
  const shownIn = c.req.method === 'POST' ? formText((await readForm(c))?.page_lang) || undefined : undefined;
  const locale = resolveLocale(c.req.query('lang') ?? shownIn, undefined, target.contact.locale);
  const categories = await cachedCategories(c.var.deps.db, target.site, locale);
  const names = new Map(categories.map((category) => [category.key, category.name]));
  // The page offers active categories only; history still names archived ones, and '*' (an
  // inbound SMS recorded for no one category) as all text messages.
  const t = messages(locale);
  const name = (key: string) => names.get(key) ?? (key === '*' ? t.smsOptOut.allSms : key);
  return { ...target, locale, t, categories: activeCategories(categories), allCategories: categories, name };
}

export function invalidLinkPage(c: AppContext) {
  return errorPage(c, 400, (t) => [t.confirm.invalidTitle, t.confirm.invalidLinkBody]);
}
