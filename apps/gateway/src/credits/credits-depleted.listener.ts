import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { RedisSubscription } from '@tts/config';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, RedisNamespace } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { endDepletedCompany } from './credits-cutoff';

export const DEPLETION_SERVER = Symbol('DEPLETION_SERVER');
/** A new Redis microservices server per attempt (see RedisSubscription). */
export type DepletionServerFactory = () => ServerRedis;

/**
 * Listens for billing's depletion broadcast (@nestjs/microservices Redis transport) and ends the
 * company's sessions on this pod. The module runs its own Redis microservice server, so main.ts
 * needs no connectMicroservice call. Started while Redis is unreachable, it subscribes once Redis
 * answers. A broadcast can be missed (see DepletionSweep for the safety net).
 */
@Injectable()
export class CreditsDepletedListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: RedisSubscription;

  constructor(
    @Inject(DEPLETION_SERVER) newServer: DepletionServerFactory,
    private readonly sessions: ActiveSessions,
    namespace: RedisNamespace,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CreditsDepletedListener.name);
    const channel = namespace.channel(CREDITS_DEPLETED_PATTERN);
    this.subscription = new RedisSubscription(
      newServer,
      (server) => server.addHandler(channel, async (event: CreditsDepletedEvent) => this.depleted(event), true),
      (err) => logger.warn({ err: String(err) }, 'depletion listener not subscribed (Redis unreachable): retrying'),
    );
  }

  /** Resolves after the first attempt, subscribed or not: a boot never waits for Redis. */
  onApplicationBootstrap(): Promise<void> {
    return this.subscription.start();
  }

  depleted(event: CreditsDepletedEvent): void {
    endDepletedCompany(this.sessions, this.logger, event.company_id, 'broadcast');
  }

  onApplicationShutdown(): Promise<void> {
    return this.subscription.close();
  }
}
