// Which sender identity was in force at a moment: the first one replaced after it, or, when none
// was, the site's current one. An event at the very moment of a change has the new identity.
import type { SenderIdentity } from '../db/site-identity.ts';

export function identityAt(history: readonly (SenderIdentity & { replacedAt: string })[], current: SenderIdentity, at: string): SenderIdentity {
  const then = history.find((entry) => entry.replacedAt > at);
  const { legalName, postalAddress, inquiryContact } = then ?? current;
  return { legalName, postalAddress, inquiryContact };
}
