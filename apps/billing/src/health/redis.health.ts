import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { RedisConnections } from '@tts/config';

const PING_TIMEOUT_MS = 1000;
export const REDIS_PROBE = Symbol('REDIS_PROBE');

/** Redis answers PING on the probe's own `commands` client (fails at once while disconnected). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(REDIS_PROBE) private readonly probe: Redis,
  ) {}

  static probeProvider() {
    return {
      provide: REDIS_PROBE,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) =>
        redis.commands('health', { retries: 0, commandTimeoutMs: PING_TIMEOUT_MS }),
    };
  }

  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      await this.probe.ping();
      return indicator.up();
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }
}
