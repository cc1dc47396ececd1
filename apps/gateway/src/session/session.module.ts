import { Global, Module } from '@nestjs/common';
import { ActiveSessions } from './active-sessions.service';
import { SessionHooks } from './session-hooks.service';

/** The relay's session lifecycle, shared with auth, limits, metering, credits and drain. */
@Global()
@Module({ providers: [SessionHooks, ActiveSessions], exports: [SessionHooks, ActiveSessions] })
export class SessionModule {}
