import { Injectable } from '@nestjs/common';
import { ErrorCode, SessionError } from '@tts/protocol';
import { SessionAdmission, SessionInfo } from '../session/session-hooks';
import { ClientAuth, assertTokenCompany } from './client-auth';

/** Who is connecting: a valid client token whose claims match the query's company_id and user_id. */
@Injectable()
export class AuthAdmission implements SessionAdmission {
  constructor(private readonly clients: ClientAuth) {}

  async admit({ request, query }: SessionInfo): Promise<void> {
    const claims = await this.clients.authenticate(request);
    if (!claims) return;
    assertTokenCompany(claims, query.company_id);
    if (claims.userId !== query.user_id) {
      throw new SessionError(ErrorCode.Forbidden, 'token sub does not match the user_id parameter');
    }
  }
}
