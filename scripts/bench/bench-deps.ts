// The deps the seeder hands the real code (templates, link signing): the bench's secrets, the
// seeded database, a mailer that delivers nothing (the seeded outbox stays queued, unread).
import type { CompiledQuery, Kysely } from 'kysely';
import { parseConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/schema.ts';
import type { Deps } from '../../src/deps.ts';
import { createFieldCipher } from '../../src/domain/field-cipher.ts';
import { randomId } from '../../src/domain/ids.ts';
import { createTokens } from '../../src/domain/tokens.ts';
import { benchEnv } from './bench-config.ts';

export function benchConfig(databasePath: string): Config {
  return parseConfig({ ...benchEnv(), DATABASE_PATH: databasePath });
}

export function benchDeps(handle: { db: Kysely<Database>; atomic(queries: readonly CompiledQuery[]): Promise<void> }, config: Config): Deps {
  const quiet = () => {};
  const clock = { now: () => new Date() };
  return {
    db: handle.db,
    atomic: handle.atomic,
    mailer: { send: async () => ({ ok: true, providerId: 'bench' }) },
    clock,
    tokens: createTokens(config.tokenSecrets, clock),
    cipher: createFieldCipher(config.encryptionKeys),
    config,
    log: { info: quiet, warn: quiet, error: quiet },
    newId: randomId,
    mailQueued: quiet,
  };
}
