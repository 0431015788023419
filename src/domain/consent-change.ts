// One consent change: the ledger event and the new state, guarded by the current status so a
// concurrent request cannot record the same change twice. Every use-case builds its writes here.
import type { CompiledQuery } from 'kysely';
import { appendEventQuery, attachEvidenceQuery, setConsentQuery, type StatusGuard } from '../db/ledger.ts';
import type { ConsentAction, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { hmacSha256Hex } from './ids.ts';

export interface Evidence {
  ip: string | null;
  userAgent: string | null;
}

export interface Subject {
  site: SiteRow;
  contact: ContactRow;
}

export interface Wording {
  sha256: string | null;
  policyVersion: string | null;
}

/** Who acted and from where; the page's URL and language when there was a page. */
export type EventEvidence = Evidence & { sourceUrl?: string | null; locale?: string };

/** The ledger event, its encrypted evidence and the state change for one category. */
export async function changeQueries(
  deps: Deps,
  { site, contact }: Subject,
  change: { key: string; action: ConsentAction; status: ConsentStatus; method: string; guard: StatusGuard },
  evidence: EventEvidence,
  wording: Wording,
  now: string,
): Promise<CompiledQuery[]> {
  const target = { siteId: site.id, contactId: contact.id, categoryKey: change.key, channel: 'email' } as const;
  const hasEvidence = evidence.ip !== null || evidence.userAgent !== null;
  const event = appendEventQuery(
    deps.db,
    {
      ...target,
      action: change.action,
      method: change.method,
      occurredAt: now,
      sourceUrl: evidence.sourceUrl ?? null,
      consentTextSha256: wording.sha256,
      policyVersion: wording.policyVersion,
      locale: evidence.locale ?? contact.locale,
      evidenceMac: hasEvidence ? await evidenceMac(deps.config.lookupKey, evidence) : null,
    },
    change.guard,
  );
  const encrypt = (value: string | null) => (value === null ? null : deps.cipher.encrypt(value));
  const attached = hasEvidence
    ? [attachEvidenceQuery(deps.db, { ip: await encrypt(evidence.ip), userAgent: await encrypt(evidence.userAgent) })]
    : [];
  return [event, ...attached, setConsentQuery(deps.db, target, change.status, now, change.guard)];
}

/** Binds the evidence to its ledger row without revealing it: the seal covers this MAC. */
export function evidenceMac(lookupKey: string, evidence: Evidence): Promise<string> {
  return hmacSha256Hex(lookupKey, JSON.stringify([evidence.ip, evidence.userAgent]));
}
