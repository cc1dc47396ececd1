import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { mintClientToken } from '../../apps/gateway/src/auth/mint-token';

/** The AUTH_JWT_SECRET test gateways run with (pass it in startGateway's env overrides). */
export const TEST_JWT_SECRET = 'test-only-client-token-secret-0123456789abcdef';

export const testAuthEnv = { AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_DISABLED: 'false' };

/** A valid client token for the test secret. */
export function tokenFor(companyId: string, userId: string, ttlSeconds = 300): Promise<string> {
  return mintClientToken({ secret: TEST_JWT_SECRET, companyId, userId, ttlSeconds });
}

/** Hostile and broken tokens, each one a way an attacker or a buggy backend gets it wrong. */
export const badTokens = {
  expired: (companyId: string, userId: string) => signed({ company_id: companyId }, userId, -60),
  forged: (companyId: string, userId: string) =>
    mintClientToken({ secret: 'not-the-gateway-secret', companyId, userId }),
  missingCompany: (_companyId: string, userId: string) => signed({}, userId, 300),
  missingExp: (companyId: string, userId: string) =>
    new SignJWT({ company_id: companyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET)),
  algNone: async (companyId: string, userId: string) =>
    new UnsecuredJWT({ company_id: companyId }).setSubject(userId).setExpirationTime('5m').encode(),
  rs256: async (companyId: string, userId: string) => {
    const { privateKey } = await generateKeyPair('RS256');
    return new SignJWT({ company_id: companyId })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(userId)
      .setExpirationTime('5m')
      .sign(privateKey);
  },
  // Lifetimes past the gateway's AUTH_MAX_TOKEN_TTL_S (default one day), with and without iat.
  longLived: (companyId: string, userId: string) =>
    mintClientToken({ secret: TEST_JWT_SECRET, companyId, userId, ttlSeconds: 86_400 + 3600 }),
  exp9999: (companyId: string, userId: string) =>
    signed({ company_id: companyId }, userId, 253_402_300_799 - Math.floor(Date.now() / 1000)),
  // Issued an hour from now (past the clock tolerance), with a short lifetime from that iat.
  issuedInFuture: (companyId: string, userId: string) => {
    const iat = Math.floor(Date.now() / 1000) + 3600;
    return new SignJWT({ company_id: companyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  },
  garbage: async () => 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln',
};

function signed(claims: Record<string, unknown>, userId: string, expInSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setExpirationTime(Math.floor(Date.now() / 1000) + expInSeconds)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}
