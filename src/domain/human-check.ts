// Cloudflare Turnstile, when configured: every signup entry point calls verifyHuman() before it
// records anything, so a script cannot skip the check by choosing another door.
import type { Deps } from '../deps.ts';

/**
 * human: verified, or Turnstile is off. missing: no token was sent. failed: Cloudflare said no
 * (bad, expired or reused token). unavailable: the verifier could not be asked; try again.
 */
export type HumanCheck = 'human' | 'missing' | 'failed' | 'unavailable';

/** Turnstile tokens are at most 2048 characters; anything longer is not one. */
const MAX_TOKEN_LENGTH = 2048;
const VERIFY_TIMEOUT_MS = 10_000;

export async function verifyHuman(deps: Deps, token: string, ip: string | null): Promise<HumanCheck> {
  const turnstile = deps.config.turnstile;
  if (!turnstile) return 'human';
  if (!token) return 'missing';
  if (token.length > MAX_TOKEN_LENGTH) return 'failed';
  const form = new URLSearchParams({ secret: turnstile.secretKey, response: token });
  if (ip) form.set('remoteip', ip);
  let outcome: unknown;
  try {
    const res = await fetch(turnstile.verifyUrl, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
    outcome = await res.json();
  } catch (error) {
    deps.log.warn(`Turnstile verification unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return 'unavailable';
  }
  const answer = (typeof outcome === 'object' && outcome !== null ? outcome : {}) as { success?: unknown; 'error-codes'?: unknown };
  if (answer.success === true) return 'human';
  const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].map(String) : [];
  // Not the visitor's fault: Cloudflare's own trouble, or our secret is wrong (every signup
  // would fail until the operator fixes it, so say so loudly).
  if (codes.includes('internal-error')) return 'unavailable';
  if (codes.some((code) => code.endsWith('-input-secret'))) {
    deps.log.error(`Turnstile refused TURNSTILE_SECRET_KEY (${codes.join(', ')}): no signup can pass until it is fixed`);
    return 'unavailable';
  }
  return 'failed';
}
