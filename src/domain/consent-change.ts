// One consent change: the new state, guarded by the current status (and any further condition),
// then the ledger event, its evidence and its webhook, each only if that guard let the change
// through in this batch. So a concurrent request cannot record the same change twice, and
// nothing is recorded for a change another request won. Every use-case builds its writes here.
import type { CompiledQuery } from 'kysely';
import { appendEventQuery, attachEvidenceQuery, setConsentQuery, type Condition, type StatusGuard } from '../db/ledger.ts';
import type { Channel, ConsentAction, ConsentBasis, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { hmacSha256Hex } from './ids.ts';
import { consentEventType, enqueueWebhookQuery } from '../webhooks/events.ts';

export interface Evidence {
  ip: string | null;
  userAgent: string | null;
  /** Free-text evidence of an import ("signed form #1234"); absent for the person's own actions. */
  note?: string | null;
}

export interface Subject {
  site: SiteRow;
  contact: ContactRow;
}

export interface Wording {
  sha256: string | null;
  policyVersion: string | null;
  /** The exact form the wording was shown on (a signup's), when the submission proved which. */
  formSha256?: string | null;
}

/**
 * Who acted and from where; the page's URL and language when there was a page. An import also
 * gives when it happened (default: now) and who recorded it (the ledger's actor).
 */
export type EventEvidence = Evidence & {
  sourceUrl?: string | null;
  locale?: string;
  occurredAt?: string;
  actor?: string | null;
  /** What an import says the consent rests on (and since when, for an implied one). */
  basis?: ConsentBasis | null;
  relationshipAt?: string | null;
};

export interface Change {
  key: string;
  action: ConsentAction;
  status: ConsentStatus;
  method: string;
  guard: StatusGuard;
  /** What else must hold, in SQL, for the change to happen (a link's epoch, an erasure's claim). */
  condition?: Condition;
  /** Default email. */
  channel?: Channel;
}

/**
 * The state change for one category and, where it happens, its ledger event, encrypted evidence
 * and webhook. `batch` names the atomic batch these queries go into (one id per batch, from
 * deps.newId()): later statements of the batch can ask whether the change happened
 * (changedBy / contactChangedBy).
 */
export async function changeQueries(
  deps: Deps,
  { site, contact }: Subject,
  change: Change,
  evidence: EventEvidence,
  wording: Wording,
  now: string,
  batch: string,
): Promise<CompiledQuery[]> {
  const target = { siteId: site.id, contactId: contact.id, categoryKey: change.key, channel: change.channel ?? 'email' };
  const note = evidence.note ?? null;
  const hasEvidence = evidence.ip !== null || evidence.userAgent !== null || note !== null;
  const event = appendEventQuery(
    deps.db,
    {
      ...target,
      action: change.action,
      method: change.method,
      occurredAt: evidence.occurredAt ?? now,
      sourceUrl: evidence.sourceUrl ?? null,
      consentTextSha256: wording.sha256,
      policyVersion: wording.policyVersion,
      locale: evidence.locale ?? contact.locale,
      evidenceMac: hasEvidence ? await evidenceMac(deps.config.lookupKey, evidence) : null,
      actor: evidence.actor ?? null,
      basis: evidence.basis ?? null,
      relationshipAt: evidence.relationshipAt ?? null,
      formSha256: wording.formSha256 ?? null,
    },
    batch,
  );
  const encrypt = (value: string | null) => (value === null ? null : deps.cipher.encrypt(value));
  const attached = hasEvidence
    ? [
        attachEvidenceQuery(deps.db, {
          ip: await encrypt(evidence.ip),
          userAgent: await encrypt(evidence.userAgent),
          note: await encrypt(note),
        }),
      ]
    : [];
  const type = consentEventType(change.action);
  const webhook = type
    ? [
        enqueueWebhookQuery(
          deps.db,
          type,
          { site: site.id, contactId: contact.id, category: change.key, channel: target.channel, action: change.action, method: change.method, occurredAt: evidence.occurredAt ?? now },
          deps.newId(),
          { changedBy: batch },
        ),
      ]
    : [];
  return [setConsentQuery(deps.db, target, change.status, now, change.guard, batch, change.condition), event, ...attached, ...webhook];
}

/**
 * Binds the evidence to its ledger row without revealing it: the seal covers this MAC. An
 * import's note is appended only when there is one, so MACs made before notes existed still match.
 */
export function evidenceMac(lookupKey: string, evidence: Evidence): Promise<string> {
  const parts: (string | null)[] = [evidence.ip, evidence.userAgent];
  if (evidence.note != null) parts.push(evidence.note);
  return hmacSha256Hex(lookupKey, JSON.stringify(parts));
}
