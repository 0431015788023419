// Seeds a bench database with N contacts in bulk: the migrations, the demo site and one template
// contact per profile and language made by the real code (seed-templates.ts), then N copies of
// those templates straight into SQLite with prepared statements in one transaction. Each copy
// gets its own id, address (encrypted with the project's field cipher) and lookup hash; its
// consents, ledger events and their encrypted evidence are the template's rows, and every event
// is sealed into the chain as the server's sealing step would (canonicalEvent, SHA-256), so the
// server starts on a ledger that verifies and has nothing to catch up on (nor to re-encrypt).
// Not copied: the templates' outbox rows (mail bodies) and spent confirmation rows, which no
// measured path reads.
//   node --import tsx scripts/bench/seed.ts --db FILE --contacts N --pool P --out seed.json
import BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { migrate } from '../../src/db/migrate.ts';
import type { ConsentEventRow } from '../../src/db/schema.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import { emailLookupHasher } from '../../src/domain/email-address.ts';
import { randomId } from '../../src/domain/ids.ts';
import { canonicalEvent, ledgerHead } from '../../src/domain/ledger-seal.ts';
import { benchConfig, benchDeps } from './bench-deps.ts';
import { seededEmail } from './seed-email.ts';
import { signLinks } from './seed-links.ts';
import { makeTemplates, PROFILES, localeOf, profileOf, type Template } from './seed-templates.ts';

export interface SeedResult {
  contacts: number;
  rows: Record<'contacts' | 'consents' | 'events' | 'evidence' | 'seals', number>;
  profiles: { name: string; contacts: number }[];
  seconds: { templates: number; bulk: number; links: number };
  bytes: number;
  /** Paths of manage links (/p/...) of distinct contacts, in random order. */
  manage: string[];
  /** Paths of unscoped unsubscribe links (/u/...) of distinct contacts with something to withdraw, in random order. */
  oneClick: string[];
  /** Contacts a one-click would withdraw something from (the most distinct one-clicks possible). */
  withdrawable: number;
}

type Row = Record<string, unknown>;

interface TemplateRows {
  contact: Row;
  consents: Row[];
  events: { event: Row; evidence: Row | undefined }[];
}

const CHUNK = 2000;

