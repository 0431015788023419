// Signed link tokens: jose JWTs, HS256, a `kid` header naming the key (several keys verify, the
// first signs) and a purpose claim, so a token minted for one route is refused by every other.
import { SignJWT, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { TokenKey } from '../config.ts';
import type { Clock } from '../deps.ts';
import { ttlCache } from '../ttl-cache.ts';

/** sms_code: the page that takes the code sent to a number (its jti: the code's row). */
export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'undo' | 'sms_code';

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Contact id. */
  subject: string;
  site: string;
  /** Unique token id (the confirmation row for confirm tokens). */
  jti?: string;
  categories?: string[];
  /** The contact's token epoch when the link was made (revoke-links bumps it). */
  epoch?: number;
  /** Unsubscribe links scoped to one category. */
  category?: string;
  /** Undo tokens: the ledger events (withdrawals) they may reverse. */
  events?: number[];
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  /** Signature good, purpose right, but past its expiry: the claims can still be trusted. */
  | { ok: false; reason: 'expired'; claims: TokenClaims }
  | { ok: false; reason: 'invalid' | 'wrong_purpose' };

export interface Tokens {
  sign(claims: TokenClaims, expiresInSeconds?: number): Promise<string>;
  verify(token: string, purpose: TokenPurpose): Promise<VerifyResult>;
}

const ALGORITHM = 'HS256';

export function createTokens(keys: readonly TokenKey[], clock: Clock): Tokens {
  // Imported once (jose would import a raw secret again on every sign and verify), and kept only
  // once imported (src/ttl-cache.ts says why).
  const imported = ttlCache<CryptoKey>({ ttlMs: Infinity });
  const secretFor = (kid: string) => {
    const secret = keys.find((key) => key.kid === kid)?.secret;
    return secret === undefined ? undefined : imported.get(kid, () => importHmacKey(secret));
  };
  const signer = keys[0];
  if (!signer) throw new Error('at least one token key is required');

  return {
    async sign(claims, expiresInSeconds) {
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      const jwt = new SignJWT({
        pur: claims.purpose,
        site: claims.site,
        cats: claims.categories,
        ep: claims.epoch,
        cat: claims.category,
        evs: claims.events,
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: signer.kid })
        .setSubject(claims.subject)
        .setIssuedAt(nowSeconds);
      if (claims.jti) jwt.setJti(claims.jti);
      if (expiresInSeconds !== undefined) jwt.setExpirationTime(nowSeconds + expiresInSeconds);
      return jwt.sign((await secretFor(signer.kid))!);
    },

    async verify(token, purpose) {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      const secret = typeof kid === 'string' ? secretFor(kid) : undefined;
      if (!secret) return { ok: false, reason: 'invalid' };
      try {
        const { payload } = await jwtVerify(token, await secret, {
          algorithms: [ALGORITHM],
          currentDate: clock.now(),
        });
        const claims = readClaims(payload);
        if (!claims) return { ok: false, reason: 'invalid' };
        return claims.purpose === purpose ? { ok: true, claims } : { ok: false, reason: 'wrong_purpose' };
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          const claims = readClaims(error.payload);
          if (!claims) return { ok: false, reason: 'invalid' };
          if (claims.purpose !== purpose) return { ok: false, reason: 'wrong_purpose' };
          return { ok: false, reason: 'expired', claims };
        }
        return { ok: false, reason: 'invalid' };
      }
    },
  };
}

function importHmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

const PURPOSES: readonly string[] = ['confirm', 'manage', 'unsubscribe', 'undo', 'sms_code'] satisfies TokenPurpose[];

function readClaims(payload: JWTPayload): TokenClaims | null {
  const { pur, site, cats, sub, jti, ep, cat, evs } = payload;
  if (typeof pur !== 'string' || !PURPOSES.includes(pur)) return null;
  if (typeof sub !== 'string' || typeof site !== 'string') return null;
  if (cats !== undefined && !(Array.isArray(cats) && cats.every((c) => typeof c === 'string'))) {
    return null;
  }
  if (ep !== undefined && !Number.isSafeInteger(ep)) return null;
  if (cat !== undefined && typeof cat !== 'string') return null;
  if (evs !== undefined && !(Array.isArray(evs) && evs.every((id) => Number.isSafeInteger(id) && id > 0))) return null;
  return {
    purpose: pur as TokenPurpose,
    subject: sub,
    site,
    jti: typeof jti === 'string' ? jti : undefined,
    categories: cats as string[] | undefined,
    epoch: ep as number | undefined,
    category: cat as string | undefined,
    events: evs as number[] | undefined,
  };
}
