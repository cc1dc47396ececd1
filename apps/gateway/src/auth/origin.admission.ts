import { Injectable } from '@nestjs/common';
import { ErrorCode, SessionError } from '@tts/protocol';
import { SessionAdmission, SessionInfo } from '../session/session-hooks';
import { readClientCredentials } from './client-credentials';
import { AuthSettings } from './auth-settings';
import { OriginPolicy } from './origin-policy';

/** Where the connection comes from: refuses cross-site pages riding on a browser's ambient credentials. */
@Injectable()
export class OriginAdmission implements SessionAdmission {
  private readonly policy: OriginPolicy;

  constructor(private readonly settings: AuthSettings) {
    this.policy = new OriginPolicy(settings.allowedOrigins);
  }

  async admit({ request }: SessionInfo): Promise<void> {
    const cookie = !this.settings.disabled && readClientCredentials(request)?.source === 'cookie';
    const refusal = this.policy.check({
      origin: request.headers.origin,
      host: request.headers.host,
      ambient: cookie || this.settings.disabled,
      cookie,
    });
    if (refusal) throw new SessionError(ErrorCode.Forbidden, refusal);
  }
}
