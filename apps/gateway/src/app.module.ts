import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv, RedisConnectionsModule } from '@tts/config';
import { AuthModule } from './auth/auth.module';
import { BalanceModule } from './balance/balance.module';
import { ClientBundleModule } from './client-bundle/client-bundle.module';
import { CreditsModule } from './credits/credits.module';
import { DemoModule } from './demo/demo.module';
import { DrainModule } from './drain/drain.module';
import { HealthModule } from './health/health.module';
import { LimitsModule } from './limits/limits.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RelayModule } from './relay/relay.module';
import { RelaySettings } from './relay/relay-settings';
import { SessionModule } from './session/session.module';
import { UpstreamPoolSettings } from './upstream/upstream-pool-settings';
import { UsageModule } from './usage/usage.module';

/** The gateway process. Feature modules register with SessionHooks (admissions, observers). */
@Module({})
export class AppModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(env),
        RedisConnectionsModule.forRoot(env, 'gateway'),
        SessionModule,
        RelayModule.register(RelaySettings.fromEnv(env), UpstreamPoolSettings.fromEnv(env)),
        MetricsModule,
        HealthModule.register(env),
        AuthModule.register(env),
        LimitsModule.register(env),
        DemoModule.register(env),
        BalanceModule,
        ClientBundleModule,
        CreditsModule.register(),
        UsageModule.register(env),
        // Last: same-depth modules shut down in reverse import order, so the drain runs first.
        DrainModule.register(env),
      ],
      providers: [{ provide: GatewayEnv, useValue: env }],
    };
  }
}
