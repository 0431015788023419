// Zero configuration on Node: secrets missing from the environment are generated once and kept
// next to the database, so links and lookups survive restarts. Production sets them instead.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env, GeneratedSecrets } from './config.ts';
import type { Logger } from './deps.ts';
import { makePrivateDir, tightenFile } from './private-files.ts';

const GENERATORS: Record<keyof GeneratedSecrets, () => string> = {
  TOKEN_SECRETS: () => `k1:${randomBytes(32).toString('base64url')}`,
  LOOKUP_KEY: () => randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: () => `e1:${randomBytes(32).toString('base64')}`,
};

export function loadOrCreateSecrets(env: Env, databasePath: string, log: Logger): GeneratedSecrets | undefined {
  const names = Object.keys(GENERATORS) as (keyof GeneratedSecrets)[];
  const file = join(dirname(databasePath), 'secrets.json');
  // Even a file the environment overrides holds keys (perhaps the ones still in use elsewhere).
  tightenFile(file, 'secret keys', log);
  if (names.every((name) => env[name]?.trim())) return undefined;
  const stored: Partial<GeneratedSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const missing = names.filter((name) => !stored[name]);
  const secrets = { ...stored } as GeneratedSecrets;
  for (const name of missing) secrets[name] = GENERATORS[name]();
  if (missing.length > 0) {
    // An older file gains the secrets added since; the ones it has are never replaced.
    makePrivateDir(dirname(file));
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
    log.warn(`Generated ${missing.join(', ')} in ${file}. In production set ${names.join(', ')} yourself.`);
  } else {
    log.warn(`Using generated secrets from ${file}. In production set ${names.join(', ')}.`);
  }
  return secrets;
}
