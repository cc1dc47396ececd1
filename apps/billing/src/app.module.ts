import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import {
  BillingEnv,
  REDACTED,
  REDACTED_HEADER_PATHS,
  RedisConnections,
  RedisConnectionsModule,
  isProbeOrScrape,
  requestSerializer,
} from '@tts/config';
import { AlertsModule } from './alerts/alerts.module';
import { BalanceModule } from './balance/balance.module';
import { CompaniesModule } from './companies/companies.module';
import { BillingConfigModule } from './config/billing-config.module';
import { billingDataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { LedgerModule } from './ledger/ledger.module';
import { MetricsModule } from './metrics/metrics.module';
import { BillingQueuesModule } from './queues/billing-queues.module';
import { UsageModule } from './usage/usage.module';

/** Values masked wherever they appear in a logged URL or query (the admin token is never accepted from one). */
function billingSecrets(env: BillingEnv): string[] {
  return [env.BILLING_ADMIN_TOKEN].filter((s): s is string => !!s);
}

/** Infrastructure (config, Redis, logs, Postgres, BullMQ) and the feature modules; features never import each other in a cycle. */
@Module({})
export class AppModule {
  static forRoot(env: BillingEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        BillingConfigModule.forRoot(env),
        RedisConnectionsModule.forRoot(env, 'billing'),
        LoggerModule.forRoot({
          pinoHttp: {
            level: env.LOG_LEVEL,
            base: { service: 'billing' },
            redact: { paths: REDACTED_HEADER_PATHS, censor: REDACTED },
            serializers: { req: requestSerializer(billingSecrets(env)) },
            autoLogging: { ignore: isProbeOrScrape },
          },
        }),
        TypeOrmModule.forRoot(billingDataSourceOptions(env.DATABASE_URL)),
        BullModule.forRootAsync({
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) => redis.bullmq('billing'),
        }),
        BillingQueuesModule,
        MetricsModule,
        HealthModule,
        LedgerModule,
        BalanceModule,
        AlertsModule,
        CompaniesModule,
        UsageModule,
      ],
    };
  }
}
