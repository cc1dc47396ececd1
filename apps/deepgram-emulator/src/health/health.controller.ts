import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { SpeakService } from '../speak/speak.service';

/** Probes for compose and Kubernetes; 200 with terminus's JSON when healthy, 503 when not. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly speak: SpeakService,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Not ready once shutting down, so no new upstream connections are routed here. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('speak');
        return this.speak.draining ? indicator.down({ draining: true }) : indicator.up();
      },
    ]);
  }
}