export async function seed(path: string, contacts: number, pool: number): Promise<SeedResult> {
  const config = benchConfig(path);
  const handle = openSqlite(path);
  const { sqlite } = handle;
  migrate(sqlite);
  const deps = benchDeps(handle, config);
  let started = performance.now();
  const templates = await makeTemplates(sqlite, deps);
  const templateSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const rows = templates.map((template) => readTemplate(sqlite, template));
  const byProfileLocale = new Map(templates.map((t, i) => [`${t.profile}:${t.locale}`, rows[i]!]));
  const insert = {
    contact: insertInto(sqlite, 'contacts', rows[0]!.contact),
    consent: insertInto(sqlite, 'consents', rows[0]!.consents[0]!),
    event: insertInto(sqlite, 'consent_events', rows[0]!.events[0]!.event),
    evidence: insertInto(sqlite, 'event_evidence', rows[0]!.events[0]!.evidence!),
    seal: sqlite.prepare('INSERT INTO ledger_seals (event_id, hash, sealed_at) VALUES (?, ?, ?)'),
  };
  const head = await ledgerHead(handle.db);
  let previous = head!.hash;
  let eventId = head!.eventId;
  const sealedAt = new Date().toISOString();
  const hash = await emailLookupHasher(config.lookupKey);
  const count = { contacts: 0, consents: 0, events: 0, evidence: 0, seals: 0 };
  const ids: string[] = new Array(contacts);
  const withdrawable: string[] = [];

  // Seeding is not serving: no journal (a failed seed is thrown away), no fsync, a large cache,
  // no foreign-key checks (every row copies a template row that passed them, with the ids of
  // rows inserted just before). The file goes back to WAL for the server at the end.
  sqlite.pragma('journal_mode = DELETE');
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.exec('BEGIN');
  for (let from = 0; from < contacts; from += CHUNK) {
    const indexes = Array.from({ length: Math.min(CHUNK, contacts - from) }, (_, k) => from + k);
    // The cipher and the HMAC are WebCrypto (async): a chunk at a time, between the inserts.
    const sealed = await Promise.all(indexes.map(async (i) => [await deps.cipher.encrypt(seededEmail(i)), await hash(seededEmail(i))] as const));
    for (const [k, i] of indexes.entries()) {
      const template = byProfileLocale.get(`${profileOf(i)}:${localeOf(i)}`)!;
      const id = randomId();
      ids[i] = id;
      if (PROFILES[profileOf(i)]!.withdrawable) withdrawable.push(id);
      insert.contact.run(values({ ...template.contact, id, email: sealed[k]![0], email_hash: sealed[k]![1] }));
      count.contacts++;
      for (const consent of template.consents) {
        insert.consent.run(values({ ...consent, contact_id: id }));
        count.consents++;
      }
      for (const { event, evidence } of template.events) {
        eventId++;
        const row = { ...event, id: eventId, contact_id: id };
        insert.event.run(values(row));
        count.events++;
        if (evidence) {
          insert.evidence.run(values({ ...evidence, event_id: eventId }));
          count.evidence++;
        }
        previous = createHash('sha256').update(`${previous}\n${canonicalEvent(row as unknown as ConsentEventRow)}`).digest('hex');
        insert.seal.run(eventId, previous, sealedAt);
        count.seals++;
      }
    }
  }
  // Every value is under the current key, as after the server's own first start: it marks that,
  // so its later starts skip the re-encryption pass (src/domain/reencrypt.ts).
  sqlite
    .prepare("INSERT OR REPLACE INTO maintenance_marks (name, value, updated_at) VALUES ('encrypted_under', ?, ?)")
    .run(deps.cipher.currentKeyId, sealedAt);
  sqlite.exec('COMMIT');
  const bulkSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const links = await signLinks(deps, sample(ids, pool), sample(withdrawable, pool));
  const linkSeconds = (performance.now() - started) / 1000;
  sqlite.close();
  // On a fresh connection: SQLite would not change the journal mode on the one above ("database table is locked").
  const reopened = new BetterSqlite3(path);
  reopened.pragma('journal_mode = WAL');
  reopened.close();

  const perProfile = PROFILES.map((profile) => ({ name: profile.name, contacts: 0 }));
  for (let i = 0; i < contacts; i++) perProfile[profileOf(i)]!.contacts++;
  return {
    contacts,
    rows: count,
    profiles: perProfile,
    seconds: { templates: templateSeconds, bulk: bulkSeconds, links: linkSeconds },
    bytes: statSync(path).size,
    manage: links.manage,
    oneClick: links.oneClick,
    withdrawable: withdrawable.length,
  };
}

function readTemplate(sqlite: BetterSqlite3.Database, template: Template): TemplateRows {
  const contact = sqlite.prepare('SELECT * FROM contacts WHERE id = ?').get(template.contactId) as Row;
  const consents = sqlite.prepare('SELECT * FROM consents WHERE contact_id = ? ORDER BY category_key').all(template.contactId) as Row[];
  const events = (sqlite.prepare('SELECT * FROM consent_events WHERE contact_id = ? ORDER BY id').all(template.contactId) as Row[]).map((event) => ({
    event,
    evidence: sqlite.prepare('SELECT * FROM event_evidence WHERE event_id = ?').get(event.id) as Row | undefined,
  }));
  return { contact, consents, events };
}

/** An insert of every column the template row has, in its order (new columns come along by themselves). */
function insertInto(sqlite: BetterSqlite3.Database, table: string, example: Row) {
  const columns = Object.keys(example);
  return sqlite.prepare(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
}

const values = (row: Row) => Object.values(row);

/** Up to `size` distinct items in random order. */
function sample<T>(items: readonly T[], size: number): T[] {
  const copy = [...items];
  const n = Math.min(size, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
  const result = await seed(arg('--db')!, Number(arg('--contacts')), Number(arg('--pool')));
  writeFileSync(arg('--out')!, JSON.stringify(result));
}
