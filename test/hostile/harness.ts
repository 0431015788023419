// The hostile-input harness: one real app on in-memory SQLite with a few real contacts and their
// links, and `probe()`, which sends one malformed request and checks what every request must
// satisfy, whatever it carried:
//
// - the status is 2xx, 3xx or 4xx, never 5xx (and never a 1xx or a missing status);
// - it finishes within a few seconds (a hang fails the request, not the whole run);
// - no injected marker comes back unescaped, in the body or in a header;
// - nothing in the consent tables changed, unless the case says the request may change state
//   (a valid POST to a link that withdraws, say); even then a 4xx answer must change nothing.
//
// Every probe runs inside a transaction that is rolled back afterwards (better-sqlite3 nests the
// app's own atomic batches as savepoints), so each request meets the same fixture and a request
// that legitimately withdraws or confirms does not weaken the cases after it. Rate-limit
// counters are rolled back too, so hundreds of probes from one IP never trip them.
import { afterAll, beforeAll, expect } from 'vitest';
import { devMailbox } from '../../src/mail/dev-mailbox.ts';
import { emailLookupHash } from '../../src/domain/email-address.ts';
import type { Mailer, OutgoingMail } from '../../src/mail/mailer.ts';
import { ADMIN_KEY, BASE_URL, confirmPath, makeTestApp, withOrigin, type TestApp } from '../helpers/test-app.ts';

/** Tables a request must leave alone unless it was asked to change consent. */
const WATCHED_TABLES = [
  'consent_events',
  'consents',
  'contacts',
  'outbox',
  'confirmations',
  // Present once encryption at rest lands; checked when they exist.
  'event_evidence',
  'consent_texts',
  'dev_mailbox',
];

