// The short opt-out link every SMS carries, {BASE_URL}/x/{code}, and the SMS withdrawals it and
// the STOP reply share. A JWT is too long for a text message, so a code in opt_out_codes stands
// for the contact and what it stops (one category, or '*': every SMS of the site).
//
// One code per contact and scope, even when two requests race: the code is derived from the
// contact, the scope and LOOKUP_KEY (an HMAC drawn onto the code alphabet), so both requests of
// a race compute the same code, and the INSERT ... ON CONFLICT DO NOTHING of the loser leaves the
// winner's row, which is the same link. A random code with the same INSERT would leave the
// loser's SMS carrying a code no row holds (a dead opt-out link); one without ON CONFLICT, two
// rows. The code is as unguessable as a random one without LOOKUP_KEY, and only a code written
// by this function opens anything. Should a derived code ever belong to another contact (about
// one chance in 10^14 per pair), a random one is used instead.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Condition, StatusGuard } from '../db/ledger.ts';
import { findContact } from '../db/contacts.ts';
import type { ContactRow, Database, SiteRow } from '../db/schema.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import { listCategories } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { messages, type Locale } from '../i18n/index.ts';
import { isOptOutCode, newOptOutCode, type RandomBytes } from '../sms/opt-out-codes.ts';
import { changeQueries, type EventEvidence, type Subject, type Wording } from './consent-change.ts';
import { notErased } from './contact-guards.ts';
import { hmacSha256Hex } from './ids.ts';

/** Every category of the site, on SMS. */
export const ALL_SMS = '*';
/** The ledger method of a withdrawal through the link's page. */
const SMS_LINK_METHOD = 'sms_link';

export interface OptOutLink {
  url: string;
  code: string;
  /** The INSERT of a new code, for the caller's batch (the one that queues the SMS); empty when the code exists. */
  queries: CompiledQuery[];
}

/**
 * The opt-out link for one contact's SMS: its existing code for `scope` (a category key, or '*'
 * for every SMS), else the derived code and its INSERT in `queries`. Put the queries in the
 * batch that queues the SMS: the link then exists exactly when the text does.
 */
export async function optOutLink(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  { siteId, contactId }: { siteId: string; contactId: string },
  scope: string = ALL_SMS,
): Promise<OptOutLink> {
  const { db } = deps;
  const url = (code: string) => `${deps.config.baseUrl}/x/${code}`;
  const existing = await db
    .selectFrom('opt_out_codes')
    .select('code')
    .where('contact_id', '=', contactId)
    .where('site_id', '=', siteId)
    .where('channel', '=', 'sms')
    .where('scope', '=', scope)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  if (existing) return { url: url(existing.code), code: existing.code, queries: [] };
  let code = newOptOutCode(await derivedBytes(deps.config.lookupKey, siteId, contactId, scope));
  const holder = await db.selectFrom('opt_out_codes').select(['site_id', 'contact_id', 'scope']).where('code', '=', code).executeTakeFirst();
  // Written since the first read, by a request at the same time: that row is this link.
  if (holder && holder.site_id === siteId && holder.contact_id === contactId && holder.scope === scope) return { url: url(code), code, queries: [] };
  if (holder) code = newOptOutCode();
  const insert = sql`INSERT INTO opt_out_codes (code, site_id, contact_id, channel, scope, created_at)
    VALUES (${code}, ${siteId}, ${contactId}, 'sms', ${scope}, ${deps.clock.now().toISOString()})
    ON CONFLICT (code) DO NOTHING`.compile(db);
  return { url: url(code), code, queries: [insert] };
}

/**
 * A byte stream fixed by the contact and scope: HMAC-SHA256 blocks under LOOKUP_KEY, domain-
 * separated from every other use of that key. newOptOutCode draws from it as from randomness,
 * with the same rejection sampling; 128 bytes run out only if more than 118 are rejected (each
 * is with probability 8/256), and then the rest is random.
 */
async function derivedBytes(lookupKey: string, siteId: string, contactId: string, scope: string): Promise<RandomBytes> {
  const blocks = await Promise.all(
    [0, 1, 2, 3].map((block) => hmacSha256Hex(lookupKey, `sms-opt-out:v1\n${siteId}\n${contactId}\n${scope}\n${block}`)),
  );
  const stream = Uint8Array.from(blocks.join('').match(/../g)!, (pair) => parseInt(pair, 16));
  let offset = 0;
  return (count) => {
    if (offset + count > stream.length) return crypto.getRandomValues(new Uint8Array(count));
    offset += count;
    return stream.slice(offset - count, offset);
  };
}

