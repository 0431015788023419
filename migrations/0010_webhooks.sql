-- Webhooks: per site, endpoints that hear about consent changes and erasures. Deliveries are
-- queued in the same batch as the change (like the outbox) and sent later with retries.
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,                -- JSON array of event types, e.g. ["consent.granted"]
  secret TEXT NOT NULL,                -- whsec_..., encrypted (enc:v1:...)
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id);

-- One row per event per endpoint; its id is the webhook-id header, the same on every retry.
-- The payload holds no personal data beyond the contact id.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,               -- the exact JSON body, signed anew on each attempt
  status TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_attempt_at TEXT,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
