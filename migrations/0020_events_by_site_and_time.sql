-- The console's figures count a site's ledger events of the last 30 days: an index by site and
-- time keeps that a range read, however long the ledger.
CREATE INDEX consent_events_site_time ON consent_events (site_id, occurred_at);
