import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { RedisConnections, whenReady } from '@tts/config';
import { SessionHooks } from '../session/session-hooks.service';
import { LimitsEnv, LimitsSettings } from './limits-settings';
import { SessionLeaseStore } from './session-lease.store';
import { SessionLimitAdmission } from './session-limit.admission';

const LEASE_REDIS = Symbol('LEASE_REDIS');

/** Limits enforced before a session starts: concurrent sessions per company, across pods. */
@Module({})
export class LimitsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly sessionLimit: SessionLimitAdmission,
    @Inject(LEASE_REDIS) private readonly redis: Redis,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(LimitsModule.name);
  }

  static register(env: LimitsEnv): DynamicModule {
    const settings = LimitsSettings.fromEnv(env);
    return {
      module: LimitsModule,
      providers: [
        { provide: LimitsSettings, useValue: settings },
        {
          // Fail fast (a `commands` client): a connect must be refused quickly when Redis is down.
          provide: LEASE_REDIS,
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) => redis.commands('leases'),
        },
        {
          provide: SessionLeaseStore,
          inject: [LEASE_REDIS, RedisConnections],
          useFactory: (redis: Redis, connections: RedisConnections) =>
            new SessionLeaseStore(redis, settings.leaseTtlMs, connections.namespace),
        },
        SessionLimitAdmission,
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    this.hooks.addAdmission(this.sessionLimit);
    this.logRedisOutages();
    // Briefly, so the first connections are not refused; boots anyway if Redis is down.
    await whenReady(this.redis, 2000);
  }

  /** The lease client itself is closed by RedisConnections, after the drain has released every lease. */
  onApplicationShutdown(): void {
    this.sessionLimit.stop();
  }

  /** One line per outage, not one per reconnect attempt. */
  private logRedisOutages(): void {
    let down = false;
    this.redis.on('error', (err: Error) => {
      if (!down) this.logger.error({ err: err.message }, 'session lease Redis unreachable: new sessions are refused');
      down = true;
    });
    this.redis.on('ready', () => {
      if (down) this.logger.info('session lease Redis reachable again');
      down = false;
    });
  }
}
