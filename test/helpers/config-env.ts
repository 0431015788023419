// The least environment parseConfig accepts (the three secrets), and the ConfigError a bad one gives.
import { ConfigError, parseConfig, type Env } from '../../src/config.ts';

export const SECRETS: Env = {
  TOKEN_SECRETS: 'k1:' + 's'.repeat(32),
  LOOKUP_KEY: 'l'.repeat(32),
  ENCRYPTION_KEYS: `e1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** The ConfigError that this environment (on top of SECRETS) stops the start with. */
export function errorOf(env: Env): ConfigError {
  try {
    parseConfig({ ...SECRETS, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
