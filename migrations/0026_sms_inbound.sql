-- Inbound SMS (issue 14), once per provider message: a provider delivers a webhook again when it
-- did not see our answer, and the second delivery must change nothing. The row is written in the
-- same batch as the message's ledger events, and every other statement of that batch runs only
-- where the row is the batch's own (change_id), so of two deliveries at once one records it.
-- No site and no number: one sending number serves every site, and the message's text is kept
-- encrypted with its events (event_evidence.note). kind: what classifyReply read it as.
-- received_at: when we first saw it (a retention job may drop old rows by it).
CREATE TABLE sms_inbound (
  provider TEXT NOT NULL CHECK (provider IN ('twilio', 'generic')),
  message_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('stop', 'start', 'help', 'other')),
  received_at TEXT NOT NULL,
  change_id TEXT NOT NULL,
  PRIMARY KEY (provider, message_id)
);
CREATE INDEX sms_inbound_received ON sms_inbound (received_at);
