import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { BillingEnv, RedisConnections } from '@tts/config';
import { UsagePricing } from '../ledger/usage-pricing';
import { BILLING_ENV, GATEWAY_EVENTS } from './billing-env.provider';

/** The validated environment and what derives directly from it, available everywhere. */
@Global()
@Module({})
export class BillingConfigModule {
  static forRoot(env: BillingEnv): DynamicModule {
    const clients = ClientsModule.registerAsync([
      {
        name: GATEWAY_EVENTS,
        inject: [RedisConnections],
        useFactory: (redis: RedisConnections) => ({
          transport: Transport.REDIS,
          options: redis.pubsub('gateway-events'),
        }),
      },
    ]);
    return {
      module: BillingConfigModule,
      imports: [clients],
      providers: [
        { provide: BILLING_ENV, useValue: env },
        { provide: UsagePricing, useValue: new UsagePricing(env.CREDITS_PER_MINUTE) },
      ],
      exports: [BILLING_ENV, UsagePricing, clients],
    };
  }
}
