// Replies to our text messages: STOP, START, HELP and anything else, as a provider's webhook hands
// them in. Every inbound message from a known number is a ledger event with its text as evidence
// (encrypted, like an import's note): STOP's withdrawals, START's resubscriptions, and otherwise
// one `replied` event per contact, on category '*' (all of that contact's SMS).
//
// One sending number serves every site of this service, so a reply cannot say which site it
// answers: a STOP stops SMS at every site where the number is a contact, START resumes what that
// STOP stopped at each, HELP names every such sender.
//
// Races and repeats, as every write here (README, "When requests race"): the batch first claims
// the provider's message id in sms_inbound, and every other statement runs only where that claim
// is the batch's own, so a webhook delivered twice, or twice at once, is recorded once and
// answered once. The consent writes are guarded by status as they run: a STOP withdraws what is
// granted or pending when its batch runs, spends the contact's open SMS codes and cancels its
// queued texts, so a code confirmation racing it either lands first and is withdrawn, or finds
// its consent withdrawn and its code spent.
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import { appendEventWhenQuery, attachEvidenceQuery, contactChangedBy } from '../db/ledger.ts';
import type { ConsentAction, SiteRow } from '../db/schema.ts';
import { cachedSite } from '../db/site-content-cache.ts';
import type { Deps } from '../deps.ts';
import { isLocale, messages, type Locale } from '../i18n/index.ts';
import { classifyReply, type ReplyKind } from '../sms/keywords.ts';
import { normalisePhone, phoneLookupHash } from '../sms/phone.ts';
import { changeQueries, evidenceMac, type Evidence, type EventEvidence, type Subject } from './consent-change.ts';
import { notErased } from './contact-guards.ts';
import { ALL_SMS, smsWithdrawalKeys, withdrawSmsQueries } from './sms-opt-out.ts';

/** The ledger method of every change an inbound SMS makes. */
export const SMS_REPLY_METHOD = 'sms_reply';

export type InboundProvider = 'twilio' | 'generic';

export interface InboundSms {
  provider: InboundProvider;
  /** The provider's id of the message (Twilio's MessageSid): the same id is handled once. */
  messageId: string;
  /** The sender's number, E.164 as providers give it. */
  from: string;
  text: string;
}

export interface InboundOutcome {
  /** What the message was; 'unknown': no live contact has the number (nothing is recorded). */
  kind: ReplyKind | 'other' | 'unknown';
  /** Already handled: this delivery changed nothing. */
  duplicate: boolean;
  /** The text to answer with, null: no answer. */
  reply: string | null;
}

/**
 * Acts on one inbound SMS and records it. `evidence` is the webhook request's (the provider's
 * address and user agent, as an email one-click records its mailbox provider's); the message's
 * text is added as the note. An unknown number changes nothing and gets no answer, so a stranger
 * learns nothing about which numbers are known.
 */
export async function receiveSms(deps: Deps, message: InboundSms, evidence: Evidence): Promise<InboundOutcome> {
  const kind = classifyReply(message.text) ?? 'other';
  const contacts = await contactsWithNumber(deps, message.from);
  if (contacts.length === 0) return { kind: 'unknown', duplicate: false, reply: null };

  const now = deps.clock.now().toISOString();
  const batch = deps.newId();
  const claimed = sql<boolean>`EXISTS (SELECT 1 FROM sms_inbound WHERE provider = ${message.provider}
    AND message_id = ${message.messageId} AND change_id = ${batch})`;
  const queries: CompiledQuery[] = [
    sql`INSERT INTO sms_inbound (provider, message_id, kind, received_at, change_id)
      VALUES (${message.provider}, ${message.messageId}, ${kind}, ${now}, ${batch})
      ON CONFLICT (provider, message_id) DO NOTHING`.compile(deps.db),
  ];
  const withText: EventEvidence = { ...evidence, note: message.text };
  for (const subject of contacts) {
    const live = sql<boolean>`${claimed} AND ${notErased(subject.contact.id)}`;
    if (kind === 'stop') queries.push(...(await stopQueries(deps, subject, withText, now, batch, live)));
    if (kind === 'start') queries.push(...(await startQueries(deps, subject, withText, now, batch, live)));
    // A STOP or START that changed nothing (already stopped, nothing to resume) is still the
    // person's message: recorded like any other reply.
    const unchanged = kind === 'stop' || kind === 'start' ? sql<boolean>`${live} AND NOT ${contactChangedBy(subject.contact.id, batch)}` : live;
    queries.push(...(await repliedQueries(deps, subject, withText, now, unchanged)));
  }
  await deps.atomic(queries);

  const record = await deps.db
    .selectFrom('sms_inbound')
    .select('change_id')
    .where('provider', '=', message.provider)
    .where('message_id', '=', message.messageId)
    .executeTakeFirst();
  if (record?.change_id !== batch) return { kind, duplicate: true, reply: null };
  return { kind, duplicate: false, reply: await answer(deps, kind, contacts, batch) };
}

