// Row types as better-sqlite3 and D1 really return them (Kysely converts nothing):
// text as string, integers as number, JSON columns as their text.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type ConsentStatus = 'pending' | 'granted' | 'withdrawn';
/** resubscribed: START gave back what STOP withdrew; replied: an inbound SMS that changed no consent (migration 0024). */
export type ConsentAction = 'requested' | 'confirmed' | 'granted' | 'withdrawn' | 'erased' | 'resubscribed' | 'replied';
export type CategoryKind = 'opt_in' | 'exempt';
export type Channel = 'email' | 'sms';
export type ConsentBasis = 'express' | 'implied_purchase' | 'implied_inquiry' | 'business_card' | 'existing_customer';
export type TermsChange = 'minor' | 'material';

export interface SitesTable {
  id: string;
  name: string;
  legal_name: string;
  postal_address: string;
  inquiry_contact: string;
  sender_address: string | null;
  privacy_policy_url: string;
  privacy_policy_version: string;
  default_locale: string;
  time_zone: string;
  created_at: string;
  /** JSON array of origins (migration 0008). */
  allowed_origins: Generated<string>;
  /** #rrggbb for buttons and links; NULL: ours (migration 0023). */
  accent_color: string | null;
  /** Names the logo in site_logos in URLs; NULL: no logo (migration 0023). */
  logo_version: string | null;
  /** ISO 3166 alpha-2 of numbers typed without a country code; NULL: such numbers are refused (migration 0024). */
  default_country: string | null;
  /** 1: the SMS boxes say "Msg & data rates may apply" (migration 0024). */
  sms_rates_notice: Generated<number>;
}

export interface SmsCodesTable {
  id: string;
  site_id: string;
  contact_id: string;
  number_hash: string;
  /** Keyed hash of the 6 digits: the code itself is never stored. */
  code_hash: string;
  /** JSON array of the category keys it confirms. */
  categories: string;
  attempts: Generated<number>;
  created_at: string;
  expires_at: string;
  spent_at: string | null;
}

export interface OptOutCodesTable {
  code: string;
  site_id: string;
  contact_id: string;
  channel: 'sms';
  /** A category key, or '*' for every category. */
  scope: string;
  created_at: string;
}

/** One inbound SMS per provider message id, written with its events (migration 0026). */
export interface SmsInboundTable {
  provider: 'twilio' | 'generic';
  message_id: string;
  kind: 'stop' | 'start' | 'help' | 'other';
  received_at: string;
  /** The batch that recorded it: its other statements run only where this is theirs. */
  change_id: string;
}

export interface SiteLogosTable {
  site_id: string;
  content_type: string;
  /** base64url */
  data: string;
  version: string;
  updated_at: string;
}

export interface CategoriesTable {
  site_id: string;
  key: string;
  kind: CategoryKind;
  position: number;
  created_at: string;
  /** Hidden from the signup and preference pages since then; NULL while in use (migration 0008). */
  archived_at: Generated<string | null>;
  /** JSON array of the channels it is offered on (migration 0024). */
  channels: Generated<string>;
}

export interface CategoryTranslationsTable {
  site_id: string;
  category_key: string;
  locale: string;
  name: string;
  description: string;
  purpose: string;
  frequency: string;
}

export interface ContactsTable {
  id: string;
  site_id: string;
  email: string;
  email_hash: string;
  name: string | null;
  locale: string;
  confirmed_at: string | null;
  created_at: string;
  updated_at: string;
  token_epoch: Generated<number>;
  /** The erasure batch that blanked this contact (migration 0011). */
  erasure_id: Generated<string | null>;
  /** The latest send to the contact: the retention hold runs from it (migration 0013). */
  last_sent_at: Generated<string | null>;
  /** When an erased contact's held evidence was removed at the end of its hold (migration 0013). */
  evidence_purged_at: Generated<string | null>;
  /** E.164, encrypted; NULL: no number (migration 0024). */
  phone: Generated<string | null>;
  /** Keyed hash of the number (sms/phone.ts), unique per site; NULL: no number. */
  phone_hash: Generated<string | null>;
}

export interface ConsentTextsTable {
  sha256: string;
  text: string;
  locale: string;
  policy_version: string;
  created_at: string;
}

