// One consent change: the ledger event and the new state, guarded by the current status so a
// concurrent request cannot record the same change twice. Every use-case builds its writes here.
import type { CompiledQuery } from 'kysely';
import { appendEventQuery, setConsentQuery, type StatusGuard } from '../db/ledger.ts';
import type { ConsentAction, ConsentStatus, ContactRow, SiteRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';

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

/** The ledger event and state change for one category, guarded by its current status. */
export function changeQueries(
  deps: Deps,
  { site, contact }: Subject,
  change: { key: string; action: ConsentAction; status: ConsentStatus; method: string; guard: StatusGuard },
  evidence: EventEvidence,
  wording: Wording,
  now: string,
): CompiledQuery[] {
  const target = { siteId: site.id, contactId: contact.id, categoryKey: change.key, channel: 'email' } as const;
  return [
    appendEventQuery(
      deps.db,
      {
        ...target,
        action: change.action,
        method: change.method,
        occurredAt: now,
        sourceUrl: evidence.sourceUrl ?? null,
        ip: evidence.ip,
        userAgent: evidence.userAgent,
        consentTextSha256: wording.sha256,
        policyVersion: wording.policyVersion,
        locale: evidence.locale ?? contact.locale,
      },
      change.guard,
    ),
    setConsentQuery(deps.db, target, change.status, now, change.guard),
  ];
}

