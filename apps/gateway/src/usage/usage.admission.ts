import { Injectable } from '@nestjs/common';
import { ErrorCode, SessionError } from '@tts/protocol';
import { SessionAdmission } from '../session/session-hooks';
import { UsagePublisher } from './usage-publisher.service';

/**
 * Refuses new sessions while their usage could not be recorded (too many events held in memory, or the
 * usage queue unreachable for too long): retryable upstream_error, never a session billing would not see.
 */
@Injectable()
export class UsageAdmission implements SessionAdmission {
  constructor(private readonly publisher: UsagePublisher) {}

  admit(): Promise<void> {
    if (this.publisher.canRecord()) return Promise.resolve();
    return Promise.reject(new SessionError(ErrorCode.UpstreamError, 'usage cannot be recorded, retry shortly'));
  }
}
