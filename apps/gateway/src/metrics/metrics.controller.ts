import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { GatewayMetrics } from './gateway-metrics.service';

/** Prometheus scrape endpoint; unauthenticated like the health probes (keep it off the public load balancer). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
