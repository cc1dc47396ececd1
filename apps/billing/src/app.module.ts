import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { BillingEnv } from '@tts/config';
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

/** Infrastructure (config, logs, Postgres, BullMQ) and the feature modules; features never import each other in a cycle. */
@Module({})
export class AppModule {
  static forRoot(env: BillingEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        BillingConfigModule.forRoot(env),
        LoggerModule.forRoot({
          pinoHttp: {
            level: env.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
          },
        }),
        TypeOrmModule.forRoot(billingDataSourceOptions(env.DATABASE_URL)),
        BullModule.forRoot({ connection: { url: env.REDIS_URL }, prefix: env.BULLMQ_PREFIX }),
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
