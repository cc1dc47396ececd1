import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy, ClientsModule, ServerRedis, Transport } from '@nestjs/microservices';
import Redis from 'ioredis';
import { RedisEnv, microserviceRedisOptions } from '@tts/config';
import { SessionHooks } from '../session/session-hooks.service';
import { BILLING_CLIENT, CREDITS_REDIS, CreditsAdmission } from './credits.admission';
import { DEPLETION_SERVER, CreditsDepletedListener } from './credits-depleted.listener';
import { DepletionSweep } from './depletion-sweep.service';
import { BALANCE_READ_TIMEOUT_MS } from './credits.constants';

/** Credit enforcement: refused at connect without credits, ended on depletion (billing's broadcast or the sweep). */
@Module({})
export class CreditsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly admission: CreditsAdmission,
    private readonly sweep: DepletionSweep,
    @Inject(CREDITS_REDIS) private readonly redis: Redis,
    @Inject(BILLING_CLIENT) private readonly billing: ClientProxy,
  ) {}

  static register(env: RedisEnv): DynamicModule {
    const redisOptions = microserviceRedisOptions(env.REDIS_URL);
    const clients = ClientsModule.register([
      { name: BILLING_CLIENT, transport: Transport.REDIS, options: redisOptions },
    ]);
    return {
      module: CreditsModule,
      imports: [clients],
      providers: [
        {
          provide: CREDITS_REDIS,
          // Fail fast: a connect must not hang on a Redis outage (billing is asked instead).
          useFactory: () =>
            new Redis(env.REDIS_URL, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              commandTimeout: BALANCE_READ_TIMEOUT_MS,
            }).on('error', () => undefined),
        },
        { provide: DEPLETION_SERVER, useFactory: () => new ServerRedis(redisOptions) },
        CreditsAdmission,
        CreditsDepletedListener,
        DepletionSweep,
      ],
    };
  }

  onModuleInit(): void {
    this.hooks.addAdmission(this.admission);
    this.hooks.addObserver(this.sweep);
    // Connect up front so the first uncached connect does not also pay for the reply subscription.
    this.billing.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    await this.billing.close();
  }
}
