import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { BillingEnv } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { LowBalanceAlertController } from './alerts/low-balance-alert.controller';
import { LowBalanceAlerts } from './alerts/low-balance-alerts.service';
import { LowBalanceOutbox } from './alerts/low-balance-outbox.service';
import { LowBalanceWebhookProcessor } from './alerts/low-balance-webhook.processor';
import { BalanceCacheRefresher } from './balance/balance-cache-refresher.service';
import { BalancePublisher } from './balance/balance-publisher.service';
import { CreditsBalanceController } from './balance/credits-balance.controller';
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
import { UsageExportService } from './usage/usage-export.service';
import { UsageReportService } from './usage/usage-report.service';
import { UsageController } from './usage/usage.controller';
import { UsageProcessor } from './usage/usage.processor';

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
        BullModule.registerQueue({ name: QueueName.TtsUsage }, { name: QueueName.LowBalanceWebhooks }),
        TerminusModule,
      ],
      controllers: [
        CompaniesController,
        LowBalanceAlertController,
        UsageController,
        CreditsBalanceController,
        HealthController,
        MetricsController,
      ],
      providers: [
        CreditLedger,
        BalancePublisher,
        BalanceCacheRefresher,
        BillingMetrics,
        ApplyUsageUseCase,
        UsageProcessor,
        UsageReportService,
        UsageExportService,
        CompaniesService,
        RedisHealthIndicator,
        LowBalanceAlerts,
        LowBalanceOutbox,
        LowBalanceWebhookProcessor,
      ],
    };
  }
}
