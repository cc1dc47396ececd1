import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { performance } from 'perf_hooks';

/**
 * A pod whose event loop stalled this long since the previous probe is failing its sessions. The
 * orchestrator restarts only after several failed probes in a row, so one long GC pause is forgiven.
 */
export const MAX_EVENT_LOOP_STALL_MS = 2000;
const HEARTBEAT_MS = 100;

/**
 * Liveness: the event loop answers (this handler runs) and did not stall since the last probe.
 * A heartbeat timer measures how late it fires; unlike monitorEventLoopDelay, nothing is lost
 * across a reset, so a stall that starts right after a probe is still seen by the next one.
 */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private lastBeat = performance.now();
  private worstStallMs = 0;

  constructor(private readonly indicators: HealthIndicatorService) {}

  onModuleInit(): void {
    this.lastBeat = performance.now();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  check(key: string) {
    const indicator = this.indicators.check(key);
    const stallMs = Math.round(Math.max(this.worstStallMs, this.sinceLastBeat()));
    this.worstStallMs = 0;
    const detail = { max_stall_ms: stallMs };
    return stallMs > MAX_EVENT_LOOP_STALL_MS ? indicator.down(detail) : indicator.up(detail);
  }

  private beat(): void {
    this.worstStallMs = Math.max(this.worstStallMs, this.sinceLastBeat());
    this.lastBeat = performance.now();
  }

  /** How much later than due the heartbeat is. */
  private sinceLastBeat(): number {
    return Math.max(0, performance.now() - this.lastBeat - HEARTBEAT_MS);
  }
}
