// The contacts the bulk seeder copies: one per profile and language, made by the real code
// through the in-process app (a signup on the hosted form, the confirmation button, one-click
// unsubscribes), so their rows are exactly what the server writes: the encrypted evidence and
// its MAC, the wording and form hashes, contact_seq, the consents and their batch marks.
import type BetterSqlite3 from 'better-sqlite3';
import { createApp } from '../../src/app.tsx';
import type { Deps } from '../../src/deps.ts';
import { unsubscribeUrl } from '../../src/domain/links.ts';
import { sealLedger } from '../../src/domain/ledger-seal.ts';
import { seedDemoSiteIfEmpty } from '../../src/domain/seed-demo.ts';

export type Locale = 'en' | 'ja';

/** What a contact went through; `weight` is its share of the seeded contacts, out of 20. */
export interface Profile {
  name: string;
  weight: number;
  signup: string[];
  confirm: boolean;
  /** One-click unsubscribes after the confirmation: null for the unscoped link (every category). */
  oneClick: (string | null)[];
  /** Granted or pending somewhere: a one-click on it withdraws something. */
  withdrawable: boolean;
}

export const PROFILES: readonly Profile[] = [
  { name: 'granted both', weight: 7, signup: ['newsletter', 'offers'], confirm: true, oneClick: [], withdrawable: true },
  { name: 'granted newsletter', weight: 3, signup: ['newsletter'], confirm: true, oneClick: [], withdrawable: true },
  { name: 'pending', weight: 3, signup: ['newsletter', 'offers'], confirm: false, oneClick: [], withdrawable: true },
  { name: 'newsletter granted, offers withdrawn', weight: 3, signup: ['newsletter', 'offers'], confirm: true, oneClick: ['offers'], withdrawable: true },
  { name: 'withdrawn both', weight: 4, signup: ['newsletter', 'offers'], confirm: true, oneClick: [null], withdrawable: false },
];
/** Every fifth contact reads Japanese. */
export const localeOf = (index: number): Locale => (index % 5 === 2 ? 'ja' : 'en');

const SLOTS = PROFILES.flatMap((profile, p) => Array.from({ length: profile.weight }, () => p));
export const profileOf = (index: number): number => SLOTS[index % SLOTS.length]!;

export interface Template {
  profile: number;
  locale: Locale;
  contactId: string;
}

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';
const MAIL_PROVIDER = 'Mozilla/5.0 (compatible; GoogleImageProxy)';

/** Seeds the demo site, runs each profile's story once per language, seals the ledger. */
export async function makeTemplates(sqlite: BetterSqlite3.Database, deps: Deps): Promise<Template[]> {
  const { config } = deps;
  await seedDemoSiteIfEmpty(deps);
  let ip = '198.51.100.10';
  const app = createApp(() => deps, { clientIp: () => ip });
  const origin = new URL(config.baseUrl).origin;
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await app.request(`${config.baseUrl}${path}`, init);
    if (res.status !== 200) throw new Error(`template ${init.method ?? 'GET'} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.text();
  };
  const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

  const templates: Template[] = [];
  for (const [p, profile] of PROFILES.entries()) {
    for (const locale of ['en', 'ja'] as const) {
      const email = `template-${p}-${locale}@bench.assent.example`;
      ip = `198.51.100.${10 + templates.length}`;
      const page = await call(`/s/demo?lang=${locale}`);
      const body = new URLSearchParams({ email, name: '', lang: locale, consent: field(page, 'consent'), form: field(page, 'form') });
      for (const key of profile.signup) body.append('categories', key);
      await call('/s/demo', { method: 'POST', body, headers: { Origin: origin, 'User-Agent': BROWSER } });
      const contact = sqlite.prepare('SELECT id, site_id, token_epoch FROM contacts ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as {
        id: string;
        site_id: string;
        token_epoch: number;
      };
      if (profile.confirm) {
        const { text } = sqlite.prepare("SELECT text FROM outbox WHERE contact_id = ? AND kind = 'confirmation'").get(contact.id) as { text: string };
        const confirmPath = new URL(/https?:\/\/\S+\/c\/\S+/.exec(text)![0]).pathname;
        await call(confirmPath, { method: 'POST', headers: { Origin: origin, 'User-Agent': PHONE } });
      }
      for (const category of profile.oneClick) {
        const path = new URL(await unsubscribeUrl(deps, contact, category ?? undefined)).pathname;
        await call(path, {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': MAIL_PROVIDER },
        });
      }
      templates.push({ profile: p, locale, contactId: contact.id });
    }
  }
  while ((await sealLedger(deps)) > 0);
  // Their mail is never sent (the server would deliver it at start, into the bench's figures),
  // and their rate-limit windows are the template run's, not the bench's.
  sqlite.exec('DELETE FROM outbox; DELETE FROM rate_limits;');
  return templates;
}
