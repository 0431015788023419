// Everything held about one contact, in one document: the operator's proof of consent
// (GDPR Art. 7(1), the Japanese Act's record of how consent was obtained) and the person's own
// copy (APPI disclosure, GDPR access and portability) are the same bundle, built only here.
// Personal data is decrypted; each distinct wording appears once, keyed by its SHA-256, and
// events point at it; each event carries its sealed canonical form, the seal before it and its
// own, and the bundle the ledger's head at export, so `npm run cli -- proof verify FILE` can
// check a saved bundle without us (domain/proof-verify.ts), and `ledger verify` against us.
import { listConsents } from '../db/consents.ts';
import { listConsentTextsOfContact, sealsOfContact } from '../db/contact-record.ts';
import { listEventsWithText, readableEvent } from '../db/events.ts';
import { identityHistory, type SenderIdentity } from '../db/site-identity.ts';
import { listFormsOfContact, readableForm } from '../db/forms.ts';
import type { Channel, ConsentAction, ConsentBasis, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { evidenceHold, type EvidenceHold } from './evidence-hold.ts';
import { canonicalEvent, GENESIS, ledgerHead } from './ledger-seal.ts';
import { lastSentPerCategory, sendsOfContact } from './sends.ts';
import { identityAt } from './sender-identity.ts';

export interface ContactRecord {
  generatedAt: string;
  site: {
    id: string;
    name: string;
    legalName: string;
    postalAddress: string;
    inquiryContact: string;
    privacyPolicyUrl: string;
    privacyPolicyVersion: string;
  };
  contact: {
    id: string;
    email: string;
    name: string | null;
    locale: string;
    createdAt: string;
    confirmedAt: string | null;
    /** The latest send of a campaign to the contact. */
    lastSentAt: string | null;
  };
  /** Set when the contact was erased after being mailed: its evidence is kept until then, and why. */
  hold: EvidenceHold | null;
  consents: { category: string; channel: Channel; status: ConsentStatus; updatedAt: string; lastSentAt: string | null }[];
  /** The campaigns the sender recorded as sent to the contact, oldest first. */
  sends: { campaign: string; category: string; channel: string; sentAt: string }[];
  /** The emails this service sent the contact itself (confirmations, welcome, links). */
  emails: { kind: string; subject: string; status: string; queuedAt: string; sentAt: string | null }[];
  events: {
    id: number;
    category: string;
    channel: Channel;
    action: ConsentAction;
    method: string;
    occurredAt: string;
    sourceUrl: string | null;
    ip: string | null;
    userAgent: string | null;
    /** Free-text evidence of an imported consent (a paper form's reference, say). */
    evidence: string | null;
    /** Who recorded it when not the person: `api_key:{id}` for an API import, `operator:{id}` for a console one. */
    actor: string | null;
    /** What a grant rests on: an import's basis, `express` for one made on our pages; null for events that grant nothing. */
    basis: ConsentBasis | null;
    /** The purchase or inquiry date an implied basis runs from (YYYY-MM-DD). */
    relationshipAt: string | null;
    policyVersion: string | null;
    locale: string;
    /** Key into `consentTexts`. */
    consentTextSha256: string | null;
    /** Key into `forms`: the exact form a signup came from. */
    formSha256: string | null;
    /** The exact text its seal hashes (the ledger row, evidence only as its keyed MAC). */
    canonical: string;
    /** The seal of the event before it in the ledger (anyone's: a contact's events are not neighbours); null until sealed. */
    previousSeal: string | null;
    /** The event's hash in the sealed ledger chain, SHA-256(previousSeal + "\n" + canonical); null until the sealer has reached it. */
    seal: string | null;
    /** The sender identity in force when it happened (`site` is today's). */
    sender: SenderIdentity;
  }[];
  /** sha256 -> the exact wording shown. */
  consentTexts: Record<string, { text: string; locale: string; policyVersion: string; createdAt: string }>;
  /** sha256 -> the exact form shown (HTML, or the script embed's form.json), as first shown. */
  forms: Record<string, ReturnType<typeof readableForm>>;
  /** How the seals chain, and the ledger's last seal when the bundle was made. */
  ledger: { genesis: string; rule: string; head: { eventId: number; hash: string } | null };
}

export const SEAL_RULE = 'seal = hex(SHA-256(previousSeal + "\\n" + canonical)); the first event\'s previousSeal is genesis';

export async function buildContactRecord(
  deps: Pick<Deps, 'db' | 'cipher' | 'clock' | 'config'>,
  site: SiteRow,
  contact: ContactRow,
): Promise<ContactRecord> {
  const { db, cipher } = deps;
  const generatedAt = deps.clock.now().toISOString();
  const [consents, events, texts, seals, identities, sends, lastSent, emails, forms] = await Promise.all([
    listConsents(db, contact.id),
    listEventsWithText(db, contact.id),
    listConsentTextsOfContact(db, contact.id),
    sealsOfContact(db, contact.id),
    identityHistory(db, site.id),
    sendsOfContact(deps, contact.id),
    lastSentPerCategory(deps, contact.id),
    db.selectFrom('outbox').select(['kind', 'subject', 'status', 'created_at', 'sent_at']).where('contact_id', '=', contact.id).orderBy('created_at').execute(),
    listFormsOfContact(db, contact.id),
  ]);
  // After the seals: the head is then at or after every seal the bundle shows.
  const head = await ledgerHead(db);
  const today = { legalName: site.legal_name, postalAddress: site.postal_address, inquiryContact: site.inquiry_contact };
  const decrypt = (value: string | null) => (value === null ? null : cipher.decrypt(value));
  return {
    generatedAt,
    site: {
      id: site.id,
      name: site.name,
      legalName: site.legal_name,
      postalAddress: site.postal_address,
      inquiryContact: site.inquiry_contact,
      privacyPolicyUrl: site.privacy_policy_url,
      privacyPolicyVersion: site.privacy_policy_version,
    },
    contact: {
      id: contact.id,
      email: await cipher.decrypt(contact.email),
      name: await decrypt(contact.name),
      locale: contact.locale,
      createdAt: contact.created_at,
      confirmedAt: contact.confirmed_at,
      lastSentAt: contact.last_sent_at,
    },
    hold: evidenceHold(deps.config, contact),
    consents: consents.map((row) => ({
      category: row.category_key,
      channel: row.channel,
      status: row.status,
      updatedAt: row.updated_at,
      lastSentAt: lastSent.get(row.category_key) ?? null,
    })),
    sends: sends.map((row) => ({ campaign: row.campaign, category: row.category_key, channel: row.channel, sentAt: row.sent_at })),
    emails: emails.map((row) => ({ kind: row.kind, subject: row.subject, status: row.status, queuedAt: row.created_at, sentAt: row.sent_at })),
    events: await Promise.all(
      events.map(async (e) => ({
        ...(await readableEvent(e, (value) => cipher.decrypt(value))),
        consentTextSha256: e.consent_text_sha256,
        formSha256: e.form_sha256,
        canonical: canonicalEvent(e),
        previousSeal: seals.has(e.id) ? (seals.get(e.id)!.previous ?? GENESIS) : null,
        seal: seals.get(e.id)?.hash ?? null,
        sender: identityAt(identities, today, e.occurred_at),
      })),
    ),
    consentTexts: Object.fromEntries(
      texts.map((t) => [t.sha256, { text: t.text, locale: t.locale, policyVersion: t.policy_version, createdAt: t.created_at }]),
    ),
    forms: Object.fromEntries(forms.map((form) => [form.sha256, readableForm(form)])),
    ledger: { genesis: GENESIS, rule: SEAL_RULE, head },
  };
}
