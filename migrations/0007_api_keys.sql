-- Operator API keys (ADMIN_API_KEY stays as the all-sites bootstrap key). Only a hash of each
-- key is stored; the key itself is shown once, when it is created.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,                 -- the public part of the key: assent_{id}_{secret}
  site_id TEXT,                        -- NULL: every site
  secret_hash TEXT NOT NULL,           -- SHA-256 of the secret part, hex
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
