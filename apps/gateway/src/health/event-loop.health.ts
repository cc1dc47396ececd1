import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { IntervalHistogram, monitorEventLoopDelay } from 'perf_hooks';

/** Sustained starvation, not a GC pause: p99 delay over the whole window between two probes. */
export const MAX_EVENT_LOOP_DELAY_P99_MS = 2000;
const RESOLUTION_MS = 20;

/** Liveness: the event loop answers (this handler runs) and has not been starved since the last probe. */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleInit, OnModuleDestroy {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor(private readonly indicators: HealthIndicatorService) {}

  onModuleInit(): void {
    this.delay.enable();
  }

  onModuleDestroy(): void {
    this.delay.disable();
  }

  check(key: string) {
    const indicator = this.indicators.check(key);
    // The histogram records the sampling timer's whole period; the lag is what exceeds it.
    const toMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
    const stats =
      this.delay.count > 0
        ? {
            p50_ms: toMs(this.delay.percentile(50)),
            p99_ms: toMs(this.delay.percentile(99)),
            max_ms: toMs(this.delay.max),
          }
        : { p50_ms: 0, p99_ms: 0, max_ms: 0 };
    this.delay.reset();
    return stats.p99_ms > MAX_EVENT_LOOP_DELAY_P99_MS ? indicator.down(stats) : indicator.up(stats);
  }
}