/** Injected markers: none of these may come back verbatim, in any body or header. */
export const RAW_MARKERS = ['<script>alert(', '<img src=x onerror', '<svg onload='];
/** An injected javascript: URL is harmless as text, not as a link, a source or a form action. */
const JAVASCRIPT_URL = /(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:/i;

export const REQUEST_TIMEOUT_MS = 5_000;

export interface Fixture {
  t: TestApp;
  /**
   * Placeholders, replaced in every case's path and body (see `expand`): real links from the
   * fixture's emails, forged ones, contact ids and the consent hashes the forms carry.
   */
  tokens: Record<string, string>;
  /** The watched tables, serialised, as every probe finds them (set by the first probe). */
  baseline?: Record<string, string>;
}

/** Makes the fixture once for the file; HOSTILE_STATS=1 prints how many requests it probed. */
export function useFixture(): () => Fixture {
  let fixture: Fixture | undefined;
  beforeAll(async () => {
    fixture = await makeFixture();
  });
  afterAll(() => {
    if (process.env.HOSTILE_STATS) console.log(`hostile requests probed: ${requestCount}, ${Math.round(requestMs)} ms answering, ${Math.round(probeMs)} ms probing`);
  });
  return () => fixture!;
}

export async function makeFixture(): Promise<Fixture> {
  const t = await makeTestApp();
  // Keep a copy of everything delivered in the dev mailbox too, so /dev/mailbox has content.
  const dev = openDevMailbox(t);
  const keep = async (mails: OutgoingMail[]) => {
    for (const mail of mails) await dev.send(mail);
    return mails;
  };

  // Every contact's links come from the emails it was sent, as a recipient would click them.
  // Carol signs up first and never confirms: 49 hours later her confirmation link has expired.
  await t.signup({ email: 'carol@example.com', categories: ['newsletter'] });
  const [carolMail] = await keep(await t.deliver());
  t.clock.advance(49 * 3600_000);

  await t.signup({ email: 'alice@example.com', name: 'Alice', categories: ['newsletter', 'offers'] });
  const [aliceConfirm] = await keep(await t.deliver());
  expect((await t.request(confirmPath(aliceConfirm!), { method: 'POST' })).status).toBe(200);
  const [welcome] = await keep(await t.deliver());
  const manage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;
  const unsubscribe = /Unsubscribe: https:\/\/assent\.test(\S+)/.exec(welcome!.text)![1]!;

  const mallory = { email: "o'brien+x{1}&y=z@example.com", name: '<script>alert("xss-marker")</script>' };
  await t.signup({ email: mallory.email, name: mallory.name, categories: ['newsletter'] });
  const [malloryConfirm] = await keep(await t.deliver());
  expect((await t.request(confirmPath(malloryConfirm!), { method: 'POST' })).status).toBe(200);
  const [malloryWelcome] = await keep(await t.deliver());
  const malloryManage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(malloryWelcome!.text)![1]!;

  // Eve's evidence is hostile: a script as the user agent she signed up with, an img tag as the
  // one she confirmed with, and an img tag as her name.
  const eve = { email: 'eve@example.com', name: '"><img src=x onerror=alert(1)>' };
  const eveForm = new URLSearchParams({ email: eve.email, name: eve.name, consent: await signupConsentOf(t), lang: 'en', categories: 'newsletter' });
  const eveSignup = await t.request('/s/demo', { method: 'POST', body: eveForm, headers: { 'User-Agent': '<script>alert("xss-marker")</script>' } });
  expect(eveSignup.status).toBe(200);
  const [eveConfirm] = await keep(await t.deliver());
  const eveConfirmed = await t.request(confirmPath(eveConfirm!), { method: 'POST', headers: { 'User-Agent': '"><img src=x onerror=alert(1)>' } });
  expect(eveConfirmed.status).toBe(200);
  const [eveWelcome] = await keep(await t.deliver());
  const eveManage = /Email preferences: https:\/\/assent\.test(\S+)/.exec(eveWelcome!.text)![1]!;

  // Bob signs up and has not confirmed yet: his link is open.
  await t.signup({ email: 'bob@example.com', categories: ['offers'] });
  const [bobConfirm] = await keep(await t.deliver());

  const aliceId = await contactId(t, 'alice@example.com');
  const scoped = await t.request('/api/v1/sites/demo/contacts/links', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'alice@example.com', category: 'offers' }),
  });
  const scopedUnsubscribe = ((await scoped.json()) as { unsubscribeUrl: string }).unsubscribeUrl.slice(BASE_URL.length);

  // Dave unsubscribed with the page's button: his undo form carries the signed undo token.
  await t.signup({ email: 'dave@example.com', categories: ['newsletter', 'offers'] });
  const [daveConfirm] = await keep(await t.deliver());
  expect((await t.request(confirmPath(daveConfirm!), { method: 'POST' })).status).toBe(200);
  const [daveWelcome] = await keep(await t.deliver());
  const daveUnsubscribe = /Unsubscribe: https:\/\/assent\.test(\S+)/.exec(daveWelcome!.text)![1]!;
  const unsubscribed = await (await t.request(daveUnsubscribe, { method: 'POST', body: new URLSearchParams({ unsubscribe: 'page' }) })).text();
  const undoToken = /name="undo" value="([^"]+)"/.exec(unsubscribed)![1]!;

  const signupConsent = await signupConsentOf(t);
  const pageConsent = consentOf(await (await t.request(manage)).text());

  watchWrites(t);
  const mailIds = (await t.db.selectFrom('dev_mailbox').select('id').execute()).map((row) => row.id);
  const tokenOf = (path: string) => path.split('/')[2]!;
  // Tokens for Alice, signed with the real key: what is wrong with them is in their claims.
  const sign = (claims: Record<string, unknown>, expiresIn?: number) =>
    t.deps.tokens.sign({ subject: aliceId, site: 'demo', ...claims } as Parameters<TestApp['deps']['tokens']['sign']>[0], expiresIn);
  const manageToken = tokenOf(manage);
  const [header, payload, signature] = manageToken.split('.') as [string, string, string];
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return {
    t,
    tokens: {
      '{signupConsent}': signupConsent,
      '{pageConsent}': pageConsent,
      '{undoToken}': undoToken,
      '{daveUnsubscribe}': tokenOf(daveUnsubscribe),
      // Forged and misdirected links, signed with the real key where that is the point.
      '{cutSignature}': manageToken.slice(0, -4),
      '{tampered}': `${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
      '{noneAlg}': `${b64({ alg: 'none', kid: 'k1' })}.${payload}.`,
      '{unknownKid}': `${b64({ alg: 'HS256', kid: 'nope' })}.${payload}.${signature}`,
      '{scriptKid}': `${b64({ alg: 'HS256', kid: '<script>alert("xss-marker")</script>' })}.${payload}.${signature}`,
      '{hugeHeader}': `${b64({ alg: 'HS256', kid: 'k1', pad: 'p'.repeat(60_000) })}.${payload}.${signature}`,
      '{otherSite}': await sign({ purpose: 'manage', site: 'nope', epoch: 0 }),
      '{staleEpoch}': await sign({ purpose: 'manage', epoch: 7 }),
      '{noContact}': await sign({ purpose: 'manage', subject: "' OR 1=1 --", epoch: 0 }),
      '{exemptScope}': await sign({ purpose: 'unsubscribe', epoch: 0, category: 'account' }),
      '{scriptScope}': await sign({ purpose: 'unsubscribe', epoch: 0, category: '<script>alert("xss-marker")</script>' }),
      '{expiredManage}': await sign({ purpose: 'manage', epoch: 0 }, -60),
      '{noJti}': await sign({ purpose: 'confirm', categories: ['newsletter'] }),
      '{foreignJti}': await sign({ purpose: 'confirm', jti: claimsOf(tokenOf(confirmPath(bobConfirm!))).jti, categories: ['offers'] }),
      '{confirm}': tokenOf(confirmPath(bobConfirm!)),
      '{spent}': tokenOf(confirmPath(aliceConfirm!)),
      '{expired}': tokenOf(confirmPath(carolMail!)),
      '{manage}': tokenOf(manage),
      '{mallory}': tokenOf(malloryManage),
      '{unsubscribe}': tokenOf(unsubscribe),
      '{scoped}': tokenOf(scopedUnsubscribe),
      '{id}': aliceId,
      '{eve}': tokenOf(eveManage),
      '{eveId}': await contactId(t, eve.email),
      '{mail}': mailIds[0] ?? 'none',
    },
  };
}

/**
 * The dev mailbox mailer. Once encryption at rest lands it also takes the field cipher; passing
 * it positionally keeps this file compiling before and after that change.
 */
function openDevMailbox(t: TestApp): Mailer {
  const make = devMailbox as unknown as (...args: unknown[]) => Mailer;
  return make(t.db, t.clock, (t.deps as unknown as { cipher?: unknown }).cipher);
}

const consentOf = (html: string) => /name="consent" value="([0-9a-f]{64})"/.exec(html)![1]!;
const signupConsentOf = async (t: TestApp) => consentOf(await (await t.request('/s/demo')).text());

function claimsOf(token: string): Record<string, string> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, string>;
}

async function contactId(t: TestApp, email: string): Promise<string> {
  const hash = await emailLookupHash(t.deps.config.lookupKey, email);
  const row = await t.db.selectFrom('contacts').select('id').where('email_hash', '=', hash).executeTakeFirstOrThrow();
  return row.id;
}

/** A contact's stored name and address, decrypted when they are encrypted at rest. */
export async function storedContact(t: TestApp, email: string) {
  const hash = await emailLookupHash(t.deps.config.lookupKey, email);
  const row = await t.db.selectFrom('contacts').selectAll().where('email_hash', '=', hash).executeTakeFirst();
  if (!row) return undefined;
  const cipher = (t.deps as unknown as { cipher?: { decrypt(value: string): Promise<string> } }).cipher;
  const open = async (value: string | null) => (value === null || !cipher || !/^enc:/.test(value) ? value : cipher.decrypt(value));
  return { ...row, email: await open(row.email), name: await open(row.name) };
}

/** Every watched table, row by row. */
export function snapshot(t: TestApp): Record<string, unknown[]> {
  const tables: Record<string, unknown[]> = {};
  for (const table of presentTables(t)) tables[table] = t.sqlite.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
  return tables;
}

/** The tables whose rows differ between two serialised snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
}

/**
 * Temporary triggers count every write to a watched table (rolled back with the probe), so a
 * request that wrote none needs no second snapshot. Rate-limit counters and the like are not
 * watched: they are meant to change on any request.
 */
function watchWrites(t: TestApp): void {
  t.sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS hostile_writes (tbl TEXT NOT NULL)');
  for (const table of presentTables(t)) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      t.sqlite.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS "hostile_${table}_${event}" AFTER ${event} ON main."${table}" BEGIN INSERT INTO hostile_writes VALUES ('${table}'); END`,
      );
    }
  }
}

