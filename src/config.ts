// Parses the environment once into a frozen, typed Config. A bad value throws a ConfigError that
// names the variable, so a misconfigured server never starts half-right.
import { isSenderAddress } from './mail/header-values.ts';
import { parseCidr, type Cidr } from './net/ip-address.ts';

export interface TokenKey {
  kid: string;
  secret: string;
}

export interface EncryptionKey {
  kid: string;
  /** 32 bytes for AES-256-GCM. */
  key: Uint8Array<ArrayBuffer>;
}

export interface Config {
  port: number;
  baseUrl: string;
  databasePath: string;
  /** The first key signs; every key verifies (rotation without breaking mailed links). */
  tokenSecrets: readonly TokenKey[];
  /** Keys the HMAC of normalised addresses; changing it orphans every contact lookup. */
  lookupKey: string;
  /** The first key encrypts personal data; every key decrypts (rotation). */
  encryptionKeys: readonly EncryptionKey[];
  resendApiKey: string | null;
  /**
   * Keep mail in the database and show it at /dev/mailbox instead of sending it: only without
   * RESEND_API_KEY, and only on a local BASE_URL (the page shows every recipient and live links).
   */
  devMailbox: boolean;
  mailFrom: string;
  adminApiKey: string | null;
  confirmTtlSeconds: number;
  /** Lifetime of manage and unsubscribe links; null: they do not expire (revoke per contact). */
  linkTtlSeconds: number | null;
  /** Unconfirmed sign-ups older than this lose their personal data (retention job). */
  unconfirmedRetentionSeconds: number;
  /** An erased contact that was mailed keeps its consent evidence this long after the last send. */
  evidenceRetentionSeconds: number;
  /** Per-IP limits: POST /s/{site}, and every request to a link page (/c/, /u/, /p/). */
  rateLimits: Readonly<{ signup: RateLimit; links: RateLimit; api: RateLimit; apiAuth: RateLimit; login: RateLimit; loginAccount: RateLimit }>;
  /** Cloudflare Turnstile on the signup form; null: off. */
  turnstile: Turnstile | null;
  /** Peers whose X-Forwarded-For is believed (reverse proxies); empty: the header is ignored. */
  trustedProxies: readonly Cidr[];
  /** Webhooks may reach 127/8, ::1 and localhost (local development and tests only). */
  webhookAllowLoopback: boolean;
  /** Twilio's account, token and sender; null: no Twilio (SMS to the dev outbox, or off). */
  twilio: Twilio | null;
  /**
   * Keep SMS in the database and show them at /dev/mailbox instead of sending them: only without
   * Twilio, and only on a local BASE_URL (the page shows every number and code).
   */
  devSms: boolean;
  /** Whether SMS can be sent at all (Twilio, or the dev outbox): without it, SMS sign-ups are refused. */
  smsEnabled: boolean;
  /** SMS_INBOUND_SECRET: the whsec_ secret another gateway signs inbound SMS with; null: /sms/inbound/generic refuses all. */
  smsInboundSecret: string | null;
}

export interface Twilio {
  accountSid: string;
  /** Signs Basic auth on the API, and verifies X-Twilio-Signature on inbound webhooks. */
  authToken: string;
  /** An E.164 number or an alphanumeric sender id. */
  from: string;
  /** TWILIO_BASE_URL; null: https://api.twilio.com. */
  baseUrl: string | null;
}

