import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';

describe('0012_audit_hardening.sql', () => {
  it('keeps every earlier audit row and id, marks them allowed, and makes the log append-only', () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0012-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0012')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite } = openSqlite(':memory:'); // foreign keys on, as in the app
    migrate(sqlite, before);
    const insert = sqlite.prepare(`INSERT INTO audit_log (key_id, method, route, site_id, contact_id, status, occurred_at)
      VALUES ('admin', 'GET', '/api/v1/sites/:site/contacts/:id/events', 'demo', ?, 200, ?)`);
    for (let i = 0; i < 5; i++) insert.run(`c${i}`, `2026-01-01T00:00:0${i}.000Z`);
    // An id handed out and rolled back, or deleted before the trigger existed, is not reused.
    sqlite.exec('DELETE FROM audit_log WHERE id = 5');
    const rows = sqlite.prepare('SELECT * FROM audit_log ORDER BY id').all();

    expect(migrate(sqlite)).toContain('0012_audit_hardening.sql');
    expect(sqlite.prepare('SELECT * FROM audit_log ORDER BY id').all()).toEqual(
      // (0021 adds operator_id, null for every API row.)
      rows.map((row) => ({ ...(row as object), outcome: 'allowed', attempt: null, operator_id: null })),
    );
    sqlite.exec(`INSERT INTO audit_log (key_id, method, route, status, occurred_at, outcome, attempt)
      VALUES (NULL, 'GET', '/api/v1/audit', 401, '2026-01-02T00:00:00.000Z', 'no_key', 1)`);
    expect(sqlite.prepare('SELECT MAX(id) AS id FROM audit_log').get()).toEqual({ id: 6 });
    expect(() => sqlite.exec("UPDATE audit_log SET status = 200 WHERE id = 6")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    expect(() => sqlite.exec("INSERT INTO audit_clients (audit_id, ip) VALUES (999, 'enc:v1:x')")).toThrow(/FOREIGN KEY/);
    expect(() => sqlite.exec("INSERT INTO audit_contacts (contact_id, audit_id) VALUES ('c', 999)")).toThrow(/FOREIGN KEY/);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
  });
});
