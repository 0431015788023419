-- Who read or changed personal data through the operator API: key, route, contact, time.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,                 -- the route pattern, e.g. /api/v1/sites/:site/contacts/lookup
  site_id TEXT,
  contact_id TEXT,                     -- NULL when the request found no contact
  status INTEGER NOT NULL,
  occurred_at TEXT NOT NULL
);
CREATE INDEX audit_log_contact ON audit_log (contact_id, id);
