import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, RedisNamespace } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { endDepletedCompany } from './credits-cutoff';

export const DEPLETION_SERVER = Symbol('DEPLETION_SERVER');

/**
 * Listens for billing's depletion broadcast (@nestjs/microservices Redis transport) and ends the
 * company's sessions on this pod. The module runs its own Redis microservice server, so main.ts
 * needs no connectMicroservice call. A broadcast can be missed (see DepletionSweep for the safety net).
 */
@Injectable()
export class CreditsDepletedListener implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DEPLETION_SERVER) private readonly server: ServerRedis,
    private readonly sessions: ActiveSessions,
    private readonly namespace: RedisNamespace,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CreditsDepletedListener.name);
  }

  onApplicationBootstrap(): Promise<void> {
    const channel = this.namespace.channel(CREDITS_DEPLETED_PATTERN);
    this.server.addHandler(channel, async (event: CreditsDepletedEvent) => this.depleted(event), true);
    return new Promise((resolve) => {
      this.server.listen((err?: unknown) => {
        if (err) this.logger.error({ err: String(err) }, 'depletion listener failed to start');
        resolve();
      });
    });
  }

  depleted(event: CreditsDepletedEvent): void {
    endDepletedCompany(this.sessions, this.logger, event.company_id, 'broadcast');
  }

  async onApplicationShutdown(): Promise<void> {
    // Rejects when Redis is unreachable; shutdown must still complete (and exit 0).
    await this.server.close().catch(() => undefined);
  }
}
