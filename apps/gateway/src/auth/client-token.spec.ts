import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { ErrorCode, SessionError } from '@tts/protocol';
import { secretKey, verifyClientToken } from './client-token';
import { mintClientToken } from './mint-token';

const SECRET = 'unit-secret-of-reasonable-length-0123456789';
const key = secretKey(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const MAX_TTL_S = 86_400;

async function refusal(token: string): Promise<SessionError> {
  try {
    await verifyClientToken(token, key, MAX_TTL_S);
  } catch (err) {
    return err as SessionError;
  }
  throw new Error('token was accepted');
}

describe(verifyClientToken.name, () => {
  it('accepts a minted token and returns its claims', async () => {
    const token = await mintClientToken({ secret: SECRET, companyId: 'acme', userId: 'u1' });
    await expect(verifyClientToken(token, key, MAX_TTL_S)).resolves.toEqual({ userId: 'u1', companyId: 'acme' });
  });

  it.each([
    [
      'expired',
      () =>
        new SignJWT({ company_id: 'c' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setExpirationTime(now() - 60)
          .sign(key),
      'token expired',
    ],
    [
      'signed with another secret',
      () => mintClientToken({ secret: 'other-secret', companyId: 'c', userId: 'u' }),
      'token signature invalid',
    ],
    [
      'without exp',
      () => new SignJWT({ company_id: 'c' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').sign(key),
      'token claim exp missing or invalid',
    ],
    [
      'without company_id',
      () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setExpirationTime('1h').sign(key),
      'token claim company_id missing or invalid',
    ],
    [
      'without sub',
      () => new SignJWT({ company_id: 'c' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key),
      'token claim sub missing or invalid',
    ],
    [
      'with a numeric company_id',
      () =>
        new SignJWT({ company_id: 7 })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setExpirationTime('1h')
          .sign(key),
      'token claims sub and company_id must be non-empty strings',
    ],
    [
      'HS512',
      () =>
        new SignJWT({ company_id: 'c' })
          .setProtectedHeader({ alg: 'HS512' })
          .setSubject('u')
          .setExpirationTime('1h')
          .sign(key),
      'token algorithm not allowed',
    ],
    [
      'alg none',
      async () => new UnsecuredJWT({ company_id: 'c' }).setSubject('u').setExpirationTime('1h').encode(),
      'token algorithm not allowed',
    ],
    ['garbage', async () => 'not.a.jwt', 'token invalid'],
    [
      'living longer than the maximum (exp - iat)',
      () => mintClientToken({ secret: SECRET, companyId: 'c', userId: 'u', ttlSeconds: MAX_TTL_S + 1 }),
      `token lifetime exceeds ${MAX_TTL_S} s`,
    ],
    [
      'without iat expiring in year 9999 (exp - now)',
      () =>
        new SignJWT({ company_id: 'c' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setExpirationTime(253_402_300_799)
          .sign(key),
      `token lifetime exceeds ${MAX_TTL_S} s`,
    ],
    [
      'expiring in year 9999 with an iat forged an hour before it',
      () =>
        new SignJWT({ company_id: 'c' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          .setIssuedAt(253_402_300_799 - 3600)
          .setExpirationTime(253_402_300_799)
          .sign(key),
      'token issued in the future',
    ],
    [
      'whose iat is within the clock tolerance ahead but whose exp is further than the maximum from now',
      () =>
        new SignJWT({ company_id: 'c' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('u')
          // exp - iat is within the maximum; only exp - now is over it.
          .setIssuedAt(Math.floor(Date.now() / 1000) + 4)
          .setExpirationTime(Math.floor(Date.now() / 1000) + MAX_TTL_S + 2)
          .sign(key),
      `token lifetime exceeds ${MAX_TTL_S} s`,
    ],
  ])('refuses a token %s as unauthorized', async (_, make, reason) => {
    const err = await refusal(await make());
    expect(err).toBeInstanceOf(SessionError);
    expect(err.code).toBe(ErrorCode.Unauthorized);
    expect(err.message).toBe(reason);
  });

  it('accepts a token living exactly the maximum', async () => {
    const token = await mintClientToken({ secret: SECRET, companyId: 'c', userId: 'u', ttlSeconds: MAX_TTL_S });
    await expect(verifyClientToken(token, key, MAX_TTL_S)).resolves.toEqual({ userId: 'u', companyId: 'c' });
  });

  it('refuses an RS256 token (algorithm confusion) as unauthorized', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ company_id: 'c' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('u')
      .setExpirationTime('1h')
      .sign(privateKey);
    const err = await refusal(token);
    expect(err.code).toBe(ErrorCode.Unauthorized);
    expect(err.message).not.toContain(token);
  });
});
