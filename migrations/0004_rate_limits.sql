-- Per-IP fixed-window counters for the signup form and the link pages (list-bombing and
-- token guessing). The client's address is never stored: `bucket` is the scope and an
-- HMAC-SHA256 of the address keyed with LOOKUP_KEY. A row is one window of one bucket;
-- windows that have ended are deleted by the app when a new window starts (expires_at index).
CREATE TABLE rate_limits (
  bucket TEXT NOT NULL,                -- "{scope}:{hmac hex}"
  window_start TEXT NOT NULL,          -- ISO 8601 UTC, a multiple of the window length
  expires_at TEXT NOT NULL,            -- window_start + the window length
  count INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
