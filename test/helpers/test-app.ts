// Builds the real app on in-memory SQLite with a memory mailer and a clock the test controls.
import { readFileSync } from 'node:fs';
import { createApp } from '../../src/app.tsx';
import { parseConfig, type Env } from '../../src/config.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import type { Deps, Logger } from '../../src/deps.ts';
import { emailLookupHash } from '../../src/domain/email-address.ts';
import { randomId } from '../../src/domain/ids.ts';
import { seedDemoSiteIfEmpty } from '../../src/domain/seed-demo.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { deliverDueMail } from '../../src/mail/outbox.ts';
import type { Mailer, OutgoingMail, SendResult } from '../../src/mail/mailer.ts';
import { deliverDueSms } from '../../src/sms/outbox.ts';
import type { OutgoingSms, SmsSender, SmsSendResult } from '../../src/sms/sender.ts';

export const BASE_URL = 'https://assent.test';
const EMBED_SCRIPT = readFileSync(new URL('../../static/embed.js', import.meta.url), 'utf8');
export const ADMIN_KEY = 'test-admin-key-0123456789';
export const TEST_SECRET = 'k1:' + 'a'.repeat(40);
export const TEST_IP = '203.0.113.7';
export const TEST_ENCRYPTION_KEYS = `e1:${Buffer.alloc(32, 1).toString('base64')}`;

export interface FixedClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function fixedClock(startIso = '2026-11-01T09:00:00.000Z'): FixedClock {
  let current = new Date(startIso).getTime();
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface MemoryMailer extends Mailer {
  sent: OutgoingMail[];
  /** Results to return for the next sends, in order; afterwards every send succeeds. */
  script: SendResult[];
}

export function memoryMailer(): MemoryMailer {
  const mailer: MemoryMailer = {
    sent: [],
    script: [],
    async send(mail) {
      const next = mailer.script.shift();
      if (next && !next.ok) return next;
      mailer.sent.push(mail);
      return { ok: true, providerId: `mem-${mailer.sent.length}` };
    },
  };
  return mailer;
}

export interface MemorySms extends SmsSender {
  sent: OutgoingSms[];
  /** Results to return for the next sends, in order; afterwards every send succeeds. */
  script: SmsSendResult[];
}

export function memorySms(): MemorySms {
  const sender: MemorySms = {
    sent: [],
    script: [],
    async send(sms) {
      const next = sender.script.shift();
      if (next && !next.ok) return next;
      sender.sent.push(sms);
      return { ok: true, providerId: `mem-sms-${sender.sent.length}` };
    },
  };
  return sender;
}

// Quiet by default; ASSENT_TEST_LOG=1 shows what the app logs (a 500's cause, a mail given up on).
const verbose = Boolean(process.env.ASSENT_TEST_LOG);
export const silentLog: Logger = {
  info: (message) => verbose && console.log(message),
  warn: (message) => verbose && console.warn(message),
  error: (message, error) => verbose && console.error(message, error),
};

/**
 * The test app's links read as a deployment's (https://assent.test), which production refuses to
 * run without RESEND_API_KEY and never gives a dev mailbox. Tests bring their own mailer and
 * look at /dev/mailbox as a local trial would show it, so the config is parsed with a stand-in
 * key (checked like a real one) and then says what a local start says: no key, dev mailbox on,
 * unless the test set RESEND_API_KEY itself.
 */
function testConfig(env: Env) {
  const parsed = parseConfig({
    TOKEN_SECRETS: TEST_SECRET,
    LOOKUP_KEY: 'l'.repeat(40),
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    BASE_URL,
    ADMIN_API_KEY: ADMIN_KEY,
    RESEND_API_KEY: 're_test_stand_in',
    ...env,
  });
  const resendApiKey = env.RESEND_API_KEY?.trim() || null;
  // Likewise for SMS: tests bring a memory sender, so SMS is on, and /dev/mailbox shows the dev
  // outbox unless the test configured Twilio.
  return Object.freeze({ ...parsed, resendApiKey, devMailbox: resendApiKey === null, devSms: parsed.twilio === null, smsEnabled: true });
}

export async function makeTestApp(env: Env = {}) {
  const { sqlite, db, atomic } = openSqlite(':memory:');
  migrate(sqlite);
  const clock = fixedClock();
  const mailer = memoryMailer();
  const sms = memorySms();
  const config = testConfig(env);
  let queued = 0;
  let smsQueued = 0;
  const deps: Deps = {
    db,
    atomic,
    mailer,
    clock,
    tokens: createTokens(config.tokenSecrets, clock),
    cipher: createFieldCipher(config.encryptionKeys),
    config,
    log: silentLog,
    newId: randomId,
    mailQueued: () => {
      queued++;
    },
    sms,
    smsQueued: () => {
      smsQueued++;
    },
  };
  await seedDemoSiteIfEmpty(deps);
  const app = createApp(() => deps, { clientIp: () => TEST_IP, embedScript: EMBED_SCRIPT });

  /**
   * Like a browser, a POST carries our Origin unless the test sets one; `Origin: 'none'` sends
   * none at all (a mailbox provider's one-click, curl, a forged cross-site form).
   */
  const request = (path: string, init: RequestInit = {}) => app.request(path, withOrigin(init));

  /** Submits the signup form as a browser would: the page's own consent and form hashes, form-encoded. */
  async function signup(fields: { email: string; name?: string; categories: string[]; lang?: string }, site = 'demo') {
    const pageHtml = await (await request(`/s/${site}${fields.lang ? `?lang=${fields.lang}` : ''}`)).text();
    const consent = /name="consent" value="([0-9a-f]{64})"/.exec(pageHtml)?.[1] ?? '';
    const formSha256 = /name="form" value="([0-9a-f]{64})"/.exec(pageHtml)?.[1] ?? '';
    const form = new URLSearchParams({ email: fields.email, name: fields.name ?? '', consent, form: formSha256, lang: fields.lang ?? 'en' });
    for (const key of fields.categories) form.append('categories', key);
    return request(`/s/${site}`, {
      method: 'POST',
      body: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'TestBrowser/1.0' },
    });
  }

