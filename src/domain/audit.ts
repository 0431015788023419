// Writing the operator API's audit log: the client address is personal data like any other IP,
// so it is stored encrypted; the presented key never is (not even hashed).
import { auditEntryQueries, type AuditRecord } from '../db/audit-log.ts';
import type { Deps } from '../deps.ts';

export type AuditEntry = Omit<AuditRecord, 'encryptedIp' | 'occurredAt' | 'contactIds'> & {
  contactIds?: readonly string[];
  ip: string | null;
};

export async function recordAudit(deps: Pick<Deps, 'db' | 'atomic' | 'cipher' | 'clock'>, entry: AuditEntry): Promise<void> {
  const { ip, contactIds, ...rest } = entry;
  await deps.atomic(
    auditEntryQueries(deps.db, {
      ...rest,
      contactIds: contactIds ?? [],
      occurredAt: deps.clock.now().toISOString(),
      encryptedIp: ip === null ? null : await deps.cipher.encrypt(ip),
    }),
  );
}
