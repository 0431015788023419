// Imports of consents collected elsewhere: on paper, in a shop, at an event, in an app, on
// another web form, in a previous system. Each item becomes one `granted` event per category,
// dated when the person consented (not when it was imported), with its evidence, its wording
// and who recorded it as the actor: the API key, or the console operator who uploaded a CSV.
//
// The rules that keep an import from overriding the person:
// - a withdrawal (or erasure) recorded after the item's date wins: that category is skipped;
// - an erased (suppressed) address is refused: it comes back only through a new double opt-in;
// - a category already granted is skipped (the ledger keeps the earlier grant), unless the item's
//   basis lasts longer than the one in force (see consent-basis.ts `outlasts`): a customer's
//   new purchase renews implied consent, and an express consent replaces an implied one.
// Consent taken offline (paper, in a shop, at an event, in an app) is only as good as its proof:
// such items must carry the wording agreed to and where the proof is kept.
// The batch is all or nothing (one deps.atomic), and the import id makes it idempotent.
// checkImport runs the same checks and writes nothing: the console's preview of a CSV.
import { sql, type CompiledQuery } from 'kysely';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { emailConsentStatuses } from '../db/consents.ts';
import { findContactByEmailHash, newContactRow } from '../db/contacts.ts';
import { grantsInForce, grantStillInForce, type GrantInForce } from '../db/grants.ts';
import type { ConsentBasis, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import { findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { isLocale } from '../i18n/index.ts';
import { dateIn, isImplied, isIsoDate, outlasts } from './consent-basis.ts';
import { changeQueries } from './consent-change.ts';
import { notErased } from './contact-guards.ts';
import { checkEmail, emailLookupHash } from './email-address.ts';
import { sha256Hex } from './ids.ts';

export const IMPORT_METHODS = ['paper', 'in_store', 'event', 'app', 'web_form', 'previous_system'] as const;
export type ImportMethod = (typeof IMPORT_METHODS)[number];
/** Consent given away from any form of ours: without its wording and evidence there is no proof. */
export const OFFLINE_METHODS: readonly ImportMethod[] = ['paper', 'in_store', 'event', 'app'];
export const MAX_IMPORT_ITEMS = 1000;

export interface ImportItem {
  email: string;
  categories: string[];
  method: ImportMethod;
  occurredAt: string;
  sourceUrl?: string | undefined;
  evidence?: string | undefined;
  consentText?: string | undefined;
  locale?: string | undefined;
  /** Default express. */
  basis?: ConsentBasis | undefined;
  /** YYYY-MM-DD of the purchase or inquiry; only, and always, for an implied basis. */
  relationshipAt?: string | undefined;
}

export interface ImportRequest {
  importId: string;
  items: ImportItem[];
}

export type SkipReason = 'already_granted' | 'withdrawn_later';

export type ItemResult =
  | {
      index: number;
      status: 'imported';
      contactId: string;
      categories: { category: string; status: 'granted' | 'skipped'; reason?: SkipReason }[];
    }
  | { index: number; status: 'refused'; reason: 'erased' };

export interface ImportResult {
  importId: string;
  items: ItemResult[];
  granted: number;
  skipped: number;
  refused: number;
}

/** Who makes the import: an API key, or an operator in the console. */
export type ImportActor = { apiKeyId: string } | { operatorId: string };

/** What is wrong with one field, for a reader to word in their language (the message is English). */
export type ImportProblem =
  | { code: 'email_missing' | 'email_too_long' | 'email_invalid' }
  | { code: 'category_unknown' | 'category_exempt' | 'category_archived'; key: string }
  | { code: 'occurred_at_format' | 'in_future' | 'source_url' | 'locale' | 'relationship_format' }
  | { code: 'required_offline'; method: ImportMethod }
  | { code: 'relationship_required' | 'relationship_not_for'; basis: ConsentBasis };

/** One problem of one item: `path` as the API says it (items.3.email), English `message`. */
export interface ImportDetail {
  path: string;
  message: string;
  problem: ImportProblem;
}

export type ImportOutcome =
  | { kind: 'site_not_found' }
  | { kind: 'invalid'; details: ImportDetail[] }
  | { kind: 'conflict' }
  | { kind: 'done'; replayed: boolean; result: ImportResult };

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const STATUSES: ConsentStatus[] = ['pending', 'granted', 'withdrawn'];

export async function importConsents(deps: Deps, siteId: string, by: ImportActor, request: ImportRequest): Promise<ImportOutcome> {
  try {
    return await attempt(deps, siteId, by, request);
  } catch (error) {
    // A concurrent import with the same id (or a concurrent first signup of one of the
    // addresses) won the race: the whole batch rolled back. Once more sees what it wrote.
    if (!(error instanceof Error && /UNIQUE constraint failed/i.test(error.message))) throw error;
    return attempt(deps, siteId, by, request);
  }
}

/**
 * The checks an import makes before it writes, and nothing written: every problem of the given
 * items (by their index in the request). The console previews a CSV with it; items a schema
 * refused already may be left out, their indices kept.
 */
export async function checkImport(
  deps: Deps,
  siteId: string,
  items: Iterable<readonly [index: number, item: ImportItem]>,
): Promise<{ kind: 'site_not_found' } | { kind: 'checked'; details: ImportDetail[] }> {
  const site = await findSite(deps.db, siteId);
  if (!site) return { kind: 'site_not_found' };
  return { kind: 'checked', details: (await itemChecks(deps, site, items)).details };
}

/**
 * Every item checked before anything is written; every problem reported. Dates without a
 * time (a purchase's) are days as the site counts them. Also answers each item's occurredAt
 * in UTC (by index), as the ledger writes it.
 */
async function itemChecks(deps: Deps, site: SiteRow, items: Iterable<readonly [number, ImportItem]>) {
  const nowDate = deps.clock.now();
  const categories = new Map(
    (await deps.db.selectFrom('categories').select(['key', 'kind', 'archived_at']).where('site_id', '=', site.id).execute()).map((row) => [
      row.key,
      row,
    ]),
  );
  const today = dateIn(site.time_zone, nowDate);
  const details: ImportDetail[] = [];
  const occurredAt: string[] = [];
  for (const [index, item] of items) {
    const at = (field: string, message: string, problem: ImportProblem) => details.push({ path: `items.${index}.${field}`, message, problem });
    const emailProblem = checkEmail(item.email);
    if (emailProblem) {
      at('email', `The address is ${emailProblem === 'missing' ? 'missing' : emailProblem === 'too_long' ? 'too long' : 'not valid'}.`, { code: `email_${emailProblem}` });
    }
    item.categories.forEach((key, k) => {
      const category = categories.get(key);
      if (!category) at(`categories.${k}`, `No category "${key}" on this site.`, { code: 'category_unknown', key });
      else if (category.kind !== 'opt_in') at(`categories.${k}`, `"${key}" is an exempt category: it needs no consent.`, { code: 'category_exempt', key });
      else if (category.archived_at !== null) at(`categories.${k}`, `"${key}" is archived.`, { code: 'category_archived', key });
    });
    const time = ISO_DATE_TIME.test(item.occurredAt) ? Date.parse(item.occurredAt) : NaN;
    if (Number.isNaN(time)) at('occurredAt', 'Not an ISO 8601 date and time with a zone, e.g. 2026-10-01T09:00:00Z.', { code: 'occurred_at_format' });
    else if (time > nowDate.getTime()) at('occurredAt', 'In the future.', { code: 'in_future' });
    occurredAt[index] = Number.isNaN(time) ? '' : new Date(time).toISOString();
    if (item.sourceUrl !== undefined && !isHttpUrl(item.sourceUrl)) at('sourceUrl', 'Not an http(s) URL.', { code: 'source_url' });
    if (item.locale !== undefined && !isLocale(item.locale)) at('locale', 'Not a supported language (en, ja).', { code: 'locale' });
    if (OFFLINE_METHODS.includes(item.method)) {
      const required = { code: 'required_offline', method: item.method } as const;
      if (item.consentText === undefined) at('consentText', `Required for method "${item.method}": the exact wording the person agreed to.`, required);
      if (item.evidence === undefined) {
        at('evidence', `Required for method "${item.method}": where the proof is kept, e.g. "signed form #1234, kept at the Shibuya shop".`, required);
      }
    }
    const basis = item.basis ?? 'express';
    if (isImplied(basis)) {
      const what = basis === 'implied_purchase' ? 'purchase' : 'inquiry';
      if (item.relationshipAt === undefined) {
        at('relationshipAt', `Required for basis "${basis}": the date of the ${what}, YYYY-MM-DD.`, { code: 'relationship_required', basis });
      } else if (!isIsoDate(item.relationshipAt)) at('relationshipAt', 'Not a date written YYYY-MM-DD, e.g. 2026-10-01.', { code: 'relationship_format' });
      else if (item.relationshipAt > today) at('relationshipAt', 'In the future.', { code: 'in_future' });
    } else if (item.relationshipAt !== undefined) {
      at('relationshipAt', `Only for basis "implied_purchase" or "implied_inquiry", not "${basis}".`, { code: 'relationship_not_for', basis });
    }
  }
  return { details, occurredAt };
}

async function attempt(deps: Deps, siteId: string, by: ImportActor, request: ImportRequest): Promise<ImportOutcome> {
  const { db } = deps;
  const site = await findSite(db, siteId);
  if (!site) return { kind: 'site_not_found' };

  // The body as validated (keys in schema order), so the same import hashes the same.
  const bodySha256 = await sha256Hex(JSON.stringify(request));
  const previous = await db
    .selectFrom('imports')
    .select(['body_sha256', 'result'])
    .where('site_id', '=', site.id)
    .where('id', '=', request.importId)
    .executeTakeFirst();
  if (previous) {
    if (previous.body_sha256 !== bodySha256) return { kind: 'conflict' };
    return { kind: 'done', replayed: true, result: JSON.parse(previous.result) as ImportResult };
  }

  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const { details, occurredAt } = await itemChecks(deps, site, request.items.entries());
  if (details.length > 0) return { kind: 'invalid', details };

  const actor = 'apiKeyId' in by ? `api_key:${by.apiKeyId}` : `operator:${by.operatorId}`;
  const queries: CompiledQuery[] = [];
  const results: ItemResult[] = [];
  // Several items may name one address: the batch tracks what it has decided so far.
  const known = new Map<
    string,
    { contact: ContactRow; statuses: Map<string, ConsentStatus>; grants: Map<string, GrantInForce>; grantedNow: Set<string> } | 'refused'
  >();
  let granted = 0;
  let skipped = 0;
  let refused = 0;

  for (const [index, item] of request.items.entries()) {
    const email = item.email.trim();
    const hash = await emailLookupHash(deps.config.lookupKey, email);
    let subject = known.get(hash);
    if (subject === undefined) {
      const suppressed = await db
        .selectFrom('suppressions')
        .select('id')
        .where('site_id', '=', site.id)
        .where('email_hash', '=', hash)
        .executeTakeFirst();
      const existing = await findContactByEmailHash(db, site.id, hash);
      if (suppressed || existing?.email === '') {
        subject = 'refused';
      } else if (existing) {
        subject = {
          contact: existing,
          statuses: await emailConsentStatuses(db, existing.id),
          grants: await grantsInForce(db, existing.id),
          grantedNow: new Set(),
        };
      } else {
        // An imported consent is not a confirmation of our own double opt-in: confirmed_at stays null.
        const contact: ContactRow = newContactRow({
          id: deps.newId(),
          site_id: site.id,
          email: await deps.cipher.encrypt(email),
          email_hash: hash,
          name: null,
          locale: item.locale ?? (isLocale(site.default_locale) ? site.default_locale : 'en'),
          created_at: now,
        });
        queries.push(db.insertInto('contacts').values(contact).compile());
        subject = { contact, statuses: new Map(), grants: new Map(), grantedNow: new Set() };
      }
      known.set(hash, subject);
    }
    if (subject === 'refused') {
      results.push({ index, status: 'refused', reason: 'erased' });
      refused++;
      continue;
    }

    const { contact, statuses, grants, grantedNow } = subject;
    const basis = item.basis ?? 'express';
    const relationshipAt = item.relationshipAt ?? null;
    const locale = item.locale ?? contact.locale;
    let wordingSha: string | null = null;
    if (item.consentText !== undefined) {
      wordingSha = await sha256Hex(item.consentText);
      // The policy version the person saw is not known: the wording row says so with ''.
      queries.push(storeConsentTextQuery(db, { sha256: wordingSha, text: item.consentText, locale, policyVersion: '' }, now));
    }
    const outcome: { category: string; status: 'granted' | 'skipped'; reason?: SkipReason }[] = [];
    for (const key of [...new Set(item.categories)]) {
      const status = statuses.get(key);
      // Granted already: recorded again only to put a longer-lasting basis in force, and only
      // while the grant it replaces is still the one in force as the batch runs.
      const replaces = status === 'granted' && !grantedNow.has(key) ? grants.get(key) : undefined;
      if (status === 'granted' && !(replaces && outlasts({ basis, relationshipAt }, replaces))) {
        outcome.push({ category: key, status: 'skipped', reason: 'already_granted' });
        skipped++;
        continue;
      }
      const later = await db
        .selectFrom('consent_events')
        .select('id')
        .where('contact_id', '=', contact.id)
        .where('category_key', '=', key)
        .where('action', 'in', ['withdrawn', 'erased'])
        .where('occurred_at', '>', occurredAt[index]!)
        .limit(1)
        .executeTakeFirst();
      if (later) {
        outcome.push({ category: key, status: 'skipped', reason: 'withdrawn_later' });
        skipped++;
        continue;
      }
      queries.push(
        ...(await changeQueries(
          deps,
          { site, contact },
          {
            key,
            action: 'granted',
            status: 'granted',
            method: item.method,
            // Only from the status seen here: a change in between (a withdrawal now) wins.
            guard: status === undefined ? { notIn: STATUSES } : { in: [status] },
            // Nor onto a contact erased meanwhile: an erased address comes back only by double opt-in.
            condition: replaces
              ? sql<boolean>`${notErased(contact.id)} AND ${grantStillInForce(contact.id, key, replaces.eventId)}`
              : notErased(contact.id),
          },
          {
            ip: null,
            userAgent: null,
            note: item.evidence ?? null,
            sourceUrl: item.sourceUrl ?? null,
            locale,
            occurredAt: occurredAt[index]!,
            actor,
            basis,
            relationshipAt,
          },
          { sha256: wordingSha, policyVersion: null },
          now,
          batch,
        )),
      );
      statuses.set(key, 'granted');
      grantedNow.add(key);
      outcome.push({ category: key, status: 'granted' });
      granted++;
    }
    results.push({ index, status: 'imported', contactId: contact.id, categories: outcome });
  }

  const result: ImportResult = { importId: request.importId, items: results, granted, skipped, refused };
  queries.push(
    db
      .insertInto('imports')
      .values({
        site_id: site.id,
        id: request.importId,
        body_sha256: bodySha256,
        item_count: request.items.length,
        api_key_id: 'apiKeyId' in by ? by.apiKeyId : null,
        operator_id: 'operatorId' in by ? by.operatorId : null,
        result: JSON.stringify(result),
        created_at: now,
      })
      .compile(),
  );
  await deps.atomic(queries);
  return { kind: 'done', replayed: false, result };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
