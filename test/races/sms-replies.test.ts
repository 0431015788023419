// Inbound SMS fired in parallel at two server processes sharing one database file (see
// races.test.ts for why two): a provider that delivers one webhook many times at once must get
// it recorded once and answered once, and many different STOPs at once withdraw each consent once;
// SMS signups for one number at once stay within the codes' hourly limit, and parallel guesses
// within a code's 5 tries.
import BetterSqlite3 from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { twilioSignature } from '../helpers/sms-contacts.ts';

const N = 20;
const LOOKUP_KEY = 'L'.repeat(40);
const AUTH_TOKEN = 'race-twilio-token-0123456789abcdef';
// One BASE_URL for both processes, as behind a load balancer: the signature is over it, not
// over the port a request reached.
const BASE_URL = 'http://localhost:3999';
const ENV = {
  BASE_URL,
  TOKEN_SECRETS: `k1:${'r'.repeat(40)}`,
  LOOKUP_KEY,
  ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 7).toString('base64')}`,
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_FROM: '+15005550006',
  // Nothing here sends a text; were one queued, it must not reach the real Twilio.
  TWILIO_BASE_URL: 'http://127.0.0.1:9',
};

let server: ServerProcess;
let twin: ServerProcess;
let db: BetterSqlite3.Database;

beforeAll(async () => {
  server = await startServer({ env: ENV });
  twin = await startServer({ env: ENV, databasePath: server.databasePath });
  db = new BetterSqlite3(server.databasePath);
  db.pragma('busy_timeout = 5000');
  db.prepare(`UPDATE categories SET channels = '["email","sms"]' WHERE site_id = 'demo' AND key IN ('newsletter', 'offers')`).run();
}, 60_000);

afterAll(async () => {
  db?.close();
  await Promise.all([server?.stop(), twin?.stop()]);
  removeTempDirs();
});

const via = (i: number) => (i % 2 === 0 ? server : twin);

/** A contact with this number and both SMS consents granted, written straight into the file. */
function contactWithNumber(e164: string): string {
  const id = `c-${e164.slice(1)}`;
  const now = new Date().toISOString();
  const phoneHash = createHmac('sha256', LOOKUP_KEY).update(`phone:${e164}`).digest('hex');
  db.prepare(
    `INSERT INTO contacts (id, site_id, email, email_hash, locale, created_at, updated_at, phone, phone_hash)
     VALUES (?, 'demo', 'not-erased', ?, 'en', ?, ?, 'encrypted', ?)`,
  ).run(id, `none:${id}`, now, now, phoneHash);
  for (const key of ['newsletter', 'offers']) {
    db.prepare(`INSERT INTO consents (contact_id, category_key, channel, site_id, status, updated_at) VALUES (?, ?, 'sms', 'demo', 'granted', ?)`).run(id, key, now);
    // The grant START gives back after a STOP.
    db.prepare(
      `INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale) VALUES ('demo', ?, ?, 'sms', 'granted', 'signup_form', ?, 'en')`,
    ).run(id, key, now);
  }
  return id;
}

function inbound(i: number, from: string, body: string, sid: string) {
  const params = { From: from, To: ENV.TWILIO_FROM, Body: body, MessageSid: sid };
  return via(i).fetch('/sms/inbound/twilio', {
    method: 'POST',
    body: new URLSearchParams(params),
    headers: { 'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, `${BASE_URL}/sms/inbound/twilio`, params), Origin: 'none' },
  });
}

const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

describe('inbound SMS in parallel', () => {
  it(`one STOP delivered ${N} times at once is recorded once and answered once`, async () => {
    const id = contactWithNumber('+819012340001');
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => inbound(i, '+819012340001', 'STOP', 'SM-dup-1').then((r) => r.text())));
    expect(answers.filter((text) => text.includes('<Message>'))).toHaveLength(1);
    expect(count(`SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND action = 'withdrawn'`, id)).toBe(2);
    expect(count(`SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND action = 'replied'`, id)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM consents WHERE contact_id = ? AND status = 'withdrawn'`, id)).toBe(2);
    expect(count(`SELECT count(*) AS n FROM sms_inbound WHERE message_id = 'SM-dup-1'`)).toBe(1);
  });

  it(`${N} different STOPs at once withdraw each consent once, and record every message`, async () => {
    const id = contactWithNumber('+819012340002');
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => inbound(i, '+819012340002', 'STOP', `SM-many-${i}`).then((r) => r.text())));
    expect(answers.filter((text) => text.includes('<Message>'))).toHaveLength(N);
    expect(count(`SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND action = 'withdrawn'`, id)).toBe(2);
    expect(count(`SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND action = 'replied'`, id)).toBe(N - 1);
    expect(count(`SELECT count(*) AS n FROM consents WHERE contact_id = ? AND status = 'withdrawn'`, id)).toBe(2);
  });

  it(`STOP and START ${N / 2} times each at once leave the consents as the last of them decided`, async () => {
    const id = contactWithNumber('+819012340003');
    await inbound(0, '+819012340003', 'STOP', 'SM-first-stop');
    await Promise.all(Array.from({ length: N }, (_, i) => inbound(i, '+819012340003', i % 2 === 0 ? 'START' : 'STOP', `SM-mixed-${i}`)));
    // Whatever the order, each consent's status is what its latest event says.
    const rows = db
      .prepare(
        `SELECT c.status, (SELECT action FROM consent_events e WHERE e.contact_id = c.contact_id AND e.category_key = c.category_key
           AND e.channel = 'sms' ORDER BY id DESC LIMIT 1) AS last FROM consents c WHERE c.contact_id = ?`,
      )
      .all(id) as { status: string; last: string }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.status).toBe(row.last === 'withdrawn' ? 'withdrawn' : 'granted');
    // START resumed something at least once (the first STOP took both).
    expect(count(`SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND action = 'resubscribed'`, id)).toBeGreaterThan(0);
    expect(count(`SELECT count(*) AS n FROM sms_inbound WHERE message_id LIKE 'SM-mixed-%'`)).toBe(N);
  });
});

