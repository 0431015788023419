-- The people who work in the console (/admin). An operator's address is personal data: stored
-- encrypted, found by its lookup hash like a contact's. A password is set through a one-time
-- setup link (its token's SHA-256 is kept, never the token) and kept as a PBKDF2 hash.
CREATE TABLE operators (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  email_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  -- NULL: every site (an owner always); otherwise the one site an editor or viewer works on.
  site_id TEXT REFERENCES sites (id),
  password_hash TEXT,
  setup_token_sha256 TEXT UNIQUE,
  setup_expires_at TEXT,
  disabled_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (role != 'owner' OR site_id IS NULL)
);

-- A signed-in browser: the SHA-256 of its cookie's value, never the value. It ends after eight
-- hours without a request, on sign-out, and when its operator is disabled or reset.
CREATE TABLE operator_sessions (
  id_sha256 TEXT PRIMARY KEY,
  operator_id TEXT NOT NULL REFERENCES operators (id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
