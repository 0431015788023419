-- The audit log becomes evidence too: append-only like the ledger, with refused requests in it
-- (a wrong key, a key of another site, an address throttled after too many wrong keys), where
-- each request came from, and every contact a bulk request (an import) named.
--
-- key_id may now be NULL (a request with no key, or a wrong ADMIN_API_KEY), which SQLite cannot
-- alter in place: the table is rebuilt with every row and id kept (ids are the paging cursor).

CREATE TABLE audit_log_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT,                         -- the key that authenticated; refused: the id part of a well-formed assent_ key, else NULL. Never the secret.
  method TEXT NOT NULL,
  route TEXT NOT NULL,                 -- the route pattern, e.g. /api/v1/sites/:site/contacts/lookup
  site_id TEXT,
  contact_id TEXT,                     -- the one contact a request found; NULL: none (bulk requests: audit_contacts)
  status INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'allowed', -- allowed | no_key | wrong_key | other_site | throttled
  attempt INTEGER                      -- refused authentications: this one's number in its address's window
);
INSERT INTO audit_log_new (id, key_id, method, route, site_id, contact_id, status, occurred_at)
  SELECT id, key_id, method, route, site_id, contact_id, status, occurred_at FROM audit_log ORDER BY id;
-- Ids never go back: an id handed out once is not reused.
UPDATE sqlite_sequence
  SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'))
  WHERE name = 'audit_log_new';
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_contact ON audit_log (contact_id, id);
CREATE INDEX audit_log_outcome ON audit_log (outcome, id);

-- Every contact a request named when it touched more than one (an import; sends later).
CREATE TABLE audit_contacts (
  contact_id TEXT NOT NULL,
  audit_id INTEGER NOT NULL REFERENCES audit_log (id),
  PRIMARY KEY (contact_id, audit_id)
) WITHOUT ROWID;
CREATE INDEX audit_contacts_entry ON audit_contacts (audit_id);

-- Where each request came from: the client address, encrypted like every IP at rest. A table of
-- its own so that key rotation can re-encrypt it while audit_log itself never changes.
CREATE TABLE audit_clients (
  audit_id INTEGER PRIMARY KEY REFERENCES audit_log (id),
  ip TEXT NOT NULL                     -- encrypted (enc:v1:...)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_contacts_no_update BEFORE UPDATE ON audit_contacts
BEGIN
  SELECT RAISE(ABORT, 'audit_contacts is append-only');
END;
CREATE TRIGGER audit_contacts_no_delete BEFORE DELETE ON audit_contacts
BEGIN
  SELECT RAISE(ABORT, 'audit_contacts is append-only');
END;
-- Only key rotation rewrites an address (same plaintext, new key); nothing moves or removes one.
CREATE TRIGGER audit_clients_no_move BEFORE UPDATE OF audit_id ON audit_clients
BEGIN
  SELECT RAISE(ABORT, 'audit_clients rows stay with their entry');
END;
CREATE TRIGGER audit_clients_no_delete BEFORE DELETE ON audit_clients
BEGIN
  SELECT RAISE(ABORT, 'audit_clients is append-only');
END;