describe('SMS signups and codes in parallel', () => {
  async function signupSms(i: number, phone: string) {
    const html = await (await via(i).fetch('/s/demo')).text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    const body = new URLSearchParams({ email: '', name: '', consent: field('consent'), form: field('form'), lang: 'en', phone, sms_categories: 'offers' });
    return via(i).fetch('/s/demo', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE_URL }, redirect: 'manual' });
  }

  it('8 signups for one number at once get 3 codes (the hourly limit, counted in the write), and 10 guesses at once take 5 tries', async () => {
    db.prepare(`UPDATE sites SET default_country = 'JP' WHERE id = 'demo'`).run();
    // The site content is kept a second per process: let both see the change.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => signupSms(i, '090-5555-0001')));
    expect(answers.map((res) => res.status)).toEqual(Array(8).fill(303));
    const hash = createHmac('sha256', LOOKUP_KEY).update('phone:+819055550001').digest('hex');
    expect(count(`SELECT count(*) AS n FROM sms_codes WHERE number_hash = ?`, hash)).toBe(3);
    expect(count(`SELECT count(*) AS n FROM contacts WHERE phone_hash = ?`, hash)).toBe(1);

    const codePath = answers[0]!.headers.get('Location')!.replace(BASE_URL, '');
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        via(i).fetch(codePath, { method: 'POST', body: new URLSearchParams({ code: '000000' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE_URL } }),
      ),
    );
    expect(guesses.every((res) => res.status === 400)).toBe(true);
    // Each guess took a try of the newest open code before comparing: no more than 5 in all.
    const newest = db.prepare(`SELECT attempts FROM sms_codes WHERE number_hash = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(hash) as { attempts: number };
    expect(newest.attempts).toBeLessThanOrEqual(5);
    expect(count(`SELECT sum(attempts) AS n FROM sms_codes WHERE number_hash = ?`, hash)).toBe(5);
  }, 60_000);
});
