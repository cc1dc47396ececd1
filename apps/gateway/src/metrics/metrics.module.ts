import { Global, Module, OnModuleInit } from '@nestjs/common';
import { SessionHooks } from '../session/session-hooks.service';
import { GatewayMetrics } from './gateway-metrics.service';
import { MetricsController } from './metrics.controller';
import { MetricsObserver } from './metrics.observer';

/**
 * GET /metrics and the process's one metrics registry. Global so other features (usage publishing,
 * drain) increment the same counters by injecting GatewayMetrics.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [GatewayMetrics, MetricsObserver],
  exports: [GatewayMetrics],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly observer: MetricsObserver,
  ) {}

  onModuleInit(): void {
    this.hooks.addObserver(this.observer);
  }
}
