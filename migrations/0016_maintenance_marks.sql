-- What a start may skip because it is already done. `encrypted_under` names the ENCRYPTION_KEYS
-- id every stored personal value was under when the last complete re-encryption pass ended: a
-- start whose first key is that one has nothing to re-encrypt, and no longer reads every row of
-- every table holding personal data (seconds, with a million contacts) to find that out.
CREATE TABLE maintenance_marks (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
