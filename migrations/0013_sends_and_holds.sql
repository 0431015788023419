-- Which campaign went to whom, for which category: the evidence for "this advertisement", and
-- the clock of the retention hold (the Act on Specified Electronic Mail keeps the consent
-- record at least a month after the last send). Append-only like the ledger.
CREATE TABLE sends (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  campaign TEXT NOT NULL,
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  category_key TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT 'email',
  sent_at TEXT NOT NULL,
  recorded_by TEXT,                    -- api_key:{id} (or api_key:admin)
  UNIQUE (site_id, campaign, contact_id, category_key, channel)
);
CREATE INDEX sends_contact ON sends (contact_id, category_key, sent_at);
CREATE TRIGGER sends_no_update BEFORE UPDATE ON sends
BEGIN
  SELECT RAISE(ABORT, 'sends is append-only');
END;
CREATE TRIGGER sends_no_delete BEFORE DELETE ON sends
BEGIN
  SELECT RAISE(ABORT, 'sends is append-only');
END;

-- The latest send of any kind to the contact (the hold runs from it), and when an erased
-- contact's held evidence was finally removed.
ALTER TABLE contacts ADD COLUMN last_sent_at TEXT;
ALTER TABLE contacts ADD COLUMN evidence_purged_at TEXT;
