import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import { evidenceMac } from '../../src/domain/consent-change.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { fixedClock, TEST_ENCRYPTION_KEYS, TEST_SECRET } from '../helpers/test-app.ts';

describe('0006_erasure.sql', () => {
  it('rebuilds the ledger on a populated database: same rows and ids, seal still verifies, erased allowed', async () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0006-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0006')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite, db, atomic } = openSqlite(':memory:'); // foreign keys on, as in the app
    migrate(sqlite, before);
    const config = parseConfig({ TOKEN_SECRETS: TEST_SECRET, LOOKUP_KEY: 'l'.repeat(40), ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS });
    const deps = { db, atomic, clock: fixedClock(), cipher: createFieldCipher(config.encryptionKeys), config };
    sqlite.exec(`
      INSERT INTO sites VALUES ('s', 'S', 'S Ltd', 'addr', 'inq', NULL, 'https://x', '1', 'en', 'UTC', '2026-01-01T00:00:00.000Z');
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, confirmed_at, created_at, updated_at)
        VALUES ('c', 's', 'a@b.example', 'h', NULL, 'en', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');`);
    const insert = sqlite.prepare(`INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale, evidence_mac)
      VALUES ('s', 'c', ?, 'email', ?, 'signup_form', ?, 'en', ?)`);
    for (let i = 0; i < 30; i++) {
      const evidence = { ip: `203.0.113.${i}`, userAgent: `UA/${i}` };
      const { lastInsertRowid } = insert.run(`cat${i % 3}`, i % 2 ? 'confirmed' : 'requested', `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, await evidenceMac(config.lookupKey, evidence));
      sqlite.prepare('INSERT INTO event_evidence VALUES (?, ?, ?)').run(lastInsertRowid, await deps.cipher.encrypt(evidence.ip), await deps.cipher.encrypt(evidence.userAgent));
    }
    await sealLedger(deps);
    const report = await verifyLedger(deps, 7);
    expect(report).toMatchObject({ ok: true, events: 30, sealed: 30 });
    const rows = sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all();

    expect(migrate(sqlite)).toContain('0006_erasure.sql');
    // Later migrations add columns (0009: actor; 0014: basis, relationship_at; 0015: form_sha256,
    // contact_seq), NULL on every earlier row; nothing else changes.
    expect(sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all()).toEqual(
      rows.map((row) => ({ ...(row as object), actor: null, basis: null, relationship_at: null, form_sha256: null, contact_seq: null })),
    );
    expect(await verifyLedger(deps, 7)).toEqual(report);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    insert.run('cat0', 'erased', '2026-01-02T00:00:00.000Z', null);
    expect(sqlite.prepare('SELECT MAX(id) AS id FROM consent_events').get()).toEqual({ id: 31 });
    expect(() => sqlite.exec("UPDATE consent_events SET method = 'forged'")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM consent_events')).toThrow(/append-only/);
    expect(() => sqlite.exec('INSERT INTO event_evidence (event_id, ip, user_agent) VALUES (999, NULL, NULL)')).toThrow(/FOREIGN KEY/);
    expect(() => insert.run('cat0', 'forgotten', '2026-01-02T00:00:00.000Z', null)).toThrow(/CHECK/);
    await sealLedger(deps);
    expect(await verifyLedger(deps, 7)).toMatchObject({ ok: true, events: 31, sealed: 31 });
  });
});