/** Every contact, on any site, whose number this is and who is not erased; oldest first. */
async function contactsWithNumber(deps: Deps, from: string): Promise<Subject[]> {
  // Providers send E.164: no default country, so a number without "+" is nobody's.
  const phone = normalisePhone(from, null);
  if (!phone.ok) return [];
  const hash = await phoneLookupHash(deps.config.lookupKey, phone.e164);
  const rows = await deps.db
    .selectFrom('contacts')
    .selectAll()
    .where('phone_hash', '=', hash)
    .where('email', '!=', '')
    .orderBy('created_at')
    .orderBy('site_id')
    .execute();
  const subjects: Subject[] = [];
  for (const contact of rows) {
    const site = await cachedSite(deps.db, contact.site_id);
    if (site) subjects.push({ site, contact });
  }
  return subjects;
}

/**
 * STOP: every SMS consent of the contact that is granted or pending is withdrawn; its open
 * confirmation codes are spent and its queued texts cancelled, since after a STOP the only text
 * allowed is the one confirmation (FCC 2025), which is the webhook's answer.
 */
async function stopQueries(deps: Deps, subject: Subject, evidence: EventEvidence, now: string, batch: string, live: RawBuilder<boolean>): Promise<CompiledQuery[]> {
  const { db } = deps;
  const keys = await smsWithdrawalKeys(db, subject.site, subject.contact, ALL_SMS);
  const id = subject.contact.id;
  return [
    ...(await withdrawSmsQueries(deps, subject, keys, SMS_REPLY_METHOD, evidence, now, batch, live)),
    sql`UPDATE sms_codes SET spent_at = ${now} WHERE contact_id = ${id} AND spent_at IS NULL AND ${live}`.compile(db),
    sql`UPDATE sms_outbox SET status = 'failed', last_error = 'stopped by reply' WHERE contact_id = ${id} AND status = 'queued' AND ${live}`.compile(db),
  ];
}

/** The actions that leave a consent granted. */
const GRANTING: readonly ConsentAction[] = ['granted', 'confirmed', 'resubscribed'];

/**
 * START: gives back what the contact's latest STOP by reply withdrew, and nothing else: each
 * consent whose latest event is still that withdrawal, and that was granted before it (a pending
 * one was never confirmed, and START is no confirmation of it). The grant's wording is the one
 * the person agreed to before the STOP.
 */
