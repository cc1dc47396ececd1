import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import {
  BillingEnv,
  REDACTED,
  REDACTED_HEADER_PATHS,
  RedisConnections,
  RedisConnectionsModule,
  requestSerializer,
} from '@tts/config';
import { QueueName } from '@tts/protocol';
import { BalanceCacheRefresher } from './balance/balance-cache-refresher.service';
import { BalancePublisher } from './balance/balance-publisher.service';
import { CreditsBalanceResponder } from './balance/credits-balance.responder';
import { CompaniesController } from './companies/companies.controller';
import { CompaniesService } from './companies/companies.service';
import { BillingConfigModule } from './config/billing-config.module';
import { billingDataSourceOptions } from './database/data-source';
import { HealthController } from './health/health.controller';
import { RedisHealthIndicator } from './health/redis.health';
import { CreditLedger } from './ledger/credit-ledger.service';
import { BillingMetrics } from './metrics/billing-metrics.service';
import { MetricsController } from './metrics/metrics.controller';
import { ApplyUsageUseCase } from './usage/apply-usage.use-case';
import { UsageReportService } from './usage/usage-report.service';
import { UsageProcessor } from './usage/usage.processor';

/** Values masked wherever they appear in a logged URL or query (the admin token is never accepted from one). */
function billingSecrets(env: BillingEnv): string[] {
  return [env.BILLING_ADMIN_TOKEN].filter((s): s is string => !!s);
}

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
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
          },
        }),
        TypeOrmModule.forRoot(billingDataSourceOptions(env.DATABASE_URL)),
        BullModule.forRootAsync({
          inject: [RedisConnections],
          useFactory: (redis: RedisConnections) => redis.bullmq('usage-worker'),
        }),
        BullModule.registerQueue({ name: QueueName.TtsUsage }),
        TerminusModule,
      ],
      controllers: [CompaniesController, HealthController, MetricsController],
      providers: [
        CreditLedger,
        BalancePublisher,
        BalanceCacheRefresher,
        BillingMetrics,
        ApplyUsageUseCase,
        UsageProcessor,
        UsageReportService,
        CompaniesService,
        CreditsBalanceResponder,
        RedisHealthIndicator,
        RedisHealthIndicator.probeProvider(),
      ],
    };
  }
}
