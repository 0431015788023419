-- assent core schema. Applied by wrangler on D1 and by src/db/migrate.ts on Node; both record
-- the file name in d1_migrations. No BEGIN/COMMIT here: the runner wraps each file.
-- Timestamps are ISO 8601 UTC text with milliseconds; booleans would be 0/1.

CREATE TABLE sites (
  id TEXT PRIMARY KEY,                 -- the key in URLs: /s/{id}
  name TEXT NOT NULL,
  legal_name TEXT NOT NULL,
  postal_address TEXT NOT NULL,
  inquiry_contact TEXT NOT NULL,
  sender_address TEXT,                 -- NULL: the service's MAIL_FROM
  privacy_policy_url TEXT NOT NULL,
  privacy_policy_version TEXT NOT NULL,
  default_locale TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE categories (
  site_id TEXT NOT NULL REFERENCES sites (id),
  key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('opt_in', 'exempt')),
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (site_id, key)
);

CREATE TABLE category_translations (
  site_id TEXT NOT NULL,
  category_key TEXT NOT NULL,
  locale TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  purpose TEXT NOT NULL,
  frequency TEXT NOT NULL,
  PRIMARY KEY (site_id, category_key, locale),
  FOREIGN KEY (site_id, category_key) REFERENCES categories (site_id, key)
);

CREATE TABLE contacts (
  id TEXT PRIMARY KEY,                 -- opaque, random
  site_id TEXT NOT NULL REFERENCES sites (id),
  email TEXT NOT NULL,                 -- as typed (trimmed)
  email_hash TEXT NOT NULL,            -- HMAC-SHA256 of the normalised address, hex
  name TEXT,
  locale TEXT NOT NULL,
  confirmed_at TEXT,                   -- first confirmation; from then on signups keep name and locale
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (site_id, email_hash)
);

-- The exact wording a form showed, stored once per SHA-256 of the text.
CREATE TABLE consent_texts (
  sha256 TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  locale TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- The append-only ledger. Its id is the ledger order.
CREATE TABLE consent_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  category_key TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email')),
  action TEXT NOT NULL CHECK (action IN ('requested', 'confirmed', 'granted', 'withdrawn')),
  method TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  source_url TEXT,
  ip TEXT,
  user_agent TEXT,
  consent_text_sha256 TEXT REFERENCES consent_texts (sha256),
  policy_version TEXT,
  locale TEXT NOT NULL
);
CREATE INDEX consent_events_contact ON consent_events (contact_id, id);

-- Evidence is never rewritten: the database itself refuses it.
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;

-- Current state, written in the same batch as the event that changes it.
CREATE TABLE consents (
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  category_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  site_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'withdrawn')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (contact_id, category_key, channel)
);

-- Double opt-in links: single use, expiring, naming their categories.
CREATE TABLE confirmations (
  id TEXT PRIMARY KEY,                 -- the token's jti
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  categories TEXT NOT NULL,            -- JSON array of category keys
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  spent_at TEXT
);

-- Every email goes through here; the sender loop delivers it. id is the idempotency key.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  site_id TEXT,
  contact_id TEXT,
  kind TEXT NOT NULL,                  -- 'confirmation', ...
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  headers TEXT NOT NULL,               -- JSON object
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  provider_id TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recent ON outbox (contact_id, kind, created_at);

-- What the dev mailbox "delivered" (used only when RESEND_API_KEY is unset).
CREATE TABLE dev_mailbox (
  id TEXT PRIMARY KEY,
  from_address TEXT NOT NULL,
  to_addresses TEXT NOT NULL,          -- JSON array
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  headers TEXT NOT NULL,               -- JSON object
  created_at TEXT NOT NULL
);
