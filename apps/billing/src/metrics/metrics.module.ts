import { Global, Module } from '@nestjs/common';
import { BillingMetrics } from './billing-metrics.service';
import { MetricsController } from './metrics.controller';

/** One Prometheus registry per billing process, which every feature counts into. */
@Global()
@Module({ controllers: [MetricsController], providers: [BillingMetrics], exports: [BillingMetrics] })
export class MetricsModule {}
