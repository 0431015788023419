-- Every consent has a basis, changed terms are tracked, and the sender identity is kept as it
-- was at each event (issue 10, items 3 and 4).

-- The basis an import states for its consent: express, implied_purchase, implied_inquiry,
-- business_card or existing_customer. NULL for every earlier event and for the person's own
-- acts on our pages (signup, double opt-in, preference page), which are express by how they
-- were made. Columns on the ledger row rather than in event_evidence: the basis decides whether
-- mail may be sent, so the seal must cover it, and it is not personal data, so an erasure keeps
-- it with the rest of the event. The seal covers them only when set (as with actor, 0009), so
-- events sealed before this migration still verify.
ALTER TABLE consent_events ADD COLUMN basis TEXT;
-- The purchase or inquiry date (YYYY-MM-DD) an implied consent runs from; NULL otherwise.
ALTER TABLE consent_events ADD COLUMN relationship_at TEXT;

-- Each change of a category's purpose or frequency, per locale, with the operator's verdict:
-- after a material one, consents granted before it no longer allow mail until granted again.
-- previous_*: the text before (NULL: the locale had none, its readers saw the default locale's).
CREATE TABLE category_terms_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL,
  category_key TEXT NOT NULL,
  locale TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('minor', 'material')),
  purpose TEXT NOT NULL,
  frequency TEXT NOT NULL,
  previous_purpose TEXT,
  previous_frequency TEXT,
  changed_at TEXT NOT NULL,
  FOREIGN KEY (site_id, category_key) REFERENCES categories (site_id, key)
);
CREATE INDEX category_terms_versions_category ON category_terms_versions (site_id, category_key, change, changed_at);

-- The sender identity a site had before each change of it: in force until replaced_at. The
-- current one is the site's row; an event's is the first entry replaced after it, or the
-- site's row when none was. A site without entries has always had its current identity (as
-- far as this database knows: changes made before this migration were not recorded).
CREATE TABLE site_identity_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  legal_name TEXT NOT NULL,
  postal_address TEXT NOT NULL,
  inquiry_contact TEXT NOT NULL,
  replaced_at TEXT NOT NULL
);
CREATE INDEX site_identity_history_site ON site_identity_history (site_id, replaced_at);

-- Both are evidence: rows are never changed or removed.
CREATE TRIGGER category_terms_versions_no_update BEFORE UPDATE ON category_terms_versions
BEGIN
  SELECT RAISE(ABORT, 'category_terms_versions is append-only');
END;
CREATE TRIGGER category_terms_versions_no_delete BEFORE DELETE ON category_terms_versions
BEGIN
  SELECT RAISE(ABORT, 'category_terms_versions is append-only');
END;
CREATE TRIGGER site_identity_history_no_update BEFORE UPDATE ON site_identity_history
BEGIN
  SELECT RAISE(ABORT, 'site_identity_history is append-only');
END;
CREATE TRIGGER site_identity_history_no_delete BEFORE DELETE ON site_identity_history
BEGIN
  SELECT RAISE(ABORT, 'site_identity_history is append-only');
END;
