// SMS double opt-in, second half: the 6-digit code typed on the page the signup answered with.
// Each try is counted before the code is compared (an UPDATE that takes one of the 5 tries or
// finds none left), so parallel guesses cannot get more than 5; the right code spends the row and
// confirms, in one batch, every category still pending for SMS (method sms_code), with the
// wording and source of its request; the first SMS after it names the programme, how often, how
// to get help and how to stop.
import { sql, type CompiledQuery, type Selectable } from 'kysely';
import { consentStatuses } from '../db/consents.ts';
import { latestRequests } from '../db/events.ts';
import { contactChangedBy } from '../db/ledger.ts';
import { listCategories } from '../db/sites.ts';
import type { ContactRow, SiteRow, SmsCodesTable } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { messages, type Locale } from '../i18n/index.ts';
import { enqueueSmsQuery } from '../sms/outbox.ts';
import { changeQueries, type Evidence } from './consent-change.ts';
import { notErased } from './contact-guards.ts';
import { optOutLink, smsOptOutLine } from './sms-opt-out.ts';
import { secretsEqual } from './ids.ts';
import { CODE_TRIES, codeHash, codeQueries } from './subscribe-sms.ts';

export type CodeOutcome =
  | { kind: 'confirmed'; categories: string[] }
  | { kind: 'wrong'; triesLeft: number }
  /** No try left, run out, or no code at all (the limits refused one): ask for a new one. */
  | { kind: 'spent' }
  | { kind: 'malformed' };

type CodeRow = Selectable<SmsCodesTable>;

/** The contact's newest code still open. */
function openCode(deps: Deps, contactId: string, now: string): Promise<CodeRow | undefined> {
  return deps.db
    .selectFrom('sms_codes')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('spent_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function confirmSmsCode(deps: Deps, site: SiteRow, contact: ContactRow, typed: string, evidence: Evidence): Promise<CodeOutcome> {
  const digits = typed.normalize('NFKC').replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(digits)) return { kind: 'malformed' };
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const code = await openCode(deps, contact.id, now);
  if (!code) return { kind: 'spent' };
  // Take a try first; only a request that got one may compare.
  const taken = await db
    .updateTable('sms_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', code.id)
    .where('attempts', '<', CODE_TRIES)
    .where('spent_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('attempts')
    .executeTakeFirst();
  if (!taken) return { kind: 'spent' };
  if (!(await secretsEqual(await codeHash(deps.config.lookupKey, code.id, digits), code.code_hash))) {
    const triesLeft = CODE_TRIES - Number(taken.attempts);
    return triesLeft > 0 ? { kind: 'wrong', triesLeft } : { kind: 'spent' };
  }
  const categories = JSON.parse(code.categories) as string[];
  const granted = await confirmQueries(deps, site, contact, code, categories, evidence, now);
  await deps.atomic(granted.queries);
  if (granted.pending.length > 0) deps.smsQueued?.();
  const statuses = await consentStatuses(db, contact.id, 'sms');
  return { kind: 'confirmed', categories: categories.filter((key) => statuses.get(key) === 'granted') };
}

async function confirmQueries(deps: Deps, site: SiteRow, contact: ContactRow, code: CodeRow, categories: string[], evidence: Evidence, now: string) {
  const { db } = deps;
  const batch = deps.newId();
  const statuses = await consentStatuses(db, contact.id, 'sms');
  const pending = categories.filter((key) => statuses.get(key) === 'pending');
  const requests = await latestRequests(db, contact.id, pending, 'sms');
  const queries: CompiledQuery[] = [db.updateTable('sms_codes').set({ spent_at: now }).where('id', '=', code.id).where('spent_at', 'is', null).compile()];
  const stillThere = notErased(contact.id);
  for (const key of pending) {
    const request = requests.get(key);
    queries.push(
      ...(await changeQueries(
        deps,
        { site, contact },
        { key, channel: 'sms', action: 'confirmed', status: 'granted', method: 'sms_code', guard: { in: ['pending'] }, condition: stillThere },
        { ...evidence, sourceUrl: request?.sourceUrl ?? null },
        { sha256: request?.sha256 ?? null, policyVersion: request?.policyVersion ?? null },
        now,
        batch,
      )),
    );
  }
  if (pending.length > 0) {
    const confirmedNow = contactChangedBy(contact.id, batch);
    queries.push(sql`UPDATE contacts SET confirmed_at = ${now}, updated_at = ${now} WHERE id = ${contact.id} AND confirmed_at IS NULL AND ${confirmedNow}`.compile(db));
    queries.push(...(await welcomeSmsQuery(deps, site, contact, code.id, pending, confirmedNow)));
  }
  return { queries, pending };
}

/** The first SMS after a confirmation: what they will get, how often, where to ask, how to stop. */
async function welcomeSmsQuery(deps: Deps, site: SiteRow, contact: ContactRow, codeId: string, keys: string[], when: ReturnType<typeof contactChangedBy>) {
  const locale = contact.locale as Locale;
  const t = messages(locale);
  const byKey = new Map((await listCategories(deps.db, site, locale)).map((c) => [c.key, c]));
  const ja = locale === 'ja';
  const programmes = keys
    .map((key) => (ja ? `${byKey.get(key)?.name ?? key}（${byKey.get(key)?.frequency ?? ''}）` : `${byKey.get(key)?.name ?? key} (${byKey.get(key)?.frequency ?? ''})`))
    .join(ja ? '、' : ', ');
  const optOut = await optOutLink(deps, { siteId: site.id, contactId: contact.id });
  return [
    ...optOut.queries,
    enqueueSmsQuery(
      deps.db,
      {
        id: `welcome-${codeId}`,
        siteId: site.id,
        contactId: contact.id,
        kind: 'sms_welcome',
        encryptedTo: contact.phone ?? '',
        numberHash: contact.phone_hash ?? '',
        body: `${t.smsCode.welcome(site.name, programmes, site.inquiry_contact)}\n${smsOptOutLine(locale, optOut.url)}`,
      },
      deps.clock.now(),
      when,
    ),
  ];
}

/** A new code for what is still pending for SMS, to the stored number, within the number's limits. */
export async function resendSmsCode(deps: Deps, site: SiteRow, contact: ContactRow): Promise<void> {
  if (!contact.phone || !contact.phone_hash || contact.email === '') return;
  const statuses = await consentStatuses(deps.db, contact.id, 'sms');
  const pending = [...statuses].filter(([, status]) => status === 'pending').map(([key]) => key);
  if (pending.length === 0) return;
  const stillPending = sql<boolean>`EXISTS (SELECT 1 FROM consents WHERE contact_id = ${contact.id} AND channel = 'sms' AND status = 'pending')`;
  await deps.atomic(await codeQueries(deps, site, contact, contact.phone, contact.phone_hash, pending, stillPending, deps.clock.now()));
  deps.smsQueued?.();
}
