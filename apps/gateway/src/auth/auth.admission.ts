import { Injectable } from '@nestjs/common';
import { ErrorCode, SessionError } from '@tts/protocol';
import { SessionAdmission, SessionInfo } from '../session/session-hooks';
import { readClientCredentials } from './client-credentials';
import { ClientClaims, secretKey, verifyClientToken } from './client-token';
import { AuthSettings } from './auth-settings';

/** Who is connecting: a valid client token whose claims match the query's company_id and user_id. */
@Injectable()
export class AuthAdmission implements SessionAdmission {
  private readonly key: Uint8Array | undefined;

  constructor(private readonly settings: AuthSettings) {
    this.key = settings.secret ? secretKey(settings.secret) : undefined;
  }

  async admit(session: SessionInfo): Promise<void> {
    if (this.settings.disabled) return;
    const credentials = readClientCredentials(session.request);
    if (!credentials) throw new SessionError(ErrorCode.Unauthorized, 'missing token');
    if (!this.key) throw new SessionError(ErrorCode.Unauthorized, 'client auth is not configured');
    const claims = await verifyClientToken(credentials.token, this.key, this.settings.maxTokenTtlS);
    assertClaimsMatch(claims, session);
  }
}

function assertClaimsMatch(claims: ClientClaims, { query }: SessionInfo): void {
  if (claims.companyId !== query.company_id) {
    throw new SessionError(ErrorCode.Forbidden, 'token company_id does not match the company_id parameter');
  }
  if (claims.userId !== query.user_id) {
    throw new SessionError(ErrorCode.Forbidden, 'token sub does not match the user_id parameter');
  }
}