/** At most `limit` requests per fixed window of `windowSeconds`. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface Turnstile {
  siteKey: string;
  secretKey: string;
  verifyUrl: string;
}

export const DEFAULT_TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

export type Env = Record<string, string | undefined>;

/** Secrets the Node entry generated and persisted because the environment had none. */
export interface GeneratedSecrets {
  TOKEN_SECRETS: string;
  LOOKUP_KEY: string;
  ENCRYPTION_KEYS: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_MAIL_FROM = 'assent <onboarding@resend.dev>';
const MIN_SECRET_LENGTH = 32;
const MIN_ADMIN_KEY_LENGTH = 16;

export function parseConfig(env: Env, generated?: GeneratedSecrets): Config {
  const port = parsePort(value(env, 'PORT') ?? '3000');
  const baseUrl = parseBaseUrl(value(env, 'BASE_URL') ?? `http://localhost:${port}`);
  const resendApiKey = value(env, 'RESEND_API_KEY') ?? null;
  const twilio = parseTwilio(env);
  const devSms = twilio === null && isLocalBaseUrl(baseUrl);
  if (!resendApiKey && !isLocalBaseUrl(baseUrl)) {
    throw new ConfigError(
      'RESEND_API_KEY',
      `is required when BASE_URL (${baseUrl}) is not local: a public service needs a real mail provider, and the dev mailbox it would fall back to shows every recipient's address and links to anyone`,
    );
  }
  return Object.freeze({
    port,
    baseUrl,
    databasePath: value(env, 'DATABASE_PATH') ?? './data/consent.db',
    tokenSecrets: Object.freeze(
      parseTokenSecrets(required(env, 'TOKEN_SECRETS', generated?.TOKEN_SECRETS)),
    ),
    lookupKey: parseSecret('LOOKUP_KEY', required(env, 'LOOKUP_KEY', generated?.LOOKUP_KEY)),
    encryptionKeys: Object.freeze(
      parseEncryptionKeys(required(env, 'ENCRYPTION_KEYS', generated?.ENCRYPTION_KEYS)),
    ),
    resendApiKey,
    devMailbox: resendApiKey === null,
    mailFrom: parseMailFrom(value(env, 'MAIL_FROM') ?? DEFAULT_MAIL_FROM),
    adminApiKey: parseAdminKey(value(env, 'ADMIN_API_KEY')),
    confirmTtlSeconds: parseDuration('CONFIRM_TTL', value(env, 'CONFIRM_TTL') ?? '48h'),
    linkTtlSeconds: parseLinkTtl(value(env, 'LINK_TTL')),
    unconfirmedRetentionSeconds: parseDuration('UNCONFIRMED_RETENTION', value(env, 'UNCONFIRMED_RETENTION') ?? '30d', 86400, 3650 * 86400),
    // The Act on Specified Electronic Mail: at least a month after the last send (a year under
    // an administrative order, hence the default).
    evidenceRetentionSeconds: parseDuration('EVIDENCE_RETENTION', value(env, 'EVIDENCE_RETENTION') ?? '1y', 31 * 86400, 10 * 365 * 86400),
    rateLimits: Object.freeze({
      signup: parseRateLimit('RATE_LIMIT_SIGNUP', value(env, 'RATE_LIMIT_SIGNUP') ?? '20/10m'),
      links: parseRateLimit('RATE_LIMIT_LINKS', value(env, 'RATE_LIMIT_LINKS') ?? '300/10m'),
      api: parseRateLimit('RATE_LIMIT_API', value(env, 'RATE_LIMIT_API') ?? '600/1m'),
      apiAuth: parseRateLimit('RATE_LIMIT_API_AUTH', value(env, 'RATE_LIMIT_API_AUTH') ?? '20/10m'),
      login: parseRateLimit('RATE_LIMIT_LOGIN', value(env, 'RATE_LIMIT_LOGIN') ?? '20/15m'),
      loginAccount: parseRateLimit('RATE_LIMIT_LOGIN_ACCOUNT', value(env, 'RATE_LIMIT_LOGIN_ACCOUNT') ?? '5/15m'),
    }),
    turnstile: parseTurnstile(env),
    trustedProxies: parseTrustedProxies(value(env, 'TRUSTED_PROXIES')),
    webhookAllowLoopback: parseBoolean('WEBHOOK_ALLOW_LOOPBACK', value(env, 'WEBHOOK_ALLOW_LOOPBACK') ?? 'false'),
    twilio,
    devSms,
    smsEnabled: twilio !== null || devSms,
    smsInboundSecret: parseWebhookSecret('SMS_INBOUND_SECRET', value(env, 'SMS_INBOUND_SECRET')),
  });
}

/** A runtime with no dev mailbox or dev SMS outbox (Workers): mail and SMS go to providers only. */
export function withoutDevOutboxes(config: Config): Config {
  return Object.freeze({ ...config, devMailbox: false, devSms: false, smsEnabled: config.twilio !== null });
}

/** An empty variable counts as unset, as shells and .env files tend to produce them. */
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function required(env: Env, name: string, fallback: string | undefined): string {
  const found = value(env, name) ?? fallback;
  if (!found) throw new ConfigError(name, 'is required');
  return found;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 1 to 65535, got "${raw}"`);
  }
  return port;
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('BASE_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('BASE_URL', `must use http or https, got "${url.protocol}"`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('BASE_URL', 'must not carry a query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

function parseTokenSecrets(raw: string): TokenKey[] {
  const keys = raw.split(',').map((pair, index) => {
    const colon = pair.indexOf(':');
    const kid = pair.slice(0, colon).trim();
    const secret = pair.slice(colon + 1).trim();
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) {
      throw new ConfigError(
        'TOKEN_SECRETS',
        `entry ${index + 1} must be "kid:secret" with a kid of letters, digits, "-" or "_"`,
      );
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        'TOKEN_SECRETS',
        `the secret of "${kid}" must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    return { kid, secret };
  });
  const kids = new Set(keys.map((key) => key.kid));
  if (kids.size !== keys.length) throw new ConfigError('TOKEN_SECRETS', 'each kid must be unique');
  return keys;
}