export interface ConsentEventsTable {
  id: Generated<number>;
  site_id: string;
  contact_id: string;
  category_key: string;
  channel: Channel;
  action: ConsentAction;
  method: string;
  occurred_at: string;
  source_url: string | null;
  consent_text_sha256: string | null;
  policy_version: string | null;
  locale: string;
  evidence_mac: string | null;
  /** Who recorded the event for the person: "api_key:<id>" (migration 0009), "operator:<id>" (a console import); NULL: themselves. */
  actor: Generated<string | null>;
  /** An import's consent basis (migration 0014); NULL: the person's own act here, express. */
  basis: Generated<ConsentBasis | null>;
  /** The purchase or inquiry date (YYYY-MM-DD) an implied basis runs from (migration 0014). */
  relationship_at: Generated<string | null>;
  /** The form a signup was submitted from (migration 0015); NULL: none, or recorded before. */
  form_sha256: Generated<string | null>;
  /** How many of the contact's events came before it (migration 0015); NULL: recorded before. */
  contact_seq: Generated<number | null>;
}

export type OperatorRole = 'owner' | 'editor' | 'viewer';

/** Someone who works in the console (migration 0019). */
export interface OperatorsTable {
  id: string;
  /** Encrypted (field-cipher). */
  email: string;
  email_hash: string;
  role: OperatorRole;
  /** null: every site. */
  site_id: string | null;
  password_hash: string | null;
  setup_token_sha256: string | null;
  setup_expires_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}
export type OperatorRow = Selectable<OperatorsTable>;

