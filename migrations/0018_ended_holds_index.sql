-- The evidence-hold job (src/domain/evidence-hold.ts) looks for erased contacts whose hold has
-- ended, at every start and every hour: without an index that reads every contact (and fills
-- SQLite's page cache with them: 13 MB more held by an idle server at 100,000 contacts).
-- Partial: only erased contacts whose evidence is still held are in it.
CREATE INDEX contacts_held_evidence ON contacts (last_sent_at) WHERE email = '' AND evidence_purged_at IS NULL;