async function startQueries(deps: Deps, subject: Subject, evidence: EventEvidence, now: string, batch: string, live: RawBuilder<boolean>): Promise<CompiledQuery[]> {
  const { db } = deps;
  const id = subject.contact.id;
  // The latest STOP's withdrawals (one STOP's share its batch's time), each with the event before
  // it, in one read.
  const latestStop = sql`(SELECT max(occurred_at) FROM consent_events WHERE contact_id = ${id}
    AND channel = 'sms' AND action = 'withdrawn' AND method = ${SMS_REPLY_METHOD})`;
  const withdrawals = await db
    .selectFrom('consent_events as w')
    .innerJoin('consent_events as prior', (join) =>
      join.on(sql<boolean>`prior.id = (SELECT max(p.id) FROM consent_events p WHERE p.contact_id = w.contact_id
        AND p.category_key = w.category_key AND p.channel = 'sms' AND p.id < w.id AND p.action != 'replied')`),
    )
    .select(['w.id', 'w.category_key', 'prior.action', 'prior.consent_text_sha256', 'prior.policy_version'])
    .where('w.contact_id', '=', id)
    .where('w.channel', '=', 'sms')
    .where('w.action', '=', 'withdrawn')
    .where('w.method', '=', SMS_REPLY_METHOD)
    .where(sql<boolean>`w.occurred_at = ${latestStop}`)
    .orderBy('w.id')
    .execute();
  const queries: CompiledQuery[] = [];
  for (const withdrawal of withdrawals) {
    if (!GRANTING.includes(withdrawal.action)) continue;
    const stillLatest = sql<boolean>`(SELECT max(id) FROM consent_events WHERE contact_id = ${id}
      AND category_key = ${withdrawal.category_key} AND channel = 'sms') = ${withdrawal.id}`;
    queries.push(
      ...(await changeQueries(
        deps,
        subject,
        {
          key: withdrawal.category_key,
          action: 'resubscribed',
          status: 'granted',
          method: SMS_REPLY_METHOD,
          guard: { in: ['withdrawn'] },
          channel: 'sms',
          condition: sql<boolean>`${live} AND ${stillLatest}`,
        },
        evidence,
        { sha256: withdrawal.consent_text_sha256, policyVersion: withdrawal.policy_version },
        now,
        batch,
      )),
    );
  }
  return queries;
}

/** A `replied` event on '*' with the message as evidence, where `when` holds; no consent changes. */
async function repliedQueries(deps: Deps, { site, contact }: Subject, evidence: EventEvidence, now: string, when: RawBuilder<boolean>): Promise<CompiledQuery[]> {
  const encrypt = (value: string | null | undefined) => (value == null ? null : deps.cipher.encrypt(value));
  return [
    appendEventWhenQuery(
      deps.db,
      {
        siteId: site.id,
        contactId: contact.id,
        categoryKey: ALL_SMS,
        channel: 'sms',
        action: 'replied',
        method: SMS_REPLY_METHOD,
        occurredAt: now,
        sourceUrl: null,
        consentTextSha256: null,
        policyVersion: null,
        locale: contact.locale,
        evidenceMac: await evidenceMac(deps.config.lookupKey, evidence),
      },
      when,
    ),
    attachEvidenceQuery(deps.db, { ip: await encrypt(evidence.ip), userAgent: await encrypt(evidence.userAgent), note: await encrypt(evidence.note) }),
  ];
}

/**
 * One answer however many sites the number is on, in the language of the oldest such contact.
 * STOP: the confirmation the FCC allows, without marketing. START: only where something resumed.
 * HELP: each sender's legal name and inquiry contact, and how to stop. Anything else: none.
 */
async function answer(deps: Deps, kind: ReplyKind | 'other', contacts: readonly Subject[], batch: string): Promise<string | null> {
  const first = contacts[0]!.contact;
  const locale: Locale = isLocale(first.locale) ? first.locale : 'en';
  const r = messages(locale).smsReply;
  const sites = contacts.map((subject) => subject.site);
  if (kind === 'stop') return r.stopped(sites.map((site) => site.name).join(r.listSeparator));
  if (kind === 'help') return r.help(sites.map((site) => r.helpLine(site.legal_name, site.inquiry_contact)).join(r.helpSeparator));
  if (kind !== 'start') return null;
  const resumed = await deps.db.selectFrom('consents').select('site_id').distinct().where('change_id', '=', batch).execute();
  const resumedSites = new Set(resumed.map((row) => row.site_id));
  const names = sites.filter((site: SiteRow) => resumedSites.has(site.id)).map((site) => site.name);
  return names.length > 0 ? r.started(names.join(r.listSeparator)) : null;
}

