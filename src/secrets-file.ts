// Zero configuration on Node: secrets missing from the environment are generated once and kept
// next to the database, so links and lookups survive restarts. Production sets them instead.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env, GeneratedSecrets } from './config.ts';
import type { Logger } from './deps.ts';

export function loadOrCreateSecrets(env: Env, databasePath: string, log: Logger): GeneratedSecrets | undefined {
  if (env.TOKEN_SECRETS?.trim() && env.LOOKUP_KEY?.trim()) return undefined;
  const file = join(dirname(databasePath), 'secrets.json');
  if (existsSync(file)) {
    log.warn(`Using generated secrets from ${file}. In production set TOKEN_SECRETS and LOOKUP_KEY.`);
    return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
  }
  const secrets: GeneratedSecrets = {
    TOKEN_SECRETS: `k1:${randomBytes(32).toString('base64url')}`,
    LOOKUP_KEY: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  log.warn(`Generated secrets in ${file}. In production set TOKEN_SECRETS and LOOKUP_KEY yourself.`);
  return secrets;
}
