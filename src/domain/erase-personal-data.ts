// The one path that removes personal data while keeping the evidence verifiable. Ledger rows are
// not touched: they hold no personal data, only a MAC of the evidence, so the seal still
// verifies after the evidence (IP, user agent) is gone. What the ledger proves remains: when,
// how, which wording, which policy version.
import type { Deps } from '../deps.ts';

export async function erasePersonalData(deps: Pick<Deps, 'db' | 'atomic' | 'clock'>, contactId: string): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now().toISOString();
  const events = db.selectFrom('consent_events').select('id').where('contact_id', '=', contactId);
  await deps.atomic([
    db.deleteFrom('event_evidence').where('event_id', 'in', events).compile(),
    // The lookup hash stays: it is how an erased address is recognised (and suppressed) later.
    db.updateTable('contacts').set({ email: '', name: null, updated_at: now }).where('id', '=', contactId).compile(),
    db.updateTable('outbox').set({ to_address: '' }).where('contact_id', '=', contactId).where('status', '!=', 'queued').compile(),
    db
      .updateTable('outbox')
      .set({ to_address: '', status: 'failed', last_error: 'recipient erased' })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'queued')
      .compile(),
  ]);
}
