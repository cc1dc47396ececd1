import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv, RedisConnections } from '@tts/config';
import { AuthSettings } from '../auth/auth-settings';
import { BALANCE_READ_TIMEOUT_MS } from '../credits/credits.constants';
import { BalanceCaller } from './balance-caller';
import { BalanceController } from './balance.controller';
import { BALANCE_REDIS, CompanyBalanceReader } from './company-balance.reader';

/** `GET /v1/balance`: a client reads its own company's cached balance with its client token. */
@Module({})
export class BalanceModule {
  static register(
    env: Pick<GatewayEnv, 'AUTH_JWT_SECRET' | 'AUTH_DISABLED' | 'ALLOWED_ORIGINS' | 'AUTH_MAX_TOKEN_TTL_S'>,
  ): DynamicModule {
    return {
      module: BalanceModule,
      controllers: [BalanceController],
      providers: [
        { provide: AuthSettings, useValue: AuthSettings.fromEnv(env) },
        {
          provide: BALANCE_REDIS,
          // A request must not hang on a Redis outage: it gets a 503 after the timeout.
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) =>
            redis.commands('balance-route', { commandTimeoutMs: BALANCE_READ_TIMEOUT_MS }),
        },
        BalanceCaller,
        CompanyBalanceReader,
      ],
    };
  }
}
