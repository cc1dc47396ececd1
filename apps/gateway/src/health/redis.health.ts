import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';

export const REDIS_PING_TIMEOUT_MS = 1000;

/** Holds the probe's own Redis connection, so readiness tests Redis itself and not another feature's client. */
export class RedisProbeClient {
  constructor(readonly client: Redis) {}

  static connect(url: string): RedisProbeClient {
    const client = new Redis(url, {
      lazyConnect: true,
      // Fail the probe at once while disconnected instead of queueing the PING.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: 'tts-gateway-health',
    });
    // Connection errors are reported by the probe; without a listener ioredis prints them raw.
    client.on('error', () => undefined);
    return new RedisProbeClient(client);
  }
}

/** Readiness: Redis answers PING (leases, credits, usage queue and pub/sub all live there). */
@Injectable()
export class RedisHealthIndicator implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly probe: RedisProbeClient,
  ) {}

  onModuleInit(): void {
    this.probe.client.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.probe.client.disconnect();
  }

  async check(key: string) {
    const indicator = this.indicators.check(key);
    const started = Date.now();
    try {
      await withTimeout(this.probe.client.ping(), REDIS_PING_TIMEOUT_MS);
      return indicator.up({ latency_ms: Date.now() - started });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
