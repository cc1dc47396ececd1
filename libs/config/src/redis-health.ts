import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { RedisConnections } from './redis-connections';

/** How long readiness waits for Redis to answer PING. */
export const REDIS_PING_TIMEOUT_MS = 1000;

export interface RedisCheckOptions {
  /** Adds `latency_ms` (the PING's round trip) to an `up` result. */
  latency?: boolean;
}

/**
 * Readiness of Redis for the gateway and billing alike: PING answered on the indicator's own `commands`
 * client, so it tests Redis itself and not another feature's connection. That client has no offline
 * queue, no retry and a REDIS_PING_TIMEOUT_MS command timeout (see RedisConnections), so the check fails
 * at once while Redis is disconnected. An app provides it next to TerminusModule in its health module.
 */
@Injectable()
export class RedisHealthIndicator {
  private readonly probe: Redis;

  constructor(
    private readonly indicators: HealthIndicatorService,
    redis: RedisConnections,
  ) {
    this.probe = redis.commands('health', { retries: 0, commandTimeoutMs: REDIS_PING_TIMEOUT_MS });
  }

  /** `{ status: 'up' }` (with `latency_ms` when asked), or `{ status: 'down', message }` with Redis's error. */
  async check(key: string, { latency = false }: RedisCheckOptions = {}) {
    const indicator = this.indicators.check(key);
    const started = Date.now();
    try {
      await this.probe.ping();
      return latency ? indicator.up({ latency_ms: Date.now() - started }) : indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
