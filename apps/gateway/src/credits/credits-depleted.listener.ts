import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent, RedisNamespace } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { endDepletedCompany } from './credits-cutoff';

export const DEPLETION_SERVER = Symbol('DEPLETION_SERVER');
export type DepletionServerFactory = () => ServerRedis;

/** Delay before a listener whose Redis was unreachable at start tries again with a new server. */
export const DEPLETION_LISTEN_RETRY_MS = 1_000;

/**
 * Listens for billing's depletion broadcast (@nestjs/microservices Redis transport) and ends the
 * company's sessions on this pod. The module runs its own Redis microservice server, so main.ts
 * needs no connectMicroservice call. A broadcast can be missed (see DepletionSweep for the safety net).
 *
 * Nest's Redis server subscribes only when its first connect succeeds: started during a Redis outage it
 * would reconnect later and never subscribe. So a failed start closes that server and tries again with
 * a new one until one is subscribed; once subscribed, ioredis resubscribes by itself after any drop.
 */
@Injectable()
export class CreditsDepletedListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: ServerRedis;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(DEPLETION_SERVER) private readonly newServer: DepletionServerFactory,
    private readonly sessions: ActiveSessions,
    private readonly namespace: RedisNamespace,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CreditsDepletedListener.name);
  }

  /** Resolves after the first attempt, subscribed or not: a boot never waits for Redis. */
  onApplicationBootstrap(): Promise<void> {
    return this.listen();
  }

  private listen(): Promise<void> {
    const server = this.newServer();
    this.server = server;
    const channel = this.namespace.channel(CREDITS_DEPLETED_PATTERN);
    server.addHandler(channel, async (event: CreditsDepletedEvent) => this.depleted(event), true);
    return new Promise((resolve) => {
      server.listen((err?: unknown) => {
        if (err) this.retry(server, err);
        resolve();
      });
    });
  }

  private retry(failed: ServerRedis, err: unknown): void {
    this.logger.warn({ err: String(err) }, 'depletion listener not subscribed (Redis unreachable): retrying');
    void failed.close().catch(() => undefined);
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.listen(), DEPLETION_LISTEN_RETRY_MS);
    this.retryTimer.unref();
  }

  depleted(event: CreditsDepletedEvent): void {
    endDepletedCompany(this.sessions, this.logger, event.company_id, 'broadcast');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    // Rejects when Redis is unreachable; shutdown must still complete (and exit 0).
    await this.server?.close().catch(() => undefined);
  }
}