function watchedWrites(t: TestApp): number {
  return (t.sqlite.prepare('SELECT count(*) AS n FROM hostile_writes').get() as { n: number }).n;
}

function presentTables(t: TestApp): string[] {
  const present = new Set((t.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  return WATCHED_TABLES.filter((table) => present.has(table));
}

function serialise(tables: Record<string, unknown[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(tables).map(([table, rows]) => [table, JSON.stringify(rows)]));
}

/** How many requests this file has probed (HOSTILE_STATS=1 prints it). */
let requestCount = 0;
let requestMs = 0;
let probeMs = 0;

export interface HostileRequest {
  /** Readable, unique within its group: shown when the request breaks a rule. */
  name: string;
  method?: string;
  /** May contain the fixture's placeholders ({manage}, {id}, ...). */
  path: string;
  headers?: Record<string, string>;
  /** A function makes a fresh body per request (a stream can be read once). */
  body?: string | Uint8Array | URLSearchParams | FormData | (() => ReadableStream<Uint8Array>);
  /** The request asks for a change (a valid POST to a link, say): state may change on 2xx. */
  mayChange?: boolean;
  /** Statuses this case must answer with, beyond the general rules. */
  status?: number | number[];
  /** More checks on the answer; return a problem, or nothing. */
  check?: (answer: Answer, fixture: Fixture) => string | void | Promise<string | void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  changed: string[];
  ms: number;
}

/** Replaces the fixture's placeholders in a path or a text body (also as URL-encoded). */
export function expand(fixture: Fixture, text: string): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(fixture.tokens)) {
    out = out.split(placeholder).join(value).split(encodeURIComponent(placeholder)).join(value);
  }
  return out;
}

