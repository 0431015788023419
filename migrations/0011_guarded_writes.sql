-- Every limit and every side effect that depends on state is decided inside the atomic batch
-- (D1 has no interactive transactions, and parallel requests would all pass a check made
-- before the write). These columns let later statements of a batch see what earlier ones did.

-- The batch that last changed this consent. A batch's first statement for a category is the
-- status-guarded upsert that sets it; the ledger event, the webhook and every side effect
-- (a welcome mail, confirmed_at, lifting a suppression) follow only where it is this batch's.
ALTER TABLE consents ADD COLUMN change_id TEXT;
CREATE INDEX consents_change ON consents (contact_id, change_id);

-- The erasure that blanked this contact: two erasures at once write one set of `erased` events.
ALTER TABLE contacts ADD COLUMN erasure_id TEXT;

-- The confirmation-mail limit counts per mailbox (a.b@gmail.com and ab+1@googlemail.com are
-- one inbox): HMAC-SHA256(LOOKUP_KEY, "mailbox:" + the canonical mailbox); NULL for older rows,
-- which are still counted by contact.
ALTER TABLE outbox ADD COLUMN mailbox_hash TEXT;
CREATE INDEX outbox_mailbox ON outbox (site_id, mailbox_hash, kind, created_at);
