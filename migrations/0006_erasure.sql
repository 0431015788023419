-- Erasure (APPI, GDPR): the ledger learns the action 'erased', and erased addresses are kept
-- only as a keyed hash in a suppression list that a sending system can sync.
--
-- SQLite cannot alter a CHECK constraint, so consent_events is rebuilt: a new table with every
-- column in the same order, every row copied with its id (the seal covers ids, so they must not
-- change), the old table dropped, the new one renamed, its index and append-only triggers
-- recreated. event_evidence references consent_events(id), and dropping a referenced table
-- fails with foreign keys on (and a deferred check would not clear after the rename), so
-- event_evidence is rebuilt alongside, pointing at the new table; renaming the new ledger table
-- then rewrites that reference to the final name. No PRAGMA needed, on Node or D1.

CREATE TABLE consent_events_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  category_key TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email')),
  action TEXT NOT NULL CHECK (action IN ('requested', 'confirmed', 'granted', 'withdrawn', 'erased')),
  method TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  source_url TEXT,
  consent_text_sha256 TEXT REFERENCES consent_texts (sha256),
  policy_version TEXT,
  locale TEXT NOT NULL,
  evidence_mac TEXT                    -- HMAC-SHA256(LOOKUP_KEY, JSON [ip, user agent]); NULL: none
);

INSERT INTO consent_events_new (id, site_id, contact_id, category_key, channel, action, method, occurred_at,
    source_url, consent_text_sha256, policy_version, locale, evidence_mac)
  SELECT id, site_id, contact_id, category_key, channel, action, method, occurred_at,
    source_url, consent_text_sha256, policy_version, locale, evidence_mac
  FROM consent_events ORDER BY id;

-- Ids never go back: an id handed out once (even by a rolled-back insert) is not reused.
UPDATE sqlite_sequence
  SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'consent_events'))
  WHERE name = 'consent_events_new';

CREATE TABLE event_evidence_new (
  event_id INTEGER PRIMARY KEY REFERENCES consent_events_new (id),
  ip TEXT,                             -- encrypted (enc:v1:...)
  user_agent TEXT                      -- encrypted
);
INSERT INTO event_evidence_new (event_id, ip, user_agent) SELECT event_id, ip, user_agent FROM event_evidence;

DROP TABLE event_evidence;
DROP TABLE consent_events;
ALTER TABLE consent_events_new RENAME TO consent_events;
ALTER TABLE event_evidence_new RENAME TO event_evidence;

CREATE INDEX consent_events_contact ON consent_events (contact_id, id);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;

-- Erased addresses, as HMAC-SHA256(LOOKUP_KEY, normalised address) hex: the same value as
-- contacts.email_hash. A row lifts (is deleted) when the address confirms a new double opt-in.
-- id is the listing order and paging cursor (newest first).
CREATE TABLE suppressions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  email_hash TEXT NOT NULL,
  contact_id TEXT,                     -- the erased contact (its row stays, blanked)
  created_at TEXT NOT NULL,
  UNIQUE (site_id, email_hash)
);
CREATE INDEX suppressions_site ON suppressions (site_id, id);
