// Checks a saved proof bundle on its own: no database, no keys, nothing of ours but this rule.
// For each event, in the bundle's order: its canonical form (the exact text the ledger sealed)
// hashed with the seal before it gives its seal; every field the bundle shows is the one that
// was sealed; it is the contact's next event (each event counts the contact's events before it,
// under the seal, so one cut out of the bundle shows at the event after it); the wording and the
// form it names are in the bundle and hash to their names. Then the ledger's head at export.
//
// Where two of the contact's events are neighbours in the ledger (consecutive ids), the later
// one's previous seal must be the earlier one's seal, and the last one's seal the head's when it
// is the head: there an edit with a recomputed seal shows too.
//
// What it cannot tell alone: that the other seals are the ledger's (someone who edits such an
// event and computes a new seal over it makes a bundle that is consistent); compare a seal, or
// the head hash, with the ledger (`ledger verify`) or with a head hash kept elsewhere. Nor that events
// after the contact's last one were left out, unless that last one is the head. A contact's
// events are not neighbours in the ledger, so the chain between them runs through other
// people's events, which the bundle does not carry.
import { sha256Hex } from './ids.ts';

export interface ProofProblem {
  /** The first event that does not verify; null for a problem with the bundle as a whole. */
  eventId: number | null;
  message: string;
}

export interface ProofReport {
  ok: boolean;
  site: string | null;
  contact: string | null;
  events: number;
  /** Events whose previous seal is the seal of the bundle's event before them (neighbours in the ledger). */
  linked: number;
  /** Events sealed before the per-contact count existed (migration 0015). */
  uncounted: number;
  wordings: number;
  forms: number;
  head: { eventId: number; hash: string } | null;
  problem: ProofProblem | null;
}

type Json = Record<string, unknown>;

const HEX64 = /^[0-9a-f]{64}$/;

/** The fields of the bundle's event, at their place in the canonical array. */
const SEALED_FIELDS: readonly [index: number, field: string, of: (event: Json, bundle: { site: string; contact: string }) => unknown][] = [
  [0, 'id', (e) => e.id],
  [1, 'site', (_, b) => b.site],
  [2, 'contact', (_, b) => b.contact],
  [3, 'category', (e) => e.category],
  [4, 'channel', (e) => e.channel],
  [5, 'action', (e) => e.action],
  [6, 'method', (e) => e.method],
  [7, 'occurredAt', (e) => e.occurredAt],
  [8, 'sourceUrl', (e) => e.sourceUrl],
  [9, 'consentTextSha256', (e) => e.consentTextSha256],
  [10, 'policyVersion', (e) => e.policyVersion],
  [11, 'locale', (e) => e.locale],
];

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown) => (value === undefined ? 'missing' : JSON.stringify(value));

