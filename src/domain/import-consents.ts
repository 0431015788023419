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
//
// Text messages (channel sms) follow the same rules on their own channel: an sms item names a
// mobile number in E.164 (with or without an address), is granted only categories offered by
// SMS, finds its contact by the number's keyed hash or creates one known by the number alone
// (as an SMS signup does, subscribe-sms.ts), and a withdrawal counts when it is on that channel
// (an erasure on any). An item naming both an address and a number ties them to one contact:
// the one that is missing is added, and a number or an address already someone else's is refused.
import { sql, type CompiledQuery } from 'kysely';
import { storeConsentTextQuery } from '../db/consent-texts.ts';
import { consentStatuses } from '../db/consents.ts';
import { findContactByEmailHash, findContactByPhoneHash, newContactRow } from '../db/contacts.ts';
import { grantInForceId, grantsInForce, type GrantInForce } from '../db/grants.ts';
import type { Channel, ConsentBasis, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import { channelsOf, findSite } from '../db/sites.ts';
import type { Deps } from '../deps.ts';
import { isLocale } from '../i18n/index.ts';
import { normalisePhone, phoneLookupHash } from '../sms/phone.ts';
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
export const IMPORT_CHANNELS = ['email', 'sms'] as const satisfies readonly Channel[];

export interface ImportItem {
  /** Needed for channel email; besides a number, the contact's address. */
  email?: string | undefined;
  /** E.164. Needed for channel sms; besides an address, the contact's mobile number. */
  phone?: string | undefined;
  /** What the categories are granted on. Default email. */
  channel?: Channel | undefined;
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
  | { code: 'phone_format' | 'phone_invalid' | 'phone_not_mobile' }
  /** Neither an address nor a number. */
  | { code: 'contact_missing' }
  /** The channel's own field is missing: an address for email, a number for sms. */
  | { code: 'needed_for_channel'; channel: Channel }
  /** The number is another contact's than the address's; the contact has another number; or another address. */
  | { code: 'phone_taken' | 'phone_differs' | 'email_differs' }
  | { code: 'category_unknown' | 'category_exempt' | 'category_archived'; key: string }
  | { code: 'category_channel'; key: string; channel: Channel }
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
const E164 = /^\+[1-9][0-9]{1,14}$/;

export async function importConsents(deps: Deps, siteId: string, by: ImportActor, request: ImportRequest): Promise<ImportOutcome> {
  try {
    return await attempt(deps, siteId, by, request);
  } catch (error) {
    // A concurrent import with the same id (or a concurrent first signup of one of the
    // addresses or numbers) won the race: the whole batch rolled back. Once more sees what it wrote.
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
  const list = [...items];
  const checked = await itemChecks(deps, site, list);
  // Who each item is, as the import would find them (nothing written): an address and a number
  // that belong to two contacts are a problem too.
  const contacts = new Contacts(deps, site, deps.clock.now().toISOString());
  const conflicts: ImportDetail[] = [];
  for (const [index, item] of list) {
    if (checked.faulty.has(index)) continue;
    const found = await contacts.resolve(index, item);
    if (found.kind === 'conflict') conflicts.push(found.detail);
  }
  return { kind: 'checked', details: byIndex(checked.details, conflicts) };
}

/**
 * Every item checked before anything is written; every problem reported. Dates without a
 * time (a purchase's) are days as the site counts them. Also answers each item's occurredAt
 * in UTC (by index), as the ledger writes it, and which items have a problem.
 */
async function itemChecks(deps: Deps, site: SiteRow, items: Iterable<readonly [number, ImportItem]>) {
  const nowDate = deps.clock.now();
  const categories = new Map(
    (await deps.db.selectFrom('categories').select(['key', 'kind', 'archived_at', 'channels']).where('site_id', '=', site.id).execute()).map((row) => [
      row.key,
      row,
    ]),
  );
  const today = dateIn(site.time_zone, nowDate);
  const details: ImportDetail[] = [];
  const occurredAt: string[] = [];
  const faulty = new Set<number>();
  for (const [index, item] of items) {
    const at = (field: string, message: string, problem: ImportProblem) => {
      details.push({ path: `items.${index}.${field}`, message, problem });
      faulty.add(index);
    };
    const channel = item.channel ?? 'email';
    if (item.email !== undefined) {
      const emailProblem = checkEmail(item.email);
      if (emailProblem) {
        at('email', `The address is ${emailProblem === 'missing' ? 'missing' : emailProblem === 'too_long' ? 'too long' : 'not valid'}.`, { code: `email_${emailProblem}` });
      }
    }
    if (item.phone !== undefined) {
      const problem = phoneProblem(item.phone);
      if (problem) at('phone', PHONE_MESSAGES[problem], { code: problem });
    }
    if (item.email === undefined && item.phone === undefined) {
      at(channel === 'sms' ? 'phone' : 'email', 'Neither an email address (email) nor a mobile number (phone): give one of them, or both.', { code: 'contact_missing' });
    } else if (channel === 'email' && item.email === undefined) {
      at('email', 'Required for channel "email" (the default): the address. For text messages to the number, give "channel": "sms".', { code: 'needed_for_channel', channel });
    } else if (channel === 'sms' && item.phone === undefined) {
      at('phone', 'Required for channel "sms": the mobile number in E.164, e.g. +819012345678.', { code: 'needed_for_channel', channel });
    }
    item.categories.forEach((key, k) => {
      const category = categories.get(key);
      if (!category) at(`categories.${k}`, `No category "${key}" on this site.`, { code: 'category_unknown', key });
      else if (category.kind !== 'opt_in') at(`categories.${k}`, `"${key}" is an exempt category: it needs no consent.`, { code: 'category_exempt', key });
      else if (category.archived_at !== null) at(`categories.${k}`, `"${key}" is archived.`, { code: 'category_archived', key });
      else if (!channelsOf(category.channels).includes(channel)) {
        at(`categories.${k}`, `"${key}" is not offered by ${channel === 'sms' ? 'SMS' : 'email'} on this site.`, { code: 'category_channel', key, channel });
      }
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
  return { details, occurredAt, faulty };
}

type PhoneProblemCode = 'phone_format' | 'phone_invalid' | 'phone_not_mobile';
const PHONE_MESSAGES: Record<PhoneProblemCode, string> = {
  phone_format: 'Not a number in E.164 (a "+", the country code and the number, no spaces), e.g. +819012345678.',
  phone_invalid: 'Not a valid phone number.',
  phone_not_mobile: 'Not a mobile number: a text message cannot reach it.',
};

/** A number the SMS channel can find again: E.164 exactly as eligibility reads it, a valid mobile. */
function phoneProblem(phone: string): PhoneProblemCode | null {
  if (!E164.test(phone)) return 'phone_format';
  const normal = normalisePhone(phone, null);
  if (!normal.ok) return normal.reason === 'not_mobile' ? 'phone_not_mobile' : 'phone_invalid';
  return normal.e164 === phone ? null : 'phone_invalid';
}

/** Two lists of details in item order (each already is), the first's before the second's within an item. */
function byIndex(first: ImportDetail[], second: ImportDetail[]): ImportDetail[] {
  const index = (detail: ImportDetail) => Number(detail.path.split('.')[1]);
  return [...first, ...second].map((detail, order) => ({ detail, order })).sort((a, b) => index(a.detail) - index(b.detail) || a.order - b.order).map(({ detail }) => detail);
}

interface ChannelState {
  statuses: Map<string, ConsentStatus>;
  grants: Map<string, GrantInForce>;
  grantedNow: Set<string>;
}

/** A contact as the batch has it so far (a number or an address it added, what it granted). */
interface Known {
  contact: ContactRow;
  /** Not stored yet: its consents are all to come. */
  isNew: boolean;
  channels: Map<Channel, ChannelState>;
}

const REFUSED = 'refused' as const;
type Subject = Known | typeof REFUSED;

type Resolved = { kind: 'refused' } | { kind: 'conflict'; detail: ImportDetail } | { kind: 'found'; known: Known; queries: CompiledQuery[] };

const hasEmail = (contact: ContactRow) => !contact.email_hash.startsWith('none:');

/**
 * Finds the contact of each item as the batch goes (several items may name one person, by
 * address or by number), and builds the writes that create a contact or add what it lacks.
 */
class Contacts {
  private byEmail = new Map<string, Subject | null>();
  private byPhone = new Map<string, Subject | null>();
  private byId = new Map<string, Known>();

  constructor(
    private deps: Deps,
    private site: SiteRow,
    private now: string,
  ) {}

  async resolve(index: number, item: ImportItem): Promise<Resolved> {
    const { deps, site, now } = this;
    const email = item.email?.trim();
    const phone = item.phone;
    const emailHash = email === undefined ? null : await emailLookupHash(deps.config.lookupKey, email);
    const phoneHash = phone === undefined ? null : await phoneLookupHash(deps.config.lookupKey, phone);
    const e = emailHash === null ? null : await this.findByEmail(emailHash);
    const p = phoneHash === null ? null : await this.findByPhone(phoneHash);
    if (e === REFUSED || p === REFUSED) return { kind: 'refused' };
    const conflict = (field: string, message: string, code: 'phone_taken' | 'phone_differs' | 'email_differs'): Resolved => ({
      kind: 'conflict',
      detail: { path: `items.${index}.${field}`, message, problem: { code } },
    });
    if (e && p && e !== p) return conflict('phone', 'This number is another contact’s than the address’s.', 'phone_taken');
    if (e && phoneHash !== null && e.contact.phone_hash !== null && e.contact.phone_hash !== phoneHash) {
      return conflict('phone', 'The contact of this address has another number.', 'phone_differs');
    }
    if (p && emailHash !== null && hasEmail(p.contact) && p.contact.email_hash !== emailHash) {
      return conflict('email', 'The contact of this number has another address.', 'email_differs');
    }

    const queries: CompiledQuery[] = [];
    let known = e ?? p;
    if (!known) {
      // An imported consent is not a confirmation of our own double opt-in: confirmed_at stays null.
      const id = deps.newId();
      const contact: ContactRow = {
        ...newContactRow({
          id,
          site_id: site.id,
          // No address: the encryption of an empty one and a hash no address has, as an SMS signup stores it.
          email: await deps.cipher.encrypt(email ?? ''),
          email_hash: emailHash ?? `none:${id}`,
          name: null,
          locale: item.locale ?? (isLocale(site.default_locale) ? site.default_locale : 'en'),
          created_at: now,
        }),
        phone: phone === undefined ? null : await deps.cipher.encrypt(phone),
        phone_hash: phoneHash,
      };
      queries.push(deps.db.insertInto('contacts').values(contact).compile());
      known = { contact, isNew: true, channels: new Map() };
      this.byId.set(id, known);
    } else {
      // What the contact lacks, added only while it still lacks it.
      const { contact } = known;
      if (phone !== undefined && phoneHash !== null && contact.phone_hash === null) {
        const encrypted = await deps.cipher.encrypt(phone);
        queries.push(deps.db.updateTable('contacts').set({ phone: encrypted, phone_hash: phoneHash, updated_at: now }).where('id', '=', contact.id).where('phone_hash', 'is', null).compile());
        known.contact = { ...contact, phone: encrypted, phone_hash: phoneHash };
      }
      if (email !== undefined && emailHash !== null && !hasEmail(contact)) {
        const encrypted = await deps.cipher.encrypt(email);
        queries.push(
          deps.db.updateTable('contacts').set({ email: encrypted, email_hash: emailHash, updated_at: now }).where('id', '=', contact.id).where('email_hash', '=', contact.email_hash).compile(),
        );
        known.contact = { ...known.contact, email: encrypted, email_hash: emailHash };
      }
    }
    if (emailHash !== null) this.byEmail.set(emailHash, known);
    if (phoneHash !== null) this.byPhone.set(phoneHash, known);
    return { kind: 'found', known, queries };
  }

  /** The consents of one channel of a contact, as the batch has them so far. */
  async state(known: Known, channel: Channel): Promise<ChannelState> {
    let state = known.channels.get(channel);
    if (!state) {
      state = known.isNew
        ? { statuses: new Map(), grants: new Map(), grantedNow: new Set() }
        : { statuses: await consentStatuses(this.deps.db, known.contact.id, channel), grants: await grantsInForce(this.deps.db, known.contact.id, channel), grantedNow: new Set() };
      known.channels.set(channel, state);
    }
    return state;
  }

  private async findByEmail(hash: string): Promise<Subject | null> {
    if (this.byEmail.has(hash)) return this.byEmail.get(hash)!;
    const { db } = this.deps;
    const suppressed = await db.selectFrom('suppressions').select('id').where('site_id', '=', this.site.id).where('email_hash', '=', hash).executeTakeFirst();
    const existing = await findContactByEmailHash(db, this.site.id, hash);
    const subject = suppressed || existing?.email === '' ? REFUSED : existing ? this.knownOf(existing) : null;
    this.byEmail.set(hash, subject);
    return subject;
  }

  private async findByPhone(hash: string): Promise<Subject | null> {
    if (this.byPhone.has(hash)) return this.byPhone.get(hash)!;
    const existing = await findContactByPhoneHash(this.deps.db, this.site.id, hash);
    // Erasure forgets a number, so an erased contact is rarely found by one; if it is, it stays erased.
    const subject = existing?.email === '' ? REFUSED : existing ? this.knownOf(existing) : null;
    this.byPhone.set(hash, subject);
    return subject;
  }

  /** One Known per contact, however it was found. */
  private knownOf(row: ContactRow): Known {
    let known = this.byId.get(row.id);
    if (!known) {
      known = { contact: row, isNew: false, channels: new Map() };
      this.byId.set(row.id, known);
    }
    return known;
  }
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
  const { details, occurredAt, faulty } = await itemChecks(deps, site, request.items.entries());

  const actor = 'apiKeyId' in by ? `api_key:${by.apiKeyId}` : `operator:${by.operatorId}`;
  const queries: CompiledQuery[] = [];
  const results: ItemResult[] = [];
  const conflicts: ImportDetail[] = [];
  // Several items may name one address or number: the batch tracks what it has decided so far.
  const contacts = new Contacts(deps, site, now);
  let granted = 0;
  let skipped = 0;
  let refused = 0;

  for (const [index, item] of request.items.entries()) {
    if (faulty.has(index)) continue;
    const found = await contacts.resolve(index, item);
    if (found.kind === 'conflict') {
      conflicts.push(found.detail);
      continue;
    }
    if (found.kind === 'refused') {
      results.push({ index, status: 'refused', reason: 'erased' });
      refused++;
      continue;
    }
    // Every problem is reported, and nothing is written once there is one.
    if (details.length > 0 || conflicts.length > 0) continue;
    queries.push(...found.queries);

    const channel = item.channel ?? 'email';
    const { contact } = found.known;
    const { statuses, grants, grantedNow } = await contacts.state(found.known, channel);
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
      // A withdrawal on this channel, or an erasure, after the consent: the person's word stands.
      const later = await db
        .selectFrom('consent_events')
        .select('id')
        .where('contact_id', '=', contact.id)
        .where('category_key', '=', key)
        .where((eb) => eb.or([eb.and([eb('action', '=', 'withdrawn'), eb('channel', '=', channel)]), eb('action', '=', 'erased')]))
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
            channel,
            action: 'granted',
            status: 'granted',
            method: item.method,
            // Only from the status seen here: a change in between (a withdrawal now) wins.
            guard: status === undefined ? { notIn: STATUSES } : { in: [status] },
            // Nor onto a contact erased meanwhile: an erased address comes back only by double opt-in.
            condition: replaces
              ? sql<boolean>`${notErased(contact.id)} AND ${grantInForceId(contact.id, key, channel)} = ${replaces.eventId}`
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
  if (details.length > 0 || conflicts.length > 0) return { kind: 'invalid', details: byIndex(details, conflicts) };

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
