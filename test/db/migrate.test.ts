import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';

describe('migrations', () => {
  it('applies each file once and records it in d1_migrations as wrangler does', () => {
    const sqlite = new BetterSqlite3(':memory:');
    expect(migrate(sqlite)).toContain('0001_init.sql');
    expect(migrate(sqlite)).toEqual([]);
    const rows = sqlite.prepare('SELECT id, name, applied_at FROM d1_migrations ORDER BY id').all() as {
      id: number;
      name: string;
      applied_at: string;
    }[];
    expect(rows[0]).toMatchObject({ id: 1, name: '0001_init.sql' });
    expect(rows[0]!.applied_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const columns = sqlite.prepare('PRAGMA table_info(d1_migrations)').all() as { name: string; type: string }[];
    expect(columns.map((c) => `${c.name} ${c.type}`)).toEqual(['id INTEGER', 'name TEXT', 'applied_at TIMESTAMP']);
  });

  it('rolls a failing file back whole and records nothing for it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-migrations-'));
    cpSync(join(MIGRATIONS_DIR, '0001_init.sql'), join(dir, '0001_init.sql'));
    writeFileSync(join(dir, '0002_broken.sql'), 'CREATE TABLE half (x TEXT);\nTHIS IS NOT SQL;');
    const sqlite = new BetterSqlite3(':memory:');
    expect(() => migrate(sqlite, dir)).toThrow();
    const names = sqlite.prepare('SELECT name FROM d1_migrations').all().map((r) => (r as { name: string }).name);
    expect(names).toEqual(['0001_init.sql']);
    const half = sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get();
    expect(half).toBeUndefined();
  });

  it('makes the ledger refuse updates and deletes', () => {
    const sqlite = new BetterSqlite3(':memory:');
    migrate(sqlite);
    sqlite.exec(`
      INSERT INTO sites (id, name, legal_name, postal_address, inquiry_contact, sender_address, privacy_policy_url,
          privacy_policy_version, default_locale, time_zone, created_at)
        VALUES ('s', 'S', 'S Ltd', 'addr', 'inq', NULL, 'https://x', '1', 'en', 'UTC', '2026-01-01T00:00:00.000Z');
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, confirmed_at, created_at, updated_at)
        VALUES ('c', 's', 'a@b.example', 'h', NULL, 'en', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale)
        VALUES ('s', 'c', 'news', 'email', 'requested', 'signup_form', '2026-01-01T00:00:00.000Z', 'en');
    `);
    expect(() => sqlite.exec("UPDATE consent_events SET method = 'forged'")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM consent_events')).toThrow(/append-only/);
    expect(sqlite.prepare('SELECT method FROM consent_events').get()).toEqual({ method: 'signup_form' });
  });
});