export async function verifyProofBundle(bundle: unknown): Promise<ProofReport> {
  const report: ProofReport = { ok: false, site: null, contact: null, events: 0, linked: 0, uncounted: 0, wordings: 0, forms: 0, head: null, problem: null };
  const fail = (eventId: number | null, message: string): ProofReport => ({ ...report, ok: false, problem: { eventId, message } });

  if (!isObject(bundle)) return fail(null, 'this is not a proof bundle (not a JSON object)');
  const site = isObject(bundle.site) && typeof bundle.site.id === 'string' ? bundle.site.id : null;
  const contact = isObject(bundle.contact) && typeof bundle.contact.id === 'string' ? bundle.contact.id : null;
  const { events, consentTexts, ledger } = bundle;
  const forms = bundle.forms ?? {};
  if (!site || !contact || !Array.isArray(events) || !isObject(consentTexts) || !isObject(forms) || !isObject(ledger)) {
    return fail(null, 'this is not a proof bundle: it needs site.id, contact.id, events, consentTexts, forms and ledger');
  }
  report.site = site;
  report.contact = contact;
  const genesis = ledger.genesis;
  if (typeof genesis !== 'string') return fail(null, 'the bundle names no ledger genesis');

  // Ledger order first, so a swap is named as one (not as the removal it also looks like).
  for (const [index, item] of events.entries()) {
    if (!isObject(item) || !Number.isSafeInteger(item.id)) return fail(null, `events[${index}] is not an event with an id`);
    const before = index > 0 ? (events[index - 1] as Json).id : null;
    if (typeof before === 'number' && (item.id as number) <= before) {
      return fail(before, `event ${before}: it comes before event ${String(item.id)}: the bundle lists events in ledger order`);
    }
  }

  const checkedTexts = new Set<string>();
  const checkedForms = new Set<string>();
  let previous: Json | null = null;
  for (const [index, item] of events.entries()) {
    const event = item as Json;
    const id = event.id as number;
    const bad = (message: string) => fail(id, `event ${id}: ${message}`);
    const { seal, previousSeal, canonical } = event;
    if (seal === null) return bad('it is not sealed yet (the server seals every 2 s): export the bundle again');
    if (typeof seal !== 'string' || !HEX64.test(seal)) return bad(`its seal ${show(seal)} is not a SHA-256`);
    if (typeof previousSeal !== 'string') return bad('it names no previous seal');
    if (typeof canonical !== 'string') return bad('it carries no canonical form');
    if ((await sha256Hex(`${previousSeal}\n${canonical}`)) !== seal) {
      return bad('its canonical form, with the seal before it, does not hash to its seal: the canonical form or a seal was edited');
    }
    let sealed: unknown;
    try {
      sealed = JSON.parse(canonical);
    } catch {
      return bad('its canonical form is not JSON');
    }
    if (!Array.isArray(sealed) || sealed.length < 13) return bad('its canonical form is not a ledger row');
    for (const [at, field, of] of SEALED_FIELDS) {
      const shown = of(event, { site, contact });
      if (sealed[at] !== shown) return bad(`the bundle says ${field} is ${show(shown)}, but the sealed event says ${show(sealed[at])}`);
    }
    // After the 13 columns: the actor (a string) when set, then the later columns (an object) when set.
    const rest = sealed.slice(13);
    const actor = typeof rest[0] === 'string' ? rest.shift() : null;
    const later = isObject(rest[0]) ? (rest.shift() as Json) : {};
    if (rest.length > 0) return bad('its canonical form has columns this verifier does not know');
    if ((event.actor ?? null) !== actor) return bad(`the bundle says actor is ${show(event.actor)}, but the sealed event says ${show(actor)}`);
    const form = later.form_sha256 ?? null;
    if ((event.formSha256 ?? null) !== form) return bad(`the bundle says formSha256 is ${show(event.formSha256)}, but the sealed event says ${show(form)}`);
    // An import's basis is sealed as stated; a grant made on our pages is sealed without one and
    // shown as `express` (what every confirmation and tick rests on).
    const basis = later.basis ?? null;
    const madeHere = event.action === 'confirmed' || (event.action === 'granted' && event.method !== 'unsubscribe_undo');
    const shownBasis = event.basis ?? null;
    if (shownBasis !== basis && !(basis === null && madeHere && shownBasis === 'express')) {
      return bad(`the bundle says basis is ${show(event.basis)}, but the sealed event says ${show(basis)}`);
    }
    const relationship = later.relationship_at ?? null;
    if ((event.relationshipAt ?? null) !== relationship) {
      return bad(`the bundle says relationshipAt is ${show(event.relationshipAt)}, but the sealed event says ${show(relationship)}`);
    }

    // The contact's own count of earlier events, sealed as it was written.
    const seq = later.contact_seq;
    if (seq === undefined) report.uncounted++;
    else if (seq !== index) {
      return typeof seq === 'number' && seq > index
        ? bad(`it was the contact's event number ${seq + 1}, but the bundle has only ${index} of the contact's events before it: ${seq - index === 1 ? 'one was' : `${seq - index} were`} removed`)
        : bad(`it was the contact's event number ${Number(seq) + 1}, but the bundle has ${index} of the contact's events before it: events were added`);
    }
    if (previous && previous.seal === previousSeal) report.linked++;
    else if (previous && id === (previous.id as number) + 1) {
      // No event lies between two consecutive ids: this one was chained to that one's seal.
      const before = previous.id as number;
      return fail(before, `event ${before}: its seal is not the one the next event in the ledger (event ${id}) was chained to: it was edited`);
    }

    const wording = event.consentTextSha256;
    if (typeof wording === 'string' && !checkedTexts.has(wording)) {
      const text = consentTexts[wording];
      if (!isObject(text) || typeof text.text !== 'string') return bad(`the wording ${wording} it names is not in the bundle`);
      if ((await sha256Hex(text.text)) !== wording) return bad(`the wording ${wording} it names was edited: its text no longer hashes to its name`);
      checkedTexts.add(wording);
    }
    if (typeof form === 'string' && !checkedForms.has(form)) {
      const stored = forms[form];
      if (!isObject(stored) || typeof stored.content !== 'string') return bad(`the form ${form} it names is not in the bundle`);
      if ((await sha256Hex(stored.content)) !== form) return bad(`the form ${form} it names was edited: its content no longer hashes to its name`);
      checkedForms.add(form);
    }
    previous = event;
    report.events++;
  }

  // What the bundle carries beyond its events must be what it says too.
  for (const [sha, text] of Object.entries(consentTexts)) {
    if (checkedTexts.has(sha)) continue;
    if (!isObject(text) || typeof text.text !== 'string' || (await sha256Hex(text.text)) !== sha) return fail(null, `the wording ${sha} in consentTexts does not hash to its name`);
  }
  for (const [sha, stored] of Object.entries(forms)) {
    if (checkedForms.has(sha)) continue;
    if (!isObject(stored) || typeof stored.content !== 'string' || (await sha256Hex(stored.content)) !== sha) return fail(null, `the form ${sha} in forms does not hash to its name`);
  }
  report.wordings = Object.keys(consentTexts).length;
  report.forms = Object.keys(forms).length;

  const head = ledger.head;
  if (head !== null && head !== undefined) {
    if (!isObject(head) || !Number.isSafeInteger(head.eventId) || typeof head.hash !== 'string' || !HEX64.test(head.hash)) {
      return fail(null, 'the ledger head in the bundle is not an event id and a SHA-256');
    }
    report.head = { eventId: head.eventId as number, hash: head.hash };
    const last = previous;
    if (last && (last.id as number) > report.head.eventId) {
      return fail(last.id as number, `event ${String(last.id)}: it comes after the ledger's head at export (event ${report.head.eventId})`);
    }
    if (last && last.id === report.head.eventId && last.seal !== report.head.hash) {
      return fail(last.id as number, `event ${String(last.id)}: it is the ledger's head at export, but the head hash is not its seal`);
    }
  } else if (previous) {
    return fail(null, 'the bundle has sealed events but no ledger head');
  }
  return { ...report, ok: true };
}
