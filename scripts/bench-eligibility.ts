// Times POST /api/v1/sites/{site}/eligibility for 10,000 addresses (half known) through the
// real app (app.request), on a file-backed embedded database with 20,000 contacts inserted in
// bulk, each with the ledger events its consent would have (a request, then a confirmation, then
// a withdrawal), so that finding each consent's grant in force costs what it does in use.
// Prints the median of several runs. Run: npm run bench:eligibility
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.tsx';
import { parseConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openSqlite } from '../src/db/sqlite.ts';
import { emailLookupHasher } from '../src/domain/email-address.ts';
import { seedDemoSiteIfEmpty } from '../src/domain/seed-demo.ts';
import { benchDeps } from './bench/bench-deps.ts';

const CONTACTS = 20_000;
const ADDRESSES = 10_000;
const RUNS = 7;
const KEY = 'bench-admin-key-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'assent-bench-'));
try {
  const { sqlite, db, atomic } = openSqlite(join(dir, 'assent.db'));
  migrate(sqlite);
  const config = parseConfig({
    TOKEN_SECRETS: 'k1:' + 'b'.repeat(40),
    LOOKUP_KEY: 'l'.repeat(40),
    ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 2).toString('base64')}`,
    BASE_URL: 'https://assent.bench',
    RESEND_API_KEY: 're_bench_unused', // a public BASE_URL needs one; the bench's mailer is a stub
    ADMIN_API_KEY: KEY,
  });
  const deps = benchDeps({ db, atomic }, config);
  await seedDemoSiteIfEmpty(deps);

  const hash = await emailLookupHasher(config.lookupKey);
  const now = new Date().toISOString();
  const contacts = await Promise.all(
    Array.from({ length: CONTACTS }, async (_, i) => ({ id: `c${i}`, email: await deps.cipher.encrypt(`known${i}@example.com`), hash: await hash(`known${i}@example.com`) })),
  );
  const insertContact = sqlite.prepare(
    "INSERT INTO contacts (id, site_id, email, email_hash, name, locale, created_at, updated_at) VALUES (?, 'demo', ?, ?, NULL, 'en', ?, ?)",
  );
  const insertConsent = sqlite.prepare("INSERT INTO consents (contact_id, category_key, channel, site_id, status, updated_at) VALUES (?, 'newsletter', 'email', 'demo', ?, ?)");
  const insertEvent = sqlite.prepare(
    "INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale) VALUES ('demo', ?, 'newsletter', 'email', ?, ?, ?, 'en')",
  );
  const history = { granted: ['requested', 'confirmed'], pending: ['requested'], withdrawn: ['requested', 'confirmed', 'withdrawn'] };
  const method = { requested: 'signup_form', confirmed: 'confirmation_link', withdrawn: 'one_click' };
  sqlite.transaction(() => {
    contacts.forEach((c, i) => {
      const status = (['granted', 'granted', 'pending', 'withdrawn'] as const)[i % 4]!;
      insertContact.run(c.id, c.email, c.hash, now, now);
      insertConsent.run(c.id, status, now);
      for (const action of history[status]) insertEvent.run(c.id, action, method[action as keyof typeof method], now);
    });
  })();

  const app = createApp(() => deps, { clientIp: () => '127.0.0.1' });
  const emails = Array.from({ length: ADDRESSES }, (_, i) => (i % 2 === 0 ? `known${i * 2}@example.com` : `unknown${i}@example.com`));
  const body = JSON.stringify({ category: 'newsletter', emails });
  const call = async () => {
    const start = performance.now();
    const res = await app.request('/api/v1/sites/demo/eligibility', {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body,
    });
    const { results } = (await res.json()) as { results: unknown[] };
    const ms = performance.now() - start;
    if (res.status !== 200 || results.length !== ADDRESSES) throw new Error(`unexpected answer: ${res.status}`);
    return ms;
  };
  await call(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await call());
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`eligibility: ${ADDRESSES} addresses (half known) against ${CONTACTS} contacts, file-backed SQLite`);
  console.log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`median: ${median.toFixed(0)} ms  (Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length})`);
  sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
