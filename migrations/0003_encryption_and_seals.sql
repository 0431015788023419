-- Personal evidence (IP, user agent) leaves the ledger row for a table of its own: stored
-- encrypted, re-encrypted on key rotation and blanked on erasure, while the ledger rows stay
-- exactly as written. Each event keeps a keyed MAC of its evidence, so the seal still covers it.
CREATE TABLE event_evidence (
  event_id INTEGER PRIMARY KEY REFERENCES consent_events (id),
  ip TEXT,                             -- encrypted (enc:v1:...)
  user_agent TEXT                      -- encrypted
);
-- Rows written before this migration move as they are; the re-encryption pass encrypts them.
INSERT INTO event_evidence (event_id, ip, user_agent)
  SELECT id, ip, user_agent FROM consent_events WHERE ip IS NOT NULL OR user_agent IS NOT NULL;
ALTER TABLE consent_events DROP COLUMN ip;
ALTER TABLE consent_events DROP COLUMN user_agent;
-- HMAC-SHA256(LOOKUP_KEY, JSON [ip, user agent]) of the evidence when written; NULL: none.
ALTER TABLE consent_events ADD COLUMN evidence_mac TEXT;

-- The tamper-evident seal: in ledger order, hash(n) = SHA-256(hash(n-1) + "\n" + event n as
-- canonical JSON). Written by the sealing step; deterministic, so two sealers cannot fork it.
CREATE TABLE ledger_seals (
  event_id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  sealed_at TEXT NOT NULL
);
CREATE TRIGGER ledger_seals_no_update BEFORE UPDATE ON ledger_seals
BEGIN
  SELECT RAISE(ABORT, 'ledger_seals is append-only');
END;
CREATE TRIGGER ledger_seals_no_delete BEFORE DELETE ON ledger_seals
BEGIN
  SELECT RAISE(ABORT, 'ledger_seals is append-only');
END;