/** The same for a body: text, raw bytes (placeholders are ASCII) or form data. */
function expandBody(fixture: Fixture, body: HostileRequest['body']): BodyInit | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'function') return body();
  if (typeof body === 'string') return expand(fixture, body);
  if (body instanceof Uint8Array) return Uint8Array.from(Buffer.from(expand(fixture, Buffer.from(body).toString('latin1')), 'latin1'));
  if (body instanceof URLSearchParams) return new URLSearchParams([...body].map(([k, v]) => [k, expand(fixture, v)]));
  const form = new FormData();
  for (const [k, v] of body) form.append(k, typeof v === 'string' ? expand(fixture, v) : v);
  return form;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends one hostile request (with our Origin on POSTs, like a browser, unless the case sets
 * Origin: 'none') and returns every rule it broke, as readable lines.
 */
export async function probe(fixture: Fixture, request: HostileRequest): Promise<string[]> {
  const { t } = fixture;
  const label = `${request.name} [${request.method ?? 'GET'} ${truncate(request.path)}]`;
  const problems: string[] = [];
  // duplex: Node's fetch wants it for a stream body (a breaking upload, say).
  const init = { method: request.method ?? 'GET', headers: request.headers, body: expandBody(fixture, request.body), duplex: 'half' } as RequestInit;
  t.sqlite.exec('BEGIN');
  try {
    // Every probe starts from the same state (the last one was rolled back).
    const before = (fixture.baseline ??= serialise(snapshot(t)));
    const started = performance.now();
    let answer: Answer;
    try {
      const res = await withTimeout(Promise.resolve(t.app.request(expand(fixture, request.path), withOrigin(init))), label);
      const body = await withTimeout(res.text(), label);
      answer = { status: res.status, headers: res.headers, body, changed: [], ms: performance.now() - started };
    } catch (error) {
      return [`${label}: threw ${String(error)}`];
    }
    // No write to a watched table (the common case) needs no second snapshot.
    answer.changed = watchedWrites(t) === 0 ? [] : changedTables(before, serialise(snapshot(t)));
    requestCount++;
    requestMs += answer.ms;

    const { status, body, changed } = answer;
    if (status >= 500) problems.push(`${label}: ${status}: ${truncate(body.replace(/\s+/g, ' '), 300)}`);
    else if (status < 200) problems.push(`${label}: status ${status}`);
    if (answer.ms > REQUEST_TIMEOUT_MS) problems.push(`${label}: took ${Math.round(answer.ms)} ms`);
    const expected = request.status === undefined ? undefined : [request.status].flat();
    if (expected && !expected.includes(status)) problems.push(`${label}: status ${status}, expected ${expected.join(' or ')}`);
    for (const marker of RAW_MARKERS) {
      if (body.includes(marker)) problems.push(`${label}: the body reflects ${JSON.stringify(marker)} unescaped: …${excerpt(body, marker)}…`);
      for (const [header, value] of answer.headers) {
        if (value.includes(marker)) problems.push(`${label}: header ${header} reflects ${JSON.stringify(marker)}`);
      }
    }
    if (JAVASCRIPT_URL.test(body)) problems.push(`${label}: the body links to an injected javascript: URL`);
    if (changed.length > 0 && (!request.mayChange || status >= 400)) {
      problems.push(`${label}: answered ${status} but changed ${changed.join(', ')}`);
    }
    // Runs before the rollback, so it can look at what the request stored.
    const extra = await request.check?.(answer, fixture);
    if (extra) problems.push(`${label}: ${extra}`);
    return problems;
  } finally {
    if (t.sqlite.inTransaction) t.sqlite.exec('ROLLBACK');
  }
}

/** Probes every request of a group and fails once, listing every broken rule. */
export async function expectAllSafe(fixture: Fixture, requests: readonly HostileRequest[]): Promise<number> {
  const problems: string[] = [];
  const started = performance.now();
  for (const request of requests) problems.push(...(await probe(fixture, request)));
  probeMs += performance.now() - started;
  expect(problems).toEqual([]);
  return requests.length;
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

function excerpt(text: string, marker: string): string {
  const at = text.indexOf(marker);
  return text.slice(Math.max(0, at - 60), at + marker.length + 40);
}
