// Migration 0015 adds the forms table and two ledger columns (form_sha256, contact_seq). A ledger
// sealed before it must verify after it, unchanged; events written after it are sealed with
// the new columns, and editing either of them breaks the chain at that event.
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import type { ConsentEventRow, SiteRow } from '../../src/db/schema.ts';
import type { Deps } from '../../src/deps.ts';
import { changeQueries, evidenceMac } from '../../src/domain/consent-change.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { randomId, sha256Hex } from '../../src/domain/ids.ts';
import { canonicalEvent, sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { fixedClock, memoryMailer, silentLog, TEST_ENCRYPTION_KEYS, TEST_SECRET } from '../helpers/test-app.ts';

const MIGRATION = '0015_forms_and_proof.sql';

describe(MIGRATION, () => {
  it('keeps a ledger sealed before it verifying, and seals what it adds', async () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0015-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < MIGRATION)) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite, db, atomic } = openSqlite(':memory:');
    migrate(sqlite, before);
    const clock = fixedClock();
    const config = parseConfig({ TOKEN_SECRETS: TEST_SECRET, LOOKUP_KEY: 'l'.repeat(40), ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS });
    const deps: Deps = {
      db, atomic, clock, config, mailer: memoryMailer(), tokens: createTokens(config.tokenSecrets, clock),
      cipher: createFieldCipher(config.encryptionKeys), log: silentLog, newId: randomId, mailQueued: () => {},
    };
    const at = '2026-01-01T00:00:00.000Z';
    sqlite.exec(`
      INSERT INTO sites (id, name, legal_name, postal_address, inquiry_contact, sender_address, privacy_policy_url, privacy_policy_version, default_locale, time_zone, created_at)
        VALUES ('s', 'S', 'S Ltd', 'addr', 'inq', NULL, 'https://x', '1', 'en', 'UTC', '${at}');
      INSERT INTO contacts (id, site_id, email, email_hash, name, locale, confirmed_at, created_at, updated_at)
        VALUES ('c', 's', 'enc', 'h', NULL, 'en', NULL, '${at}', '${at}');
      INSERT INTO consent_texts (sha256, text, locale, policy_version, created_at) VALUES ('${'a'.repeat(64)}', 'wording', 'en', '1', '${at}');
      INSERT INTO consents (contact_id, category_key, channel, site_id, status, updated_at) VALUES ('c', 'news', 'email', 's', 'granted', '${at}');`);
    // The ledger as the code before 0015 wrote it: requests, confirmations, imports with an actor.
    const insert = sqlite.prepare(`INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at,
        source_url, consent_text_sha256, policy_version, locale, evidence_mac, actor)
      VALUES ('s', 'c', ?, 'email', ?, ?, ?, 'https://x/s', '${'a'.repeat(64)}', '1', 'en', ?, ?)`);
    for (let i = 0; i < 12; i++) {
      const evidence = { ip: `203.0.113.${i}`, userAgent: `UA/${i}` };
      const imported = i % 4 === 3;
      const { lastInsertRowid } = insert.run(
        i % 2 ? 'news' : 'offers',
        imported ? 'granted' : i % 2 ? 'confirmed' : 'requested',
        imported ? 'paper' : 'signup_form',
        `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
        await evidenceMac(config.lookupKey, evidence),
        imported ? 'api_key:k1' : null,
      );
      sqlite.prepare('INSERT INTO event_evidence (event_id, ip, user_agent) VALUES (?, ?, ?)').run(lastInsertRowid, await deps.cipher.encrypt(evidence.ip), await deps.cipher.encrypt(evidence.userAgent));
    }
    expect(await sealLedger(deps)).toBe(12);
    const report = await verifyLedger(deps, 5);
    expect(report).toMatchObject({ ok: true, events: 12, sealed: 12 });
    const rows = sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all();
    const seals = sqlite.prepare('SELECT * FROM ledger_seals ORDER BY event_id').all();

    expect(migrate(sqlite)).toContain(MIGRATION);
    // Every earlier row and seal as it was, the new columns NULL; the chain verifies as before.
    expect(sqlite.prepare('SELECT * FROM consent_events ORDER BY id').all()).toEqual(
      rows.map((row) => ({ ...(row as object), form_sha256: null, contact_seq: null })),
    );
    expect(sqlite.prepare('SELECT * FROM ledger_seals ORDER BY event_id').all()).toEqual(seals);
    expect(await verifyLedger(deps, 5)).toEqual(report);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);

    // Events written by today's code: the contact's count of earlier events and the form.
    const form = async (content: string) => {
      const sha256 = await sha256Hex(content);
      sqlite
        .prepare(`INSERT INTO forms (sha256, site_id, door, locale, template_version, content_type, content, consent_text_sha256, created_at)
          VALUES (?, 's', 'hosted', 'en', 'signup-page/1', 'text/html', ?, '${'a'.repeat(64)}', '${at}')`)
        .run(sha256, content);
      return sha256;
    };
    const shown = await form('<form>shown</form>');
    const other = await form('<form>another</form>');
    const site = sqlite.prepare("SELECT * FROM sites WHERE id = 's'").get() as SiteRow;
    const contact = await db.selectFrom('contacts').selectAll().where('id', '=', 'c').executeTakeFirstOrThrow();
    const batch = deps.newId();
    await deps.atomic(
      await changeQueries(
        deps,
        { site, contact },
        { key: 'news', action: 'withdrawn', status: 'withdrawn', method: 'unsubscribe_page', guard: { in: ['granted'] } },
        { ip: '198.51.100.1', userAgent: 'UA/new' },
        { sha256: 'a'.repeat(64), policyVersion: '1', formSha256: shown },
        clock.now().toISOString(),
        batch,
      ),
    );
    const added = sqlite.prepare('SELECT * FROM consent_events WHERE id = 13').get() as ConsentEventRow;
    expect(added).toMatchObject({ contact_seq: 12, form_sha256: shown });
    expect(canonicalEvent(added).endsWith(`,{"contact_seq":12,"form_sha256":"${shown}"}]`)).toBe(true);
    expect(await sealLedger(deps)).toBe(1);
    expect(await verifyLedger(deps, 5)).toMatchObject({ ok: true, events: 13, sealed: 13 });

    // Both columns are under the seal (triggers lifted only to simulate tampering).
    sqlite.exec('DROP TRIGGER consent_events_no_update');
    sqlite.prepare('UPDATE consent_events SET form_sha256 = ? WHERE id = 13').run(other);
    expect((await verifyLedger(deps, 5)).problem).toEqual({ kind: 'altered', eventId: 13 });
    sqlite.prepare('UPDATE consent_events SET form_sha256 = ?, contact_seq = 11 WHERE id = 13').run(shown);
    expect((await verifyLedger(deps, 5)).problem).toEqual({ kind: 'altered', eventId: 13 });
    sqlite.prepare('UPDATE consent_events SET contact_seq = 12 WHERE id = 13').run();
    expect(await verifyLedger(deps, 5)).toMatchObject({ ok: true });
    // A form row, like the wording it shows, is never changed or removed.
    expect(() => sqlite.prepare("UPDATE forms SET content = 'x' WHERE sha256 = ?").run(shown)).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM forms WHERE sha256 = ?').run(other)).toThrow(/append-only/);
  });
});
