// Parallel requests against the real server. Every limit and every side effect that depends on
// state must be decided inside the atomic write, so N requests fired at once for one person must
// leave exactly what one request would: one confirmation mail, one set of events, no mail to an
// erased or withdrawn person. Two server processes share one SQLite file and the requests
// alternate between them, as they would behind a load balancer (within one process some
// handlers never yield between their reads and their write, which would hide a race that D1 and
// several processes expose). Counts come from the database file itself.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../src/domain/tokens.ts';
import { removeTempDirs, startServer, type ServerProcess } from '../helpers/server-process.ts';

const N = 20;
const ADMIN_KEY = 'race-admin-key-0123456789abcdef';
const TOKEN_SECRETS = `k1:${'r'.repeat(40)}`;
const ENV = {
  ADMIN_API_KEY: ADMIN_KEY,
  TOKEN_SECRETS,
  LOOKUP_KEY: 'L'.repeat(40),
  ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 7).toString('base64')}`,
  // Every request comes from 127.0.0.1: the per-IP limits must not be what stops the flood.
  RATE_LIMIT_SIGNUP: '100000/10m',
  RATE_LIMIT_LINKS: '100000/10m',
  RATE_LIMIT_API: '100000/1m',
  WEBHOOK_ALLOW_LOOPBACK: 'true',
};

let server: ServerProcess;
let twin: ServerProcess;
let db: BetterSqlite3.Database;
let consentHash: string;
let formHash: string;

beforeAll(async () => {
  server = await startServer({ env: ENV });
  twin = await startServer({ env: ENV, databasePath: server.databasePath });
  db = new BetterSqlite3(server.databasePath);
  db.pragma('busy_timeout = 5000');
  const page = await (await server.fetch('/s/demo')).text();
  consentHash = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
  formHash = /name="form" value="([0-9a-f]{64})"/.exec(page)![1]!;
}, 60_000);

afterAll(async () => {
  db?.close();
  await Promise.all([server?.stop(), twin?.stop()]);
  removeTempDirs();
});

// --- talking to the servers ------------------------------------------------------------------

/** Request i goes to one process or the other. */
const via = (i = 0) => (i % 2 === 0 ? server : twin);

function signup(email: string, categories: string[], i = 0) {
  const form = new URLSearchParams({ email, name: '', lang: 'en', consent: consentHash, form: formHash });
  for (const key of categories) form.append('categories', key);
  return via(i).fetch('/s/demo', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

async function api(method: string, path: string, body?: unknown, i = 0) {
  const res = await via(i).fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function contactId(email: string): Promise<string> {
  const found = await api('POST', '/sites/demo/contacts/lookup', { email });
  expect(found.status).toBe(200);
  return found.body.contact.id as string;
}

async function importGranted(email: string, categories: string[]): Promise<string> {
  const res = await api('POST', '/sites/demo/imports', {
    importId: `race-${email}`,
    items: [{ email, categories, method: 'paper', occurredAt: '2026-10-01T09:00:00Z', evidence: 'signed card', consentText: 'Yes, send me news.' }],
  });
  expect(res.status).toBe(201);
  return res.body.items[0].contactId as string;
}

async function links(email: string) {
  const res = await api('POST', '/sites/demo/contacts/links', { email });
  expect(res.status).toBe(200);
  return { manage: new URL(res.body.manageUrl).pathname, unsubscribe: new URL(res.body.unsubscribeUrl).pathname };
}

const oneClick = (path: string, i = 0) =>
  via(i).fetch(path, {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'none' },
  });

const parallel = <T>(n: number, make: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => make(i)));

// --- reading the server's database --------------------------------------------------------------

const mails = (contact: string, kind: string) =>
  (db.prepare('SELECT count(*) AS n FROM outbox WHERE contact_id = ? AND kind = ?').get(contact, kind) as { n: number }).n;

const events = (contact: string) =>
  db.prepare('SELECT id, category_key, action, method FROM consent_events WHERE contact_id = ? ORDER BY id').all(contact) as {
    id: number;
    category_key: string;
    action: string;
    method: string;
  }[];

const consents = (contact: string) =>
  Object.fromEntries(
    (db.prepare('SELECT category_key, status FROM consents WHERE contact_id = ?').all(contact) as { category_key: string; status: string }[]).map(
      (row) => [row.category_key, row.status],
    ),
  );

const contactRow = (contact: string) =>
  db.prepare('SELECT confirmed_at, email_hash, token_epoch FROM contacts WHERE id = ?').get(contact) as {
    confirmed_at: string | null;
    email_hash: string;
    token_epoch: number;
  };

const suppressed = (contact: string) =>
  db.prepare('SELECT count(*) AS n FROM suppressions WHERE email_hash = ?').get(contactRow(contact).email_hash) as { n: number };

/** Makes every mail queued so far for the contact older than the 1-per-10-minutes window. */
function ageMail(contact: string) {
  const old = new Date(Date.now() - 11 * 60_000).toISOString();
  db.prepare('UPDATE outbox SET created_at = ? WHERE contact_id = ?').run(old, contact);
}

/** The confirmation link the outbox holds for the contact (the newest one). */
function confirmationLink(contact: string): string {
  const row = db.prepare("SELECT text FROM outbox WHERE contact_id = ? AND kind = 'confirmation' ORDER BY created_at DESC LIMIT 1").get(contact) as {
    text: string;
  };
  return new URL(/https?:\/\/\S+\/c\/\S+/.exec(row.text)![0]).pathname;
}

// --- the cases ----------------------------------------------------------------------------------

describe(`${N} parallel signups for one address send at most one confirmation email`, () => {
  it('a new address', async () => {
    const answers = await parallel(N, (i) => signup('race-new@example.com', ['newsletter'], i));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    const id = await contactId('race-new@example.com');
    expect(mails(id, 'confirmation')).toBe(1);
  });

  it('a pending address whose last link is older than 10 minutes', async () => {
    await signup('race-pending@example.com', ['newsletter']);
    const id = await contactId('race-pending@example.com');
    ageMail(id);
    await parallel(N, (i) => signup('race-pending@example.com', ['newsletter', 'offers'], i));
    expect(mails(id, 'confirmation')).toBe(2);
  });

  it('an imported address', async () => {
    const id = await importGranted('race-imported@example.com', ['newsletter']);
    await parallel(N, (i) => signup('race-imported@example.com', ['offers'], i));
    expect(mails(id, 'confirmation')).toBe(1);
    expect(consents(id)).toEqual({ newsletter: 'granted', offers: 'pending' });
  });

  it('a withdrawn address', async () => {
    const id = await importGranted('race-withdrawn@example.com', ['newsletter']);
    expect((await oneClick((await links('race-withdrawn@example.com')).unsubscribe)).status).toBe(200);
    expect(consents(id)).toEqual({ newsletter: 'withdrawn' });
    await parallel(N, (i) => signup('race-withdrawn@example.com', ['newsletter'], i));
    expect(mails(id, 'confirmation')).toBe(1);
    expect(consents(id)).toEqual({ newsletter: 'pending' });
  });

  it('an erased address', async () => {
    const id = await importGranted('race-erased@example.com', ['newsletter']);
    expect((await api('DELETE', `/sites/demo/contacts/${id}`)).status).toBe(200);
    await parallel(N, (i) => signup('race-erased@example.com', ['newsletter'], i));
    expect(mails(id, 'confirmation')).toBe(1);
    expect(suppressed(id).n).toBe(1);
  });
});

describe('links pressed in parallel', () => {
  it(`${N} "send me a fresh link" presses on an expired link send one email`, async () => {
    await signup('race-resend@example.com', ['newsletter']);
    const id = await contactId('race-resend@example.com');
    ageMail(id);
    // An expired link for that request, signed with the server's own key.
    const confirmation = db.prepare('SELECT id, categories FROM confirmations WHERE contact_id = ?').get(id) as { id: string; categories: string };
    const past = { now: () => new Date(Date.now() - 3 * 86400_000) };
    const token = await createTokens([{ kid: 'k1', secret: 'r'.repeat(40) }], past).sign(
      { purpose: 'confirm', subject: id, site: 'demo', jti: confirmation.id, categories: JSON.parse(confirmation.categories), epoch: 0 },
      60,
    );
    expect((await server.fetch(`/c/${token}`)).status).toBe(410);
    const answers = await parallel(N, (i) => via(i).fetch(`/c/${token}/resend`, { method: 'POST' }));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(mails(id, 'confirmation')).toBe(2);
  });

  it('a confirmation racing an erasure never mails, confirms or unsuppresses the erased person', async () => {
    for (let i = 0; i < 8; i++) {
      const email = `race-confirm-erase-${i}@example.com`;
      await signup(email, ['newsletter', 'offers']);
      const id = await contactId(email);
      const link = confirmationLink(id);
      await Promise.all([server.fetch(link, { method: 'POST' }), api('DELETE', `/sites/demo/contacts/${id}`, undefined, 1)]);
      const ledger = events(id);
      const confirmed = ledger.filter((e) => e.action === 'confirmed');
      const erased = ledger.filter((e) => e.action === 'erased');
      expect(erased.length).toBe(2);
      expect(suppressed(id).n).toBe(1);
      if (confirmed.length === 0) {
        expect(mails(id, 'welcome')).toBe(0);
        expect(contactRow(id).confirmed_at).toBeNull();
      } else {
        // The confirmation came first: then the erasure followed it, and cancelled the welcome.
        expect(Math.max(...confirmed.map((e) => e.id))).toBeLessThan(Math.min(...erased.map((e) => e.id)));
      }
    }
  });

  it('a confirmation racing a one-click never mails "you are confirmed" after the withdrawal', async () => {
    for (let i = 0; i < 8; i++) {
      const email = `race-confirm-oneclick-${i}@example.com`;
      await signup(email, ['newsletter']);
      const id = await contactId(email);
      const confirm = confirmationLink(id);
      const { unsubscribe } = await links(email);
      await Promise.all([server.fetch(confirm, { method: 'POST' }), oneClick(unsubscribe, 1)]);
      const ledger = events(id);
      const confirmed = ledger.find((e) => e.action === 'confirmed');
      const withdrawn = ledger.find((e) => e.action === 'withdrawn');
      expect(withdrawn).toBeDefined();
      expect(consents(id)).toEqual({ newsletter: 'withdrawn' });
      if (!confirmed) expect(mails(id, 'welcome')).toBe(0);
      else expect(confirmed.id).toBeLessThan(withdrawn!.id);
    }
  });

  it('two erasures at once write one erasure', async () => {
    const hook = await api('POST', '/sites/demo/webhooks', { url: 'http://127.0.0.1:9/race', events: ['contact.erased'] });
    expect(hook.status).toBe(201);
    const id = await importGranted('race-double-erase@example.com', ['newsletter', 'offers']);
    const answers = await parallel(N, (i) => api('DELETE', `/sites/demo/contacts/${id}`, undefined, i));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.contact.erasedAt)).size).toBe(1);
    expect(events(id).filter((e) => e.action === 'erased')).toHaveLength(2);
    const erasedHooks = db
      .prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE event_type = 'contact.erased' AND payload LIKE ?")
      .get(`%${id}%`) as { n: number };
    expect(erasedHooks.n).toBe(1);
    expect((await api('DELETE', `/sites/demo/webhooks/${hook.body.id}`)).status).toBe(200);
  });

  it('two identical preference saves at once write one change', async () => {
    // Confirmed once (a double opt-in), so the page may grant directly.
    await signup('race-prefs@example.com', ['newsletter']);
    const id = await contactId('race-prefs@example.com');
    expect((await server.fetch(confirmationLink(id), { method: 'POST' })).status).toBe(200);
    const { manage } = await links('race-prefs@example.com');
    const page = await (await server.fetch(manage)).text();
    const hash = /name="consent" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const form = () => {
      const body = new URLSearchParams({ consent: hash });
      for (const key of ['newsletter', 'offers']) body.append('shown', key);
      body.append('categories', 'offers');
      return body;
    };
    const answers = await parallel(N, (i) =>
      via(i).fetch(manage, { method: 'POST', body: form(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    );
    expect(answers.every((res) => res.status === 200)).toBe(true);
    const changes = events(id).filter((e) => e.method === 'preference_page');
    expect(changes.map((e) => `${e.category_key}:${e.action}`).sort()).toEqual(['newsletter:withdrawn', 'offers:granted']);
  });
});

describe('after all of the races above', () => {
  it('every event counts exactly the contact’s events before it, and the form was stored once', () => {
    const rows = db.prepare('SELECT id, contact_id, contact_seq, form_sha256 FROM consent_events ORDER BY id').all() as {
      id: number;
      contact_id: string;
      contact_seq: number | null;
      form_sha256: string | null;
    }[];
    const before = new Map<string, number>();
    for (const row of rows) {
      const count = before.get(row.contact_id) ?? 0;
      // Erasure events carry no count (they are written several at once, straight from the consents).
      if (row.contact_seq !== null) expect(row.contact_seq, `event ${row.id}`).toBe(count);
      before.set(row.contact_id, count + 1);
    }
    expect(rows.filter((row) => row.contact_seq !== null).length).toBeGreaterThan(50);
    expect(rows.some((row) => row.form_sha256 === formHash)).toBe(true);
    expect(db.prepare('SELECT sha256 FROM forms').all()).toEqual([{ sha256: formHash }]);
  });
});
