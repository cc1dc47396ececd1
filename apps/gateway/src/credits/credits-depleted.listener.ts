import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { RedisSubscription } from '@tts/config';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, RedisNamespace } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { BalanceCache } from './balance-cache';
import { endDepletedCompany } from './credits-cutoff';

export const DEPLETION_SERVER = Symbol('DEPLETION_SERVER');
/** A new Redis microservices server per attempt (see RedisSubscription). */
export type DepletionServerFactory = () => ServerRedis;

/**
 * Listens for billing's depletion broadcast (@nestjs/microservices Redis transport) and ends the
 * company's sessions on this pod. The module runs its own Redis microservice server, so main.ts
 * needs no connectMicroservice call. Started while Redis is unreachable, it subscribes once Redis
 * answers. A broadcast can be missed (see DepletionSweep for the safety net).
 *
 * A broadcast can also arrive late (billing retries it for up to a few seconds while Redis stutters):
 * when the cache already holds a later balance version with credits, a top-up overtook the depletion
 * and the company's sessions stay. Without that proof (no version, no answer from Redis) they end.
 */
@Injectable()
export class CreditsDepletedListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: RedisSubscription;

  constructor(
    @Inject(DEPLETION_SERVER) newServer: DepletionServerFactory,
    private readonly sessions: ActiveSessions,
    private readonly balances: BalanceCache,
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

  async depleted(event: CreditsDepletedEvent): Promise<void> {
    if (await this.overtaken(event)) {
      this.logger.info(
        { company_id: event.company_id, balance_version: event.balance_version },
        'depletion broadcast ignored: a later balance with credits is cached (a top-up overtook it)',
      );
      return;
    }
    endDepletedCompany(this.sessions, this.logger, event.company_id, 'broadcast');
  }

  /** True only when the cache proves a later change left the company with credits. */
  private async overtaken(event: CreditsDepletedEvent): Promise<boolean> {
    if (typeof event.balance_version !== 'string' || !/^\d+$/.test(event.balance_version)) return false;
    if (this.sessions.ofCompany(event.company_id).length === 0) return false; // nothing to end: no read
    try {
      const cached = await this.balances.withVersion(event.company_id);
      return (
        cached.version !== undefined &&
        cached.version > BigInt(event.balance_version) &&
        cached.balance !== null &&
        Number(cached.balance) > 0
      );
    } catch {
      return false; // Redis did not answer: the broadcast stands
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.subscription.close();
  }
}
