// Console sign-in and its sessions. A session is a random cookie value whose SHA-256 is kept
// server-side; it ends after SESSION_IDLE_SECONDS without a request, on sign-out, and when its
// operator is disabled or reset. Wrong passwords are limited per client address and per address
// tried (the counts are reserved before checking, so parallel guesses cannot all slip through).
import type { OperatorRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { toBase64Url } from './base64url.ts';
import { sha256Hex } from './ids.ts';
import { operatorEmailHash, findOperator } from './operators.ts';
import { UNKNOWN_OPERATOR_HASH, verifyPassword } from './password.ts';
import { reserveAccountRateLimit, reserveRateLimit } from './rate-limit.ts';

export const SESSION_IDLE_SECONDS = 8 * 3600;
/** A session's last-seen time is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export type SignIn = { ok: true; operator: OperatorRow } | { ok: false; reason: 'wrong' } | { ok: false; reason: 'limited'; retryAfterSeconds: number };

export async function signIn(deps: Deps, email: string, password: string, ip: string | null): Promise<SignIn> {
  const hash = await operatorEmailHash(deps.config.lookupKey, email);
  const byClient = await reserveRateLimit(deps, 'login', ip);
  const byAccount = await reserveAccountRateLimit(deps, 'loginAccount', hash);
  for (const reservation of [byClient, byAccount]) {
    if (!reservation.verdict.allowed) return { ok: false, reason: 'limited', retryAfterSeconds: reservation.verdict.retryAfterSeconds };
  }
  const operator = await deps.db.selectFrom('operators').selectAll().where('email_hash', '=', hash).executeTakeFirst();
  const usable = operator && operator.password_hash !== null && operator.disabled_at === null ? operator : null;
  // An unknown address is checked against a hash of no one's password: the same work, the same time.
  const right = await verifyPassword(password, usable?.password_hash ?? UNKNOWN_OPERATOR_HASH);
  if (!right || !usable) return { ok: false, reason: 'wrong' };
  await Promise.all([byClient.release(), byAccount.release()]);
  return { ok: true, operator: usable };
}

/** A new session for the operator; the returned value goes in the cookie and nowhere else. */
export async function startSession(deps: Pick<Deps, 'db' | 'clock'>, operatorId: string): Promise<string> {
  const value = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const now = deps.clock.now();
  // Sessions that ran out go when a new one starts: the table holds the live ones and a few more.
  await deps.db.deleteFrom('operator_sessions').where('expires_at', '<=', now.toISOString()).execute();
  await deps.db
    .insertInto('operator_sessions')
    .values({ id_sha256: await sha256Hex(value), operator_id: operatorId, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: idleEnd(now) })
    .execute();
  return value;
}

/** The operator a session cookie is for, while the session lives and the operator is enabled. */
export async function sessionOperator(deps: Pick<Deps, 'db' | 'clock'>, value: string): Promise<OperatorRow | null> {
  const id = await sha256Hex(value);
  const now = deps.clock.now();
  const session = await deps.db.selectFrom('operator_sessions').selectAll().where('id_sha256', '=', id).executeTakeFirst();
  if (!session || session.expires_at <= now.toISOString()) return null;
  const operator = await findOperator(deps, session.operator_id);
  if (!operator || operator.disabled_at !== null || operator.password_hash === null) return null;
  if (now.getTime() - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) {
    await deps.db.updateTable('operator_sessions').set({ last_seen_at: now.toISOString(), expires_at: idleEnd(now) }).where('id_sha256', '=', id).execute();
  }
  return operator;
}

export async function endSession(deps: Pick<Deps, 'db'>, value: string): Promise<void> {
  await deps.db.deleteFrom('operator_sessions').where('id_sha256', '=', await sha256Hex(value)).execute();
}

function idleEnd(now: Date): string {
  return new Date(now.getTime() + SESSION_IDLE_SECONDS * 1000).toISOString();
}
