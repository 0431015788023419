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

describe('0024_sms_channel.sql', () => {
  it('rebuilds the ledger on a populated, sealed database: same rows, ids and evidence, the seal verifies, sms and the new actions allowed', async () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0024-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0024')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite, db, atomic } = openSqlite(':memory:'); // foreign keys on, as in the app
    migrate(sqlite, before);
    const config = parseConfig({ TOKEN_SECRETS: TEST_SECRET, LOOKUP_KEY: 'l'.repeat(40), ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS });
    const deps = { db, atomic, clock: fixedClock(), cipher: createFieldCipher(config.encryptionKeys), config };
    sqlite.exec(`
      INSERT INTO sites (id, name, legal_name, postal_address, inquiry_contact, sender_address, privacy_policy_url, privacy_policy_version, default_locale, time_zone, created_at)
        VALUES ('s', 'S', 'S Ltd', 'addr', 'inq', NULL, 'https://x', '1', 'en', 'UTC', '2026-01-01T00:00:00.000Z');
      INSERT INTO categories (site_id, key, kind, position, created_at) VALUES ('s', 'news', 'opt_in', 0, '2026-01-01T00:00:00.000Z');
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, confirmed_at, created_at, updated_at)
        VALUES ('c', 's', 'a@b.example', 'h', NULL, 'en', NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');`);
    const insert = sqlite.prepare(`INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale, evidence_mac, actor, basis, contact_seq)
      VALUES ('s', 'c', 'news', ?, ?, 'signup_form', ?, 'en', ?, ?, ?, ?)`);
    for (let i = 0; i < 40; i++) {
      const note = i % 7 ? null : `note ${i}`;
      const evidence = { ip: `203.0.113.${i}`, userAgent: `UA/${i}`, note };
      const { lastInsertRowid } = insert.run('email', ['requested', 'confirmed', 'withdrawn', 'granted'][i % 4], `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, await evidenceMac(config.lookupKey, evidence), i % 5 ? null : 'api_key:k', i % 4 === 3 ? 'express' : null, i);
      sqlite.prepare('INSERT INTO event_evidence VALUES (?, ?, ?, ?)').run(lastInsertRowid, await deps.cipher.encrypt(evidence.ip), await deps.cipher.encrypt(evidence.userAgent), note === null ? null : await deps.cipher.encrypt(note));
    }
    await sealLedger(deps);
    const report = await verifyLedger(deps, 7);
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true, events: 40, sealed: 40 });
    const events = sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all();
    const evidence = sqlite.prepare('SELECT * FROM event_evidence ORDER BY event_id').all();
    expect(() => insert.run('sms', 'granted', '2026-01-02T00:00:00.000Z', null, null, null, 40)).toThrow(/CHECK/);

    expect(migrate(sqlite)).toContain('0024_sms_channel.sql');
    expect(sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all()).toEqual(events);
    expect(sqlite.prepare('SELECT * FROM event_evidence ORDER BY event_id').all()).toEqual(evidence);
    expect(await verifyLedger(deps, 7)).toEqual(report);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    // Existing categories are offered by email only; existing contacts have no number.
    expect(sqlite.prepare('SELECT channels FROM categories').get()).toEqual({ channels: '["email"]' });
    expect(sqlite.prepare('SELECT phone, phone_hash FROM contacts').get()).toEqual({ phone: null, phone_hash: null });

    insert.run('sms', 'granted', '2026-01-02T00:00:00.000Z', null, null, null, 40);
    insert.run('sms', 'resubscribed', '2026-01-02T00:00:01.000Z', null, null, null, 41);
    insert.run('sms', 'replied', '2026-01-02T00:00:02.000Z', null, null, null, 42);
    expect(sqlite.prepare('SELECT MAX(id) AS id FROM consent_events').get()).toEqual({ id: 43 });
    expect(() => insert.run('fax', 'granted', '2026-01-02T00:00:03.000Z', null, null, null, 43)).toThrow(/CHECK/);
    expect(() => insert.run('sms', 'forgotten', '2026-01-02T00:00:03.000Z', null, null, null, 43)).toThrow(/CHECK/);
    expect(() => sqlite.exec("UPDATE consent_events SET method = 'forged'")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM consent_events')).toThrow(/append-only/);
    expect(() => sqlite.exec('INSERT INTO event_evidence (event_id) VALUES (999)')).toThrow(/FOREIGN KEY/);
    // Two contacts of a site cannot share a number; contacts without one are many.
    sqlite.exec(`UPDATE contacts SET phone = 'enc', phone_hash = 'p1' WHERE id = 'c';
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, created_at, updated_at) VALUES ('d', 's', 'x', 'h2', NULL, 'en', 't', 't');
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, created_at, updated_at) VALUES ('e', 's', 'y', 'h3', NULL, 'en', 't', 't');`);
    expect(() => sqlite.exec("UPDATE contacts SET phone_hash = 'p1' WHERE id = 'd'")).toThrow(/UNIQUE/);
    await sealLedger(deps);
    expect(await verifyLedger(deps, 7)).toMatchObject({ ok: true, events: 43, sealed: 43 });
  });
});