  /** Runs the outbox sender once, as the loop would, and returns what the mailer received. */
  async function deliver() {
    const before = mailer.sent.length;
    await deliverDueMail(deps);
    return mailer.sent.slice(before);
  }

  /** Runs the SMS sender once, as the loop would, and returns what the memory sender received. */
  async function deliverSms() {
    const before = sms.sent.length;
    await deliverDueSms({ ...deps, sms });
    return sms.sent.slice(before);
  }

  // Addresses are encrypted at rest: tests find contacts by the lookup hash, as the app does.
  const hashOf = (email: string) => emailLookupHash(config.lookupKey, email);

  async function consents(email: string) {
    const rows = await db
      .selectFrom('consents')
      .innerJoin('contacts', 'contacts.id', 'consents.contact_id')
      .select(['consents.category_key', 'consents.status'])
      .where('contacts.email_hash', '=', await hashOf(email))
      .orderBy('consents.category_key')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.category_key, r.status]));
  }

  /** The contact's ledger rows, with their evidence decrypted as `ip` and `user_agent`. */
  async function events(email: string) {
    const rows = await db
      .selectFrom('consent_events')
      .innerJoin('contacts', 'contacts.id', 'consent_events.contact_id')
      .leftJoin('event_evidence', 'event_evidence.event_id', 'consent_events.id')
      .selectAll('consent_events')
      .select(['event_evidence.ip as encrypted_ip', 'event_evidence.user_agent as encrypted_user_agent'])
      .where('contacts.email_hash', '=', await hashOf(email))
      .orderBy('consent_events.id')
      .execute();
    const decrypt = (value: string | null) => (value === null ? null : deps.cipher.decrypt(value));
    return Promise.all(
      rows.map(async ({ encrypted_ip, encrypted_user_agent, ...row }) => ({
        ...row,
        ip: await decrypt(encrypted_ip),
        user_agent: await decrypt(encrypted_user_agent),
      })),
    );
  }

  /** A contact row with its address and name decrypted. */
  async function contact(email: string) {
    const row = await db.selectFrom('contacts').selectAll().where('email_hash', '=', await hashOf(email)).executeTakeFirstOrThrow();
    return { ...row, email: await deps.cipher.decrypt(row.email), name: row.name === null ? null : await deps.cipher.decrypt(row.name) };
  }

  return {
    app, deps, config, db, sqlite, clock, mailer, sms, request, signup, deliver, deliverSms, consents, events, contact,
    queuedCount: () => queued,
    smsQueuedCount: () => smsQueued,
  };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** The single URL under BASE_URL in a plain-text email. */
export function confirmPath(mail: OutgoingMail): string {
  const urls = mail.text.match(/https?:\/\/\S+/g) ?? [];
  const ours = urls.filter((url) => url.startsWith(BASE_URL));
  if (ours.length !== 1) throw new Error(`expected one link, found ${ours.length}`);
  return ours[0]!.slice(BASE_URL.length);
}

export function withOrigin(init: RequestInit = {}): RequestInit {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== 'GET' && method !== 'HEAD' && !headers.has('Origin')) headers.set('Origin', BASE_URL);
  if (headers.get('Origin') === 'none') headers.delete('Origin');
  return { ...init, headers };
}
