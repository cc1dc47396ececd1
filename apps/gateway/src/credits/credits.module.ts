import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy, ClientsModule, ServerRedis, Transport } from '@nestjs/microservices';
import { RedisConnections } from '@tts/config';
import { SessionHooks } from '../session/session-hooks.service';
import { BalanceCacheModule } from './balance-cache';
import { BILLING_CLIENT, CreditsAdmission } from './credits.admission';
import { DEPLETION_SERVER, CreditsDepletedListener } from './credits-depleted.listener';
import { DepletionSweep } from './depletion-sweep.service';

/** Credit enforcement: refused at connect without credits, ended on depletion (billing's broadcast or the sweep). */
@Module({})
export class CreditsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly admission: CreditsAdmission,
    private readonly sweep: DepletionSweep,
    @Inject(BILLING_CLIENT) private readonly billing: ClientProxy,
  ) {}

  static register(): DynamicModule {
    const clients = ClientsModule.registerAsync([
      {
        name: BILLING_CLIENT,
        inject: [RedisConnections],
        useFactory: (redis: RedisConnections) => ({ transport: Transport.REDIS, options: redis.pubsub('billing') }),
      },
    ]);
    return {
      module: CreditsModule,
      // The balance cache fails fast: a connect must not hang on a Redis outage (billing is asked instead).
      imports: [clients, BalanceCacheModule],
      providers: [
        {
          provide: DEPLETION_SERVER,
          inject: [RedisConnections],
          // A factory: a server whose first connect failed never subscribes, so the listener starts a new one.
          useFactory: (redis: RedisConnections) => () => new ServerRedis(redis.pubsub('depletions')),
        },
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
    await this.billing.close();
  }
}