/**
 * The line appended to every SMS we send or hand out. The Act on Specified Electronic Mail wants
 * the opt-out URL with a sentence saying the recipient can opt out; the URL is set off by a space
 * so that phones link it without the words around it. English stays in GSM-7 (160 characters a
 * segment); Japanese makes the whole message UCS-2 (70), so both are a few words only.
 */
export function smsOptOutLine(locale: Locale, url: string): string {
  return messages(locale).smsOptOut.line(url);
}

export interface OptOutTarget extends Subject {
  code: string;
  /** A category key, or '*'. */
  scope: string;
  /** Erased since the link was sent: nothing is sent any more, and nothing is left to stop. */
  erased: boolean;
}

/** What an opt-out code stands for; null for a malformed code or one we never wrote. */
export async function findOptOutCode(deps: Pick<Deps, 'db'>, code: string): Promise<OptOutTarget | null> {
  if (!isOptOutCode(code)) return null;
  const row = await deps.db.selectFrom('opt_out_codes').selectAll().where('code', '=', code).where('channel', '=', 'sms').executeTakeFirst();
  if (!row) return null;
  const site = await cachedSite(deps.db, row.site_id);
  const contact = site && (await findContact(deps.db, site.id, row.contact_id));
  if (!site || !contact) return null;
  return { site, contact, code, scope: row.scope, erased: contact.email === '' };
}

/**
 * Withdraws the SMS consents the link stops (channel sms only: email is untouched), as the email
 * one-click does: method sms_link, the request's IP and user agent as evidence, a webhook per
 * change. The status guards decide, as the batch runs, what is still left to withdraw.
 */
export async function withdrawByOptOutLink(deps: Deps, target: OptOutTarget, evidence: EventEvidence): Promise<void> {
  const keys = await smsWithdrawalKeys(deps.db, target.site, target.contact, target.scope);
  const now = deps.clock.now().toISOString();
  const queries = await withdrawSmsQueries(deps, target, keys, SMS_LINK_METHOD, evidence, now, deps.newId(), notErased(target.contact.id));
  if (queries.length > 0) await deps.atomic(queries);
}

/**
 * The categories an SMS withdrawal of `scope` covers: '*' means every opt-in category of the site
 * offered on SMS (archived ones too) and every SMS consent the contact holds, read now; the
 * status guard of each write decides, as it runs, which of them are still granted or pending.
 * Exempt categories are not advertising and have nothing to withdraw.
 */
export async function smsWithdrawalKeys(db: Kysely<Database>, site: SiteRow, contact: ContactRow, scope: string): Promise<string[]> {
  const categories = await listCategories(db, site, site.default_locale);
  const exempt = new Set(categories.filter((category) => category.kind === 'exempt').map((category) => category.key));
  if (scope !== ALL_SMS) return exempt.has(scope) ? [] : [scope];
  const held = await db.selectFrom('consents').select('category_key').where('contact_id', '=', contact.id).where('channel', '=', 'sms').execute();
  const offered = categories.filter((category) => category.kind === 'opt_in' && category.channels.includes('sms')).map((category) => category.key);
  return [...new Set([...offered, ...held.map((row) => row.category_key)])].filter((key) => !exempt.has(key)).sort();
}

const WITHDRAWABLE: StatusGuard = { in: ['granted', 'pending'] };
const NO_WORDING: Wording = { sha256: null, policyVersion: null };

/** The guarded withdrawal of these SMS consents, for a batch named `batch`, each only where `condition` holds too. */
export async function withdrawSmsQueries(
  deps: Deps,
  subject: Subject,
  keys: readonly string[],
  method: string,
  evidence: EventEvidence,
  now: string,
  batch: string,
  condition: Condition,
): Promise<CompiledQuery[]> {
  const queries = await Promise.all(
    keys.map((key) =>
      changeQueries(deps, subject, { key, action: 'withdrawn', status: 'withdrawn', method, guard: WITHDRAWABLE, channel: 'sms', condition }, evidence, NO_WORDING, now, batch),
    ),
  );
  return queries.flat();
}
