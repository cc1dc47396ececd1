import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { IncomingMessage } from 'http';
import { ErrorCode, SessionError } from '@tts/protocol';
import { AuthSettings } from './auth-settings';
import { readClientCredentials } from './client-credentials';
import { ClientClaims, secretKey, verifyClientToken } from './client-token';

/**
 * The one check of a client's token, for every way a client comes in: the WebSocket admission
 * (AuthAdmission) and the HTTP routes that act for a client (GET /v1/balance). A rule added here (or in
 * verifyClientToken) holds for all of them. Refusals are SessionErrors, as the admission pipeline
 * wants them; an HTTP route turns them into its answer with `httpRefusal`.
 */
@Injectable()
export class ClientAuth {
  private readonly key: Uint8Array | undefined;

  constructor(private readonly settings: AuthSettings) {
    this.key = settings.secret ? secretKey(settings.secret) : undefined;
  }

  /**
   * The verified claims of the request's client token (query, Bearer header or cookie, in that order),
   * or null with AUTH_DISABLED (local development), where the caller decides whom the request is for.
   * Throws `unauthorized` for a missing, malformed, forged, expired, too long-lived or future-issued token.
   */
  async authenticate(request: IncomingMessage): Promise<ClientClaims | null> {
    if (this.settings.disabled) return null;
    const credentials = readClientCredentials(request);
    if (!credentials) throw new SessionError(ErrorCode.Unauthorized, 'missing token');
    if (!this.key) throw new SessionError(ErrorCode.Unauthorized, 'client auth is not configured');
    return verifyClientToken(credentials.token, this.key, this.settings.maxTokenTtlS);
  }
}

/** Throws `forbidden` unless the token was minted for `companyId`. */
export function assertTokenCompany(claims: ClientClaims, companyId: string): void {
  if (claims.companyId !== companyId) {
    throw new SessionError(ErrorCode.Forbidden, 'token company_id does not match the company_id parameter');
  }
}

/**
 * What an HTTP route answers for an auth refusal: the status its WebSocket close code stands for,
 * `unauthorized` (4401) as 401 and `forbidden` (4403) as 403. Any other error is returned as it is.
 */
export function asHttpRefusal(err: unknown): unknown {
  if (!(err instanceof SessionError)) return err;
  if (err.code === ErrorCode.Unauthorized) return new UnauthorizedException(err.message);
  if (err.code === ErrorCode.Forbidden) return new ForbiddenException(err.message);
  return err;
}
