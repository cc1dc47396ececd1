import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { SessionHooks } from '../session/session-hooks.service';
import { LimitsEnv, LimitsSettings } from './limits-settings';
import { SessionLeaseStore } from './session-lease.store';
import { SessionLimitAdmission } from './session-limit.admission';

const LEASE_REDIS = Symbol('LEASE_REDIS');

/** No offline queue and one quick attempt: a connect must be refused fast when Redis is down. */
export function createLeaseRedis(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000 });
}

/** Limits enforced before a session starts: concurrent sessions per company, across pods. */
@Module({})
export class LimitsModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LimitsModule.name);

  constructor(
    private readonly hooks: SessionHooks,
    private readonly sessionLimit: SessionLimitAdmission,
    @Inject(LEASE_REDIS) private readonly redis: Redis,
  ) {}

  static register(env: LimitsEnv): DynamicModule {
    const settings = LimitsSettings.fromEnv(env);
    return {
      module: LimitsModule,
      providers: [
        { provide: LimitsSettings, useValue: settings },
        {
          provide: LEASE_REDIS,
          useFactory: () => createLeaseRedis(env.REDIS_URL),
        },
        {
          provide: SessionLeaseStore,
          inject: [LEASE_REDIS],
          useFactory: (redis: Redis) => new SessionLeaseStore(redis, settings.leaseTtlMs),
        },
        SessionLimitAdmission,
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    this.hooks.addAdmission(this.sessionLimit);
    this.logRedisOutages();
    await this.connected(2000);
  }

  onApplicationShutdown(): void {
    this.sessionLimit.stop();
    this.redis.disconnect();
  }

  /** One line per outage, not one per reconnect attempt. */
  private logRedisOutages(): void {
    let down = false;
    this.redis.on('error', (err: Error) => {
      if (!down) this.logger.error({ err: err.message }, 'session lease Redis unreachable: new sessions are refused');
      down = true;
    });
    this.redis.on('ready', () => {
      if (down) this.logger.log('session lease Redis reachable again');
      down = false;
    });
  }

  /** Waits briefly for Redis so the first connections are not refused; boots anyway if it is down. */
  private connected(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.redis.once('ready', done);
    });
  }
}