export interface OperatorSessionsTable {
  id_sha256: string;
  operator_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** Maintenance a start may skip because it is done (migration 0016). */
export interface MaintenanceMarksTable {
  name: 'encrypted_under';
  value: string;
  updated_at: string;
}

/** A signup form exactly as we showed it, once per SHA-256 of its content (migration 0015). */
export interface FormsTable {
  sha256: string;
  site_id: string;
  door: 'hosted' | 'iframe' | 'html' | 'script';
  locale: string;
  template_version: string;
  content_type: string;
  content: string;
  consent_text_sha256: string;
  created_at: string;
}

export interface EventEvidenceTable {
  event_id: number;
  /** Encrypted. */
  ip: string | null;
  /** Encrypted. */
  user_agent: string | null;
  /** Encrypted free-text evidence of an import (migration 0009). */
  note: Generated<string | null>;
}

export interface LedgerSealsTable {
  event_id: number;
  hash: string;
  sealed_at: string;
}

export interface ConsentsTable {
  contact_id: string;
  category_key: string;
  channel: Channel;
  site_id: string;
  status: ConsentStatus;
  updated_at: string;
  /** The batch that last changed it, for the guards of the batch's later statements (migration 0011). */
  change_id: Generated<string | null>;
}

export interface ConfirmationsTable {
  id: string;
  site_id: string;
  contact_id: string;
  categories: string;
  created_at: string;
  expires_at: string;
  spent_at: string | null;
}

export type OutboxStatus = 'queued' | 'sent' | 'failed';

export interface OutboxTable {
  id: string;
  site_id: string | null;
  contact_id: string | null;
  kind: string;
  from_address: string;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  headers: string;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
  /** Keyed hash of the recipient's mailbox, for per-mailbox limits (migration 0011). */
  mailbox_hash: Generated<string | null>;
}

/** One fixed window of one per-IP bucket; the address itself is never stored. */
export interface RateLimitsTable {
  bucket: string;
  window_start: string;
  expires_at: string;
  count: number;
}

export interface DevMailboxTable {
  id: string;
  from_address: string;
  to_addresses: string;
  subject: string;
  html: string;
  text: string;
  headers: string;
  created_at: string;
}

/** Every SMS, queued in the batch that causes it and sent later (migration 0025). */
export interface SmsOutboxTable {
  /** Our message id. */
  id: string;
  site_id: string | null;
  contact_id: string | null;
  kind: string;
  /** E.164, encrypted; '' once the recipient is erased. */
  to_number: string;
  /** Keyed hash of the number: the per-number limits count by it. */
  number_hash: string;
  body: string;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** Not sent after this; NULL: no end. */
  expires_at: string | null;
  /** Since when an attempt may have reached the provider with no answer we saw; NULL: none did. */
  in_doubt_since: string | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
}

/** What the dev outbox "sent" (a local trial without Twilio). */
export interface DevSmsTable {
  id: string;
  from_number: string;
  /** Encrypted. */
  to_number: string;
  body: string;
  created_at: string;
}

export type SmsOutboxRow = Selectable<SmsOutboxTable>;
export type DevSmsRow = Selectable<DevSmsTable>;

/** How the API answered a request, for the audit log (migration 0012; older rows: allowed). */
export type AuditOutcome = 'allowed' | 'no_key' | 'wrong_key' | 'other_site' | 'throttled';

export interface AuditLogTable {
  id: Generated<number>;
  /** The key that authenticated; refused: the id part of a well-formed key, or null. */
  key_id: string | null;
  method: string;
  route: string;
  site_id: string | null;
  contact_id: string | null;
  status: number;
  occurred_at: string;
  outcome: AuditOutcome;
  /** Refused authentications: the attempt's number in its client's window. */
  attempt: number | null;
  /** The console operator who made the request (migration 0021); null: an API request. */
  operator_id: ColumnType<string | null, string | null | undefined, never>;
}

/** Every contact a bulk request (an import) named; append-only. */
export interface AuditContactsTable {
  contact_id: string;
  audit_id: number;
}

/** The client address of an audit entry, encrypted; re-encrypted on key rotation. */
export interface AuditClientsTable {
  audit_id: number;
  ip: string;
}

export interface ApiKeysTable {
  id: string;
  site_id: string | null;
  secret_hash: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** An erased address, as its lookup hash; lifted (deleted) when the address confirms again. */
export interface SuppressionsTable {
  id: Generated<number>;
  site_id: string;
  email_hash: string;
  contact_id: string | null;
  created_at: string;
}

export type WebhookDeliveryStatus = 'queued' | 'delivered' | 'failed';

export interface WebhookEndpointsTable {
  id: string;
  site_id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  /** Encrypted whsec_... secret. */
  secret: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** One campaign sent to one contact for one category (append-only). */
export interface SendsTable {
  id: Generated<number>;
  site_id: string;
  campaign: string;
  contact_id: string;
  category_key: string;
  channel: Generated<Channel>;
  sent_at: string;
  recorded_by: string | null;
}

/** A change of a category's purpose or frequency in one locale (migration 0014); append-only. */
export interface CategoryTermsVersionsTable {
  id: Generated<number>;
  site_id: string;
  category_key: string;
  locale: string;
  change: TermsChange;
  purpose: string;
  frequency: string;
  /** NULL: the locale had no text before. */
  previous_purpose: string | null;
  previous_frequency: string | null;
  changed_at: string;
}

/** A sender identity a site had until replaced_at (migration 0014); append-only. */
export interface SiteIdentityHistoryTable {
  id: Generated<number>;
  site_id: string;
  legal_name: string;
  postal_address: string;
  inquiry_contact: string;
  replaced_at: string;
}

export interface Database {
  sites: SitesTable;
  site_logos: SiteLogosTable;
  sms_codes: SmsCodesTable;
  opt_out_codes: OptOutCodesTable;
  sms_inbound: SmsInboundTable;
  categories: CategoriesTable;
  category_translations: CategoryTranslationsTable;
  contacts: ContactsTable;
  consent_texts: ConsentTextsTable;
  consent_events: ConsentEventsTable;
  event_evidence: EventEvidenceTable;
  ledger_seals: LedgerSealsTable;
  consents: ConsentsTable;
  confirmations: ConfirmationsTable;
  outbox: OutboxTable;
  dev_mailbox: DevMailboxTable;
  sms_outbox: SmsOutboxTable;
  dev_sms: DevSmsTable;
  audit_log: AuditLogTable;
  audit_contacts: AuditContactsTable;
  audit_clients: AuditClientsTable;
  api_keys: ApiKeysTable;
  rate_limits: RateLimitsTable;
  suppressions: SuppressionsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  imports: ImportsTable;
  sends: SendsTable;
  category_terms_versions: CategoryTermsVersionsTable;
  site_identity_history: SiteIdentityHistoryTable;
  forms: FormsTable;
  maintenance_marks: MaintenanceMarksTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
}

export interface ImportsTable {
  site_id: string;
  id: string;
  body_sha256: string;
  item_count: number;
  /** The API key that made it, or (migration 0022) null for an operator's console import. */
  api_key_id: string | null;
  operator_id: string | null;
  result: string;
  created_at: string;
}

export type SiteRow = Selectable<SitesTable>;
export type ContactRow = Selectable<ContactsTable>;
export type ConsentRow = Selectable<ConsentsTable>;
export type ConsentEventRow = Selectable<ConsentEventsTable>;
export type NewConsentEvent = Insertable<ConsentEventsTable>;
export type ConfirmationRow = Selectable<ConfirmationsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type DevMailRow = Selectable<DevMailboxTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type FormRow = Selectable<FormsTable>;
