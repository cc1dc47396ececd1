import { ServerRedis } from '@nestjs/microservices';

/** Delay before a subscription whose Redis was unreachable at start tries again with a new server. */
export const SUBSCRIBE_RETRY_MS = 1_000;

/**
 * Handlers on a @nestjs/microservices Redis server that end up subscribed even when Redis is unreachable
 * at start. Nest's server subscribes only when its first connect succeeds: started during an outage it
 * reconnects later and never subscribes. So a failed start closes that server and tries again with a new
 * one, every SUBSCRIBE_RETRY_MS, until one is subscribed; from then on ioredis resubscribes by itself
 * after any drop. `start()` resolves after the first attempt, subscribed or not: a boot never waits.
 */
export class RedisSubscription {
  private server?: ServerRedis;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly newServer: () => ServerRedis,
    /** Adds the handlers to a new server (called for each one). */
    private readonly register: (server: ServerRedis) => void,
    /** A start failed; another follows. */
    private readonly onRetry: (err: unknown) => void,
  ) {}

  start(): Promise<void> {
    const server = this.newServer();
    this.server = server;
    this.register(server);
    return new Promise((resolve) => {
      server.listen((err?: unknown) => {
        if (err) this.retry(server, err);
        resolve();
      });
    });
  }

  /** Never rejects: shutdown must complete while Redis is unreachable. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.server?.close().catch(() => undefined);
  }

  private retry(failed: ServerRedis, err: unknown): void {
    void failed.close().catch(() => undefined);
    if (this.stopped) return;
    this.onRetry(err);
    this.retryTimer = setTimeout(() => void this.start(), SUBSCRIBE_RETRY_MS);
    this.retryTimer.unref();
  }
}
