import { SignJWT } from 'jose';
import { CLIENT_TOKEN_ALG, secretKey } from './client-token';

export interface MintClientTokenOptions {
  /** AUTH_JWT_SECRET shared with the gateway. */
  secret: string;
  companyId: string;
  userId: string;
  /** Lifetime; short is better (the token only has to open the socket). Default 15 minutes. */
  ttlSeconds?: number;
}

/** Mints the client token a backend hands to its browser app (HS256, `sub`, `company_id`, `exp`). */
export function mintClientToken({
  secret,
  companyId,
  userId,
  ttlSeconds = 900,
}: MintClientTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ company_id: companyId })
    .setProtectedHeader({ alg: CLIENT_TOKEN_ALG, typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secretKey(secret));
}