function parseEncryptionKeys(raw: string): EncryptionKey[] {
  const keys = raw.split(',').map((pair, index) => {
    const colon = pair.indexOf(':');
    const kid = pair.slice(0, colon).trim();
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) {
      throw new ConfigError('ENCRYPTION_KEYS', `entry ${index + 1} must be "kid:base64key" with a kid of letters, digits, "-" or "_"`);
    }
    const key = decodeBase64(pair.slice(colon + 1).trim());
    if (key?.length !== 32) {
      throw new ConfigError('ENCRYPTION_KEYS', `the key of "${kid}" must be 32 bytes in base64 (openssl rand -base64 32)`);
    }
    return { kid, key };
  });
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new ConfigError('ENCRYPTION_KEYS', 'each kid must be unique');
  }
  return keys;
}

/** Standard or URL-safe base64; null when it is not base64. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

function parseSecret(name: string, raw: string): string {
  if (raw.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(name, `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return raw;
}

function parseAdminKey(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (raw.length < MIN_ADMIN_KEY_LENGTH) {
    throw new ConfigError('ADMIN_API_KEY', `must be at least ${MIN_ADMIN_KEY_LENGTH} characters`);
  }
  return raw;
}

function parseMailFrom(raw: string): string {
  // "Name <a@b.example>" or a bare address; no line breaks (header injection).
  if (!isSenderAddress(raw)) {
    throw new ConfigError('MAIL_FROM', `must be an address or "Name <address>", got "${raw}"`);
  }
  return raw;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };

/** Seconds, or a number with s/m/h/d/y: "3600", "90m", "48h", "2d", "1y" (365 days). */
export function parseDuration(name: string, raw: string, min = 60, max = 30 * 86400): number {
  const match = /^(\d+)\s*([smhdy]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
    throw new ConfigError(
      name,
      `must be a duration from ${describe(min)} to ${describe(max)} (seconds, or a number with s/m/h/d/y), got "${raw}"`,
    );
  }
  return seconds;
}

function describe(seconds: number): string {
  return seconds % 86400 === 0 ? `${seconds / 86400}d` : `${seconds}s`;
}

/** CASL wants unsubscribe links to work for 60 days after a send (CAN-SPAM 30): never less. */
const MIN_LINK_TTL = 60 * 86400;

function parseLinkTtl(raw: string | undefined): number | null {
  return raw === undefined ? null : parseDuration('LINK_TTL', raw, MIN_LINK_TTL, 100 * 365 * 86400);
}

/** "N/duration": at most N requests per window, e.g. "20/10m" (a window of 1 s to 1 day). */
function parseRateLimit(name: string, raw: string): RateLimit {
  const match = /^(\d+)\s*\/\s*(.+)$/.exec(raw);
  const limit = match ? Number(match[1]) : NaN;
  if (!match || !Number.isSafeInteger(limit) || limit < 1 || limit > 1_000_000) {
    throw new ConfigError(name, `must be "N/duration" with N from 1 to 1000000, like "20/10m", got "${raw}"`);
  }
  return Object.freeze({ limit, windowSeconds: parseDuration(name, match[2]!.trim(), 1, 86400) });
}

/** Both keys or neither: a site key without its secret would show a check nobody verifies. */
function parseTurnstile(env: Env): Turnstile | null {
  const siteKey = value(env, 'TURNSTILE_SITE_KEY');
  const secretKey = value(env, 'TURNSTILE_SECRET_KEY');
  if (!siteKey && !secretKey) return null;
  if (!siteKey) throw new ConfigError('TURNSTILE_SITE_KEY', 'must be set with TURNSTILE_SECRET_KEY (or neither)');
  if (!secretKey) throw new ConfigError('TURNSTILE_SECRET_KEY', 'must be set with TURNSTILE_SITE_KEY (or neither)');
  const verifyUrl = value(env, 'TURNSTILE_VERIFY_URL') ?? DEFAULT_TURNSTILE_VERIFY_URL;
  let url: URL | null = null;
  try {
    url = new URL(verifyUrl);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError('TURNSTILE_VERIFY_URL', `must be an absolute http(s) URL, got "${verifyUrl}"`);
  }
  return Object.freeze({ siteKey, secretKey, verifyUrl: url.href });
}

