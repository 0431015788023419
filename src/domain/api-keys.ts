// Operator API keys: assent_{id}_{secret}. The id finds the key; only SHA-256 of the secret is
// stored, compared in constant time. A key serves one site, or every site (site NULL).
import type { Deps } from '../deps.ts';
import { randomId, secretsEqual, sha256Hex } from './ids.ts';

export interface ApiKeyIdentity {
  /** 'admin' for ADMIN_API_KEY, else the key's id. */
  id: string;
  /** The one site the key may reach; null: every site. */
  siteId: string | null;
}

const KEY_FORMAT = /^assent_([0-9a-z]{20})_([0-9a-z]{40})$/;

export async function createApiKey(
  deps: Pick<Deps, 'db' | 'clock'>,
  options: { siteId: string | null; label?: string },
): Promise<{ id: string; key: string }> {
  const id = randomId();
  const secret = randomId() + randomId();
  await deps.db
    .insertInto('api_keys')
    .values({
      id,
      site_id: options.siteId,
      secret_hash: await sha256Hex(secret),
      label: options.label ?? null,
      created_at: deps.clock.now().toISOString(),
    })
    .execute();
  return { id, key: `assent_${id}_${secret}` };
}

export function listApiKeys(deps: Pick<Deps, 'db'>) {
  return deps.db.selectFrom('api_keys').select(['id', 'site_id', 'label', 'created_at', 'revoked_at']).orderBy('created_at').execute();
}

/** Revokes a key at once; false when there is no such (active) key. */
export async function revokeApiKey(deps: Pick<Deps, 'db' | 'clock'>, id: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('api_keys')
    .set({ revoked_at: deps.clock.now().toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Who a bearer key is, or null for a wrong, revoked or malformed one. */
export async function authenticateApiKey(deps: Pick<Deps, 'db' | 'config'>, presented: string): Promise<ApiKeyIdentity | null> {
  const admin = deps.config.adminApiKey;
  if (admin && (await secretsEqual(presented, admin))) return { id: 'admin', siteId: null };
  const match = KEY_FORMAT.exec(presented);
  if (!match) return null;
  const row = await deps.db
    .selectFrom('api_keys')
    .select(['id', 'site_id', 'secret_hash'])
    .where('id', '=', match[1]!)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !(await secretsEqual(await sha256Hex(match[2]!), row.secret_hash))) return null;
  return { id: row.id, siteId: row.site_id };
}

/**
 * The public id part of a well-formed key, for the audit log of a refused one: it says which
 * key someone tried without giving away anything of the secret. null for anything else.
 */
export function claimedKeyId(presented: string): string | null {
  return KEY_FORMAT.exec(presented)?.[1] ?? null;
}

/** The API exists when there is a bootstrap key or at least one active key. */
export async function apiEnabled(deps: Pick<Deps, 'db' | 'config'>): Promise<boolean> {
  if (deps.config.adminApiKey) return true;
  const row = await deps.db.selectFrom('api_keys').select('id').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}
