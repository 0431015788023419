-- The screen the person saw, and proof bundles that verify without us (issue 10, items 6 and 7).

-- The exact form we showed: the hosted page's and the iframe page's HTML, the plain-form
-- snippet's HTML, or for the script embed the form.json document its script rendered. Stored
-- once per SHA-256 of the content, with its language and the template that made it. It holds no
-- personal data (the form as first shown, before anyone typed in it), so erasure leaves it.
-- Append-only, like the wording it shows: an event that points at it must always find it.
CREATE TABLE forms (
  sha256 TEXT PRIMARY KEY,             -- SHA-256 of content, hex
  site_id TEXT NOT NULL REFERENCES sites (id),
  door TEXT NOT NULL CHECK (door IN ('hosted', 'iframe', 'html', 'script')),
  locale TEXT NOT NULL,
  template_version TEXT NOT NULL,      -- which of our templates made it, e.g. signup-page/1, embed.js/<hash>
  content_type TEXT NOT NULL,          -- text/html; application/json for the script embed's form.json
  content TEXT NOT NULL,
  consent_text_sha256 TEXT NOT NULL REFERENCES consent_texts (sha256), -- the wording it shows
  created_at TEXT NOT NULL
);
CREATE TRIGGER forms_no_update BEFORE UPDATE ON forms
BEGIN
  SELECT RAISE(ABORT, 'forms is append-only');
END;
CREATE TRIGGER forms_no_delete BEFORE DELETE ON forms
BEGIN
  SELECT RAISE(ABORT, 'forms is append-only');
END;

-- The form a signup submission came from; NULL for every earlier event and for events without
-- a form (confirmations, withdrawals, imports).
ALTER TABLE consent_events ADD COLUMN form_sha256 TEXT REFERENCES forms (sha256);

-- How many of the same contact's events came before this one (0 for its first), counted inside
-- the write. A contact's events are not neighbours in the ledger, so a proof bundle cannot show
-- by the chain alone that one was cut out of it; this number, under the seal, can. NULL for
-- earlier events.
ALTER TABLE consent_events ADD COLUMN contact_seq INTEGER;

-- Both columns join an event's sealed canonical form only when they are set, so every event
-- sealed before this migration keeps its hash and the chain still verifies.
