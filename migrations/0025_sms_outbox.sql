-- Every SMS goes through here, as every email goes through outbox: written in the same batch as
-- the change that causes it, sent later by a sender that claims due rows (mail/due-work.ts).
-- id is our message id. to_number: the E.164 number, encrypted like outbox.to_address ('' once
-- the recipient is erased). number_hash: the number's keyed lookup hash, which the limits on
-- verification codes per number count by inside the write that queues one.
-- in_doubt_since: set while an attempt may have reached the provider without our knowing its
-- outcome (a timeout, a 5xx, a sender that died mid-send); the next attempt first asks Twilio
-- whether the message exists, since Twilio's Messages API takes no idempotency key.
-- expires_at: not sent after this (a verification code is worthless once it has expired).
CREATE TABLE sms_outbox (
  id TEXT PRIMARY KEY,
  site_id TEXT,
  contact_id TEXT,
  kind TEXT NOT NULL,
  to_number TEXT NOT NULL,
  number_hash TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  expires_at TEXT,
  in_doubt_since TEXT,
  last_error TEXT,
  provider_id TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX sms_outbox_due ON sms_outbox (status, next_attempt_at);
CREATE INDEX sms_outbox_number ON sms_outbox (number_hash, kind, created_at);

-- What the dev outbox "sent" (a local trial without Twilio), shown at /dev/mailbox.
CREATE TABLE dev_sms (
  id TEXT PRIMARY KEY,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,             -- encrypted
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
