import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';

export const REDIS_PING_TIMEOUT_MS = 1000;
/** The probe's own `commands` client, so readiness tests Redis itself and not another feature's client. */
export const REDIS_PROBE = Symbol('REDIS_PROBE');

/** Readiness: Redis answers PING (leases, credits, usage queue and pub/sub all live there). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_PROBE) private readonly probe: Redis,
  ) {}

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const started = Date.now();
    try {
      // No offline queue and a command timeout (see RedisConnections): fails at once while disconnected.
      await this.probe.ping();
      return indicator.up({ latency_ms: Date.now() - started });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
