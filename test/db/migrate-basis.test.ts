import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import { openSqlite } from '../../src/db/sqlite.ts';
import type { Deps } from '../../src/deps.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { randomId } from '../../src/domain/ids.ts';
import { importConsents } from '../../src/domain/import-consents.ts';
import { sealLedger, verifyLedger } from '../../src/domain/ledger-seal.ts';
import { seedDemoSiteIfEmpty } from '../../src/domain/seed-demo.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { ADMIN_KEY, BASE_URL, fixedClock, memoryMailer, silentLog, TEST_ENCRYPTION_KEYS, TEST_SECRET } from '../helpers/test-app.ts';

describe('migration 0014', () => {
  it('leaves a ledger sealed before it verifying, after it and after imports with a basis', async () => {
    const before = mkdtempSync(join(tmpdir(), 'assent-0014-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0014')) cpSync(join(MIGRATIONS_DIR, name), join(before, name));
    const { sqlite, db, atomic } = openSqlite(':memory:');
    migrate(sqlite, before);
    const clock = fixedClock();
    const config = parseConfig({ TOKEN_SECRETS: TEST_SECRET, LOOKUP_KEY: 'l'.repeat(40), ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, BASE_URL, ADMIN_API_KEY: ADMIN_KEY, RESEND_API_KEY: 're_test_stand_in' });
    const deps: Deps = {
      db, atomic, clock, config, mailer: memoryMailer(), tokens: createTokens(config.tokenSecrets, clock),
      cipher: createFieldCipher(config.encryptionKeys), log: silentLog, newId: randomId, mailQueued: () => {},
    };
    await seedDemoSiteIfEmpty(deps);
    // The ledger as the code before 0014 wrote it: a signup, its confirmation and an import with an actor.
    const now = clock.now().toISOString();
    sqlite.prepare("INSERT INTO contacts (id, site_id, email, email_hash, locale, created_at, updated_at) VALUES ('c1', 'demo', 'x', 'h1', 'en', ?, ?)").run(now, now);
    const event = sqlite.prepare("INSERT INTO consent_events (site_id, contact_id, category_key, channel, action, method, occurred_at, locale, actor) VALUES ('demo', 'c1', ?, 'email', ?, ?, ?, 'en', ?)");
    event.run('newsletter', 'requested', 'signup_form', now, null);
    event.run('newsletter', 'confirmed', 'confirmation_link', now, null);
    event.run('offers', 'granted', 'paper', '2026-10-01T00:00:00.000Z', 'api_key:admin');
    expect(await sealLedger(deps)).toBe(3);
    const head = (await verifyLedger(deps)).head;

    expect(migrate(sqlite)).toEqual(readdirSync(MIGRATIONS_DIR).filter((n) => n >= '0014').sort());
    // The old rows have no basis, and hash as they did.
    expect(sqlite.prepare('SELECT basis, relationship_at FROM consent_events').all()).toEqual(Array(3).fill({ basis: null, relationship_at: null }));
    expect(await verifyLedger(deps)).toMatchObject({ ok: true, sealed: 3, head });

    clock.advance(60_000);
    const outcome = await importConsents(deps, 'demo', { apiKeyId: 'admin' }, {
      importId: 'after',
      items: [
        { email: 'a@example.com', categories: ['newsletter'], method: 'in_store', occurredAt: '2026-10-20T00:00:00Z', evidence: 'Receipt #5', consentText: 'Yes.', basis: 'implied_purchase', relationshipAt: '2026-10-20' },
        { email: 'b@example.com', categories: ['newsletter'], method: 'previous_system', occurredAt: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(outcome).toMatchObject({ kind: 'done', result: { granted: 2 } });
    expect(await sealLedger(deps)).toBe(2);
    expect(await verifyLedger(deps)).toMatchObject({ ok: true, sealed: 5, events: 5 });
    // The new tables refuse rewrites like the ledger does.
    sqlite.exec("INSERT INTO site_identity_history (site_id, legal_name, postal_address, inquiry_contact, replaced_at) VALUES ('demo', 'Old K.K.', 'Old street', 'old@example.com', '2026-11-01T09:00:00.000Z')");
    expect(() => sqlite.exec("UPDATE site_identity_history SET legal_name = 'Forged'")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM site_identity_history')).toThrow(/append-only/);
    sqlite.exec("INSERT INTO category_terms_versions (site_id, category_key, locale, change, purpose, frequency, changed_at) VALUES ('demo', 'newsletter', 'en', 'material', 'p', 'f', '2026-11-01T09:00:00.000Z')");
    expect(() => sqlite.exec("UPDATE category_terms_versions SET change = 'minor'")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM category_terms_versions')).toThrow(/append-only/);
    expect(() => sqlite.exec("INSERT INTO category_terms_versions (site_id, category_key, locale, change, purpose, frequency, changed_at) VALUES ('demo', 'newsletter', 'en', 'huge', 'p', 'f', 'x')")).toThrow(/CHECK/);
  });
});
