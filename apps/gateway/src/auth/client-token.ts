import { errors, jwtVerify } from 'jose';
import { ErrorCode, SessionError } from '@tts/protocol';

/** What a verified client token vouches for. */
export interface ClientClaims {
  userId: string;
  companyId: string;
}

/** Only HS256: pinning the algorithm is what defeats `alg: none` and RS256/HS256 confusion. */
export const CLIENT_TOKEN_ALG = 'HS256';

export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Seconds of clock skew between the token's minter and this gateway that are forgiven. */
const CLOCK_TOLERANCE_S = 5;

/**
 * Verifies a client JWT (signature, algorithm, expiry, required claims, lifetime at most `maxTtlS`).
 * Every failure is the same `unauthorized` refusal with a short reason: the token itself never
 * reaches a message or a log.
 */
export async function verifyClientToken(token: string, key: Uint8Array, maxTtlS: number): Promise<ClientClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [CLIENT_TOKEN_ALG],
      requiredClaims: ['sub', 'company_id', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (err) {
    throw new SessionError(ErrorCode.Unauthorized, reasonOf(err));
  }
  // A leaked long-lived token (exp in year 9999) would be a permanent credential: cap its lifetime from
  // iat, and what is left of it from now, so a forged-forward iat cannot stretch it either.
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_TOLERANCE_S) {
    throw new SessionError(ErrorCode.Unauthorized, 'token issued in the future');
  }
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
  if (payload.exp! - issuedAt > maxTtlS || payload.exp! - now > maxTtlS) {
    throw new SessionError(ErrorCode.Unauthorized, `token lifetime exceeds ${maxTtlS} s`);
  }
  const { sub, company_id: companyId } = payload;
  if (typeof sub !== 'string' || !sub || typeof companyId !== 'string' || !companyId) {
    throw new SessionError(ErrorCode.Unauthorized, 'token claims sub and company_id must be non-empty strings');
  }
  return { userId: sub, companyId };
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim ${err.claim} missing or invalid`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  return 'token invalid';
}
