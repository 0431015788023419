import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';

describe('0022_import_actors.sql', () => {
  it('keeps every earlier import as the API key’s, and from then on takes a key or an operator, never both or neither', () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0022-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0022')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite } = openSqlite(':memory:'); // foreign keys on, as in the app
    migrate(sqlite, before);
    sqlite.exec(`INSERT INTO sites (id, name, legal_name, postal_address, inquiry_contact, privacy_policy_url, privacy_policy_version, default_locale, time_zone, created_at)
      VALUES ('s1', 'Shop', 'Shop K.K.', 'Tokyo', 'hi@shop.example', 'https://shop.example/p', '1', 'en', 'UTC', '2026-01-01T00:00:00.000Z')`);
    sqlite.exec(`INSERT INTO imports (site_id, id, body_sha256, item_count, api_key_id, result, created_at)
      VALUES ('s1', 'shop-1', 'abc', 2, 'admin', '{"granted":2}', '2026-01-02T00:00:00.000Z')`);

    expect(migrate(sqlite)).toContain('0022_import_actors.sql');
    expect(sqlite.prepare('SELECT * FROM imports').all()).toEqual([
      { site_id: 's1', id: 'shop-1', body_sha256: 'abc', item_count: 2, api_key_id: 'admin', operator_id: null, result: '{"granted":2}', created_at: '2026-01-02T00:00:00.000Z' },
    ]);
    sqlite.exec(`INSERT INTO operators (id, email, email_hash, role, site_id, created_at, updated_at) VALUES ('op1', 'enc', 'h', 'editor', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
    const insert = (id: string, key: string | null, operator: string | null) =>
      sqlite.prepare(`INSERT INTO imports (site_id, id, body_sha256, item_count, api_key_id, operator_id, result, created_at) VALUES ('s1', ?, 'x', 1, ?, ?, '{}', '2026-01-03T00:00:00.000Z')`).run(id, key, operator);
    insert('console-1', null, 'op1');
    expect(() => insert('both', 'admin', 'op1')).toThrow(/CHECK/);
    expect(() => insert('neither', null, null)).toThrow(/CHECK/);
    expect(() => insert('ghost', null, 'no-such-operator')).toThrow(/FOREIGN KEY/);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
  });
});
