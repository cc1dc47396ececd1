import { DynamicModule, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { GatewayEnv } from '@tts/config';
import { AuthSettings } from '../auth/auth-settings';
import { BALANCE_READ_TIMEOUT_MS } from '../credits/credits.constants';
import { BalanceCaller } from './balance-caller';
import { BalanceController } from './balance.controller';
import { BALANCE_REDIS, CompanyBalanceReader } from './company-balance.reader';

/** `GET /v1/balance`: a client reads its own company's cached balance with its client token. */
@Module({})
export class BalanceModule {
  static register(
    env: Pick<GatewayEnv, 'REDIS_URL' | 'AUTH_JWT_SECRET' | 'AUTH_DISABLED' | 'ALLOWED_ORIGINS'>,
  ): DynamicModule {
    return {
      module: BalanceModule,
      controllers: [BalanceController],
      providers: [
        { provide: AuthSettings, useValue: AuthSettings.fromEnv(env) },
        {
          provide: BALANCE_REDIS,
          // A request must not hang on a Redis outage: it gets a 503 after the timeout.
          useFactory: () =>
            new Redis(env.REDIS_URL, {
              maxRetriesPerRequest: 1,
              commandTimeout: BALANCE_READ_TIMEOUT_MS,
            }).on('error', () => undefined),
        },
        BalanceCaller,
        CompanyBalanceReader,
      ],
    };
  }
}
