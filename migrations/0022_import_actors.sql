-- An import is made by an API key or, from a CSV in the console, by an operator: the imports
-- table records which. api_key_id was NOT NULL, which SQLite cannot alter in place, so the table
-- is rebuilt with every row kept (nothing references it; it is not the ledger, whose events name
-- their actor themselves and are left as they are). Exactly one of the two columns is set.
CREATE TABLE imports_new (
  site_id TEXT NOT NULL REFERENCES sites (id),
  id TEXT NOT NULL,                    -- chosen by the client; the console derives it from the content
  body_sha256 TEXT NOT NULL,           -- SHA-256 of the validated request body
  item_count INTEGER NOT NULL,
  api_key_id TEXT,                     -- the API key that made it ("admin": ADMIN_API_KEY)
  operator_id TEXT REFERENCES operators (id), -- or the console operator who uploaded it
  result TEXT NOT NULL,                -- JSON of the answer (no addresses)
  created_at TEXT NOT NULL,
  PRIMARY KEY (site_id, id),
  CHECK ((api_key_id IS NULL) <> (operator_id IS NULL))
);
INSERT INTO imports_new (site_id, id, body_sha256, item_count, api_key_id, operator_id, result, created_at)
  SELECT site_id, id, body_sha256, item_count, api_key_id, NULL, result, created_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;