/** "10.0.0.5, 192.168.0.0/16, fd00::/8": addresses or CIDRs; blank entries (a trailing comma) are skipped. */
function parseTrustedProxies(raw: string | undefined): readonly Cidr[] {
  if (raw === undefined) return Object.freeze([]);
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  return Object.freeze(
    entries.map((entry) => {
      const cidr = parseCidr(entry);
      if (!cidr) throw new ConfigError('TRUSTED_PROXIES', `"${entry}" is not an IP address or CIDR range (like 10.0.0.5 or 10.0.0.0/8)`);
      return Object.freeze(cidr);
    }),
  );
}

const TWILIO_VARIABLES = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;

/** All three of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM, or none. */
function parseTwilio(env: Env): Twilio | null {
  const [accountSid, authToken, from] = TWILIO_VARIABLES.map((name) => value(env, name));
  if (!accountSid && !authToken && !from) return null;
  const missing = TWILIO_VARIABLES.filter((name) => !value(env, name));
  if (missing.length > 0) {
    const set = TWILIO_VARIABLES.filter((name) => value(env, name));
    throw new ConfigError(missing[0]!, `must be set with ${set.join(' and ')}: Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or none of them)`);
  }
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid!)) {
    throw new ConfigError('TWILIO_ACCOUNT_SID', 'must be "AC" and 32 hex digits, as the Twilio console shows it');
  }
  if (!/^\S{16,}$/.test(authToken!)) throw new ConfigError('TWILIO_AUTH_TOKEN', 'must be the account\'s auth token (at least 16 characters, no spaces)');
  if (!isSmsSender(from!)) {
    throw new ConfigError('TWILIO_FROM', `must be a number in E.164 (+ and up to 15 digits, like +15005550006) or an alphanumeric sender id (up to 11 letters, digits or spaces, at least one letter), got "${from}"`);
  }
  const base = value(env, 'TWILIO_BASE_URL');
  return Object.freeze({ accountSid: accountSid!, authToken: authToken!, from: from!, baseUrl: base === undefined ? null : parseTwilioBaseUrl(base) });
}

/** E.164, or Twilio's alphanumeric sender id: 1 to 11 of A-Z, a-z, 0-9 and space, with a letter. */
function isSmsSender(raw: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(raw) || (/^[A-Za-z0-9 ]{1,11}$/.test(raw) && /[A-Za-z]/.test(raw));
}

function parseTwilioBaseUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError('TWILIO_BASE_URL', `must be an absolute http(s) URL without query or credentials, like https://api.dublin.ie1.twilio.com, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A Standard Webhooks secret as our webhook endpoints get them: whsec_ and 24 to 64 bytes in base64. */
function parseWebhookSecret(name: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const bytes = raw.startsWith('whsec_') ? decodeBase64(raw.slice('whsec_'.length)) : null;
  if (!bytes || bytes.length < 24 || bytes.length > 64) {
    throw new ConfigError(name, 'must be "whsec_" and 24 to 64 random bytes in base64, like our webhook secrets (whsec_$(openssl rand -base64 32))');
  }
  return raw;
}

function parseBoolean(name: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be "true" or "false", got "${raw}"`);
}

/**
 * RFC 8058 one-click needs an HTTPS URL, and links sent over plain HTTP leak their tokens.
 * A warning (not an error) so that local trials keep working.
 */
export function baseUrlWarning(baseUrl: string): string | null {
  if (new URL(baseUrl).protocol === 'https:') return null;
  return isLocalBaseUrl(baseUrl)
    ? null
    : `BASE_URL ${baseUrl} is not https: mailbox providers ignore one-click unsubscribe links that are not HTTPS, and tokens in links travel in clear text.`;
}

/**
 * Whether BASE_URL names this machine only (localhost, *.localhost, 127.0.0.0/8, ::1): then the
 * service is a local trial, and may show the dev mailbox and seed the demo site. The URL parser
 * writes every IPv4 spelling as a dotted quad, so "127.1" counts and "127.0.0.1.nip.io" does not.
 */
export function isLocalBaseUrl(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Resend sends from its own domain (the default onboarding@resend.dev) only to the address of the
 * Resend account itself: with a real key, every signup elsewhere would get no confirmation. A
 * warning, not an error, since sites with a sender address of their own do not use MAIL_FROM.
 */
export function mailFromWarning(config: Pick<Config, 'resendApiKey' | 'mailFrom'>): string | null {
  if (!config.resendApiKey) return null;
  const address = (/<([^<>]+)>$/.exec(config.mailFrom)?.[1] ?? config.mailFrom).toLowerCase();
  if (!address.endsWith('@resend.dev')) return null;
  return `MAIL_FROM is ${address}, Resend's test sender, which Resend delivers only to your own Resend account's address: set MAIL_FROM to an address on a domain you verified with Resend.`;
}
