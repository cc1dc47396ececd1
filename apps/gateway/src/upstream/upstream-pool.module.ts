import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Upstream } from '@tts/config';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { UpstreamPool } from './upstream-pool';
import { registerUpstreamPoolMetrics } from './upstream-pool.metrics';
import { UpstreamPoolSettings } from './upstream-pool-settings';

/** The warm upstream connection pool: warmed once the app is up, closed when shutdown (the drain) begins. */
@Module({})
export class UpstreamPoolModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(UpstreamPool) private readonly pool: UpstreamPool) {}

  static register(settings: UpstreamPoolSettings, upstream: Upstream): DynamicModule {
    return {
      module: UpstreamPoolModule,
      providers: [
        {
          provide: UpstreamPool,
          inject: [PinoLogger, GatewayMetrics],
          useFactory: (logger: PinoLogger, metrics: GatewayMetrics) => {
            logger.setContext(UpstreamPool.name);
            const pool = new UpstreamPool(settings, upstream, logger);
            registerUpstreamPoolMetrics(metrics.registry, pool);
            return pool;
          },
        },
      ],
      exports: [UpstreamPool],
    };
  }

  onApplicationBootstrap(): void {
    this.pool.start();
  }

  /** Drain refuses new sessions from here on: pooled sockets would only hold Deepgram concurrency. */
  onModuleDestroy(): void {
    this.pool.stop();
  }
}
