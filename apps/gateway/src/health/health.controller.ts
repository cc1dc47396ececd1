import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { RedisHealthIndicator } from '@tts/config';
import { DrainState } from '../drain/drain-state';
import { EventLoopHealthIndicator } from './event-loop.health';
import { UpstreamHealthIndicator } from './upstream.health';
import { UpstreamKeyHealthIndicator } from './upstream-key.health';

/** Kubernetes probes; unauthenticated. 200 with terminus's JSON when healthy, 503 when not. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly upstream: UpstreamHealthIndicator,
    private readonly upstreamKey: UpstreamKeyHealthIndicator,
    private readonly drain: DrainState,
  ) {}

  /** Process up and its event loop not starved: failing this restarts the pod. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.eventLoop.check('event_loop')]);
  }

  /** Able to take new sessions: failing this only takes the pod out of the load balancer. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.accepting('sessions'),
      // Leases, balances, the usage queue and pub/sub all live in Redis.
      () => this.redis.check('redis', { latency: true }),
      () => this.upstream.check('upstream'),
      () => this.upstreamKey.check('upstream_key'),
    ]);
  }

  private accepting(key: string) {
    const indicator = this.indicators.check(key);
    const since = this.drain.startedAt;
    return since ? indicator.down({ message: 'draining', since: since.toISOString() }) : indicator.up();
  }
}
