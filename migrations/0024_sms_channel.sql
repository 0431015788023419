-- SMS beside email (issue 14): a contact may have a mobile number, a category lists the channels
-- it is offered on, the ledger records SMS consent and replies, a number is confirmed by a code,
-- and every SMS carries a short opt-out link.
--
-- contacts: the number in E.164, encrypted like the address, and found by a keyed hash
-- (sms/phone.ts phoneLookupHash, domain-separated from address hashes). A contact with a number
-- and no address keeps the encryption of an empty address in `email` (erasure blanks `email` to
-- '', which marks an erased contact everywhere) and 'none:' || its id in `email_hash`, which no
-- address hashes to, so the per-site uniqueness of addresses still holds.
ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN phone_hash TEXT;
CREATE UNIQUE INDEX contacts_phone ON contacts (site_id, phone_hash) WHERE phone_hash IS NOT NULL;

-- categories: the channels each is offered on, a JSON array; every existing one is email only.
ALTER TABLE categories ADD COLUMN channels TEXT NOT NULL DEFAULT '["email"]';

-- sites: the country a number typed without +country code belongs to (ISO 3166 alpha-2; NULL:
-- such numbers are refused), and whether its SMS boxes say "Msg & data rates may apply".
ALTER TABLE sites ADD COLUMN default_country TEXT;
ALTER TABLE sites ADD COLUMN sms_rates_notice INTEGER NOT NULL DEFAULT 0;

-- The ledger learns the channel 'sms' and two actions: 'resubscribed' (START after STOP gives
-- back what STOP withdrew) and 'replied' (an inbound SMS that changed no consent, HELP say: every
-- inbound message is an event, its text the evidence). SQLite cannot alter a CHECK, so the table
-- is rebuilt as in 0006: every column in the same order, every row with its id (the seals cover
-- ids and values, so they verify unchanged), event_evidence rebuilt alongside as it references
-- the ledger, the indexes and append-only triggers recreated. No PRAGMA, on Node or D1.
CREATE TABLE consent_events_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  category_key TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  action TEXT NOT NULL CHECK (action IN ('requested', 'confirmed', 'granted', 'withdrawn', 'erased', 'resubscribed', 'replied')),
  method TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  source_url TEXT,
  consent_text_sha256 TEXT REFERENCES consent_texts (sha256),
  policy_version TEXT,
  locale TEXT NOT NULL,
  evidence_mac TEXT,                   -- HMAC-SHA256(LOOKUP_KEY, JSON [ip, user agent]); NULL: none
  actor TEXT,
  basis TEXT,
  relationship_at TEXT,
  form_sha256 TEXT REFERENCES forms (sha256),
  contact_seq INTEGER
);

INSERT INTO consent_events_new (id, site_id, contact_id, category_key, channel, action, method, occurred_at,
    source_url, consent_text_sha256, policy_version, locale, evidence_mac, actor, basis, relationship_at, form_sha256, contact_seq)
  SELECT id, site_id, contact_id, category_key, channel, action, method, occurred_at,
    source_url, consent_text_sha256, policy_version, locale, evidence_mac, actor, basis, relationship_at, form_sha256, contact_seq
  FROM consent_events ORDER BY id;

-- Ids never go back: an id handed out once (even by a rolled-back insert) is not reused.
UPDATE sqlite_sequence
  SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'consent_events'))
  WHERE name = 'consent_events_new';

CREATE TABLE event_evidence_new (
  event_id INTEGER PRIMARY KEY REFERENCES consent_events_new (id),
  ip TEXT,                             -- encrypted (enc:v1:...)
  user_agent TEXT,                     -- encrypted
  note TEXT                            -- encrypted: an import's evidence, an inbound SMS's text
);
INSERT INTO event_evidence_new (event_id, ip, user_agent, note) SELECT event_id, ip, user_agent, note FROM event_evidence;

DROP TABLE event_evidence;
DROP TABLE consent_events;
ALTER TABLE consent_events_new RENAME TO consent_events;
ALTER TABLE event_evidence_new RENAME TO event_evidence;

CREATE INDEX consent_events_contact ON consent_events (contact_id, id);
CREATE INDEX consent_events_site_time ON consent_events (site_id, occurred_at);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
  SELECT RAISE(ABORT, 'consent_events is append-only');
END;

-- A number's confirmation code: 6 digits, kept as a keyed hash (never in clear), 10 minutes,
-- 5 tries. Counted by number for the limits (3 an hour, 10 a day), inside the write that sends one.
CREATE TABLE sms_codes (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  number_hash TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  categories TEXT NOT NULL,            -- JSON array of the category keys it confirms
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  spent_at TEXT
);
CREATE INDEX sms_codes_number ON sms_codes (number_hash, created_at);
CREATE INDEX sms_codes_contact ON sms_codes (contact_id, created_at);

-- The short opt-out link of an SMS, {BASE_URL}/x/{code}: a JWT is too long for a text message,
-- so a random code stands for the contact, the channel and what it stops ('*': every category).
CREATE TABLE opt_out_codes (
  code TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  channel TEXT NOT NULL CHECK (channel IN ('sms')),
  scope TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX opt_out_codes_contact ON opt_out_codes (contact_id, scope);
