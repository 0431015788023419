-- Imports of consents collected elsewhere (paper, in store, at an event, in an app, a previous
-- system), through POST /api/v1/sites/{site}/imports.
--
-- consent_events.actor: who recorded the event when it was not the person themselves, e.g.
-- "api_key:<id>" for an import. NULL for every earlier event and for the person's own actions.
-- Adding a column keeps every row and id, so no rebuild is needed; the seal covers the actor
-- only when it is not NULL, so events sealed before this migration still verify.
ALTER TABLE consent_events ADD COLUMN actor TEXT;

-- The free-text evidence an import gives for an event ("signed form #1234, kept at the shop").
-- It may name people, so it is personal evidence like the IP and user agent: stored encrypted
-- next to them (erasure deletes it with them) and bound to the ledger row by evidence_mac.
ALTER TABLE event_evidence ADD COLUMN note TEXT;

-- One row per import: re-sending the same import id changes nothing and answers the stored
-- result; a different body under a used id is refused.
CREATE TABLE imports (
  site_id TEXT NOT NULL REFERENCES sites (id),
  id TEXT NOT NULL,                    -- chosen by the client
  body_sha256 TEXT NOT NULL,           -- SHA-256 of the validated request body
  item_count INTEGER NOT NULL,
  api_key_id TEXT NOT NULL,
  result TEXT NOT NULL,                -- JSON of the answer (no addresses)
  created_at TEXT NOT NULL,
  PRIMARY KEY (site_id, id)
);
