import { Injectable } from '@nestjs/common';
import { ErrorCode, SessionError } from '@tts/protocol';
import { SessionAdmission } from '../session/session-hooks';
import { DrainState } from './drain-state';

/**
 * A draining pod takes no new sessions: `server_shutdown` + close 1001, which clients treat as
 * "reconnect" (1001 is not in NO_RECONNECT_CLOSE_CODES), landing on a pod that is still ready.
 */
@Injectable()
export class DrainAdmission implements SessionAdmission {
  constructor(private readonly state: DrainState) {}

  admit(): Promise<void> {
    if (this.state.draining) {
      return Promise.reject(new SessionError(ErrorCode.ServerShutdown, 'this server is shutting down, reconnect'));
    }
    return Promise.resolve();
  }
}
