import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SessionConfig } from '@tts/protocol';
import { SessionControl, SessionInfo, SessionObserver, SessionTap } from '../session/session-hooks';
import { MeteredSession } from './metered-session';
import { UsagePublisher } from './usage-publisher.service';
import { END_HANDOFF_TIMEOUT_MS, USAGE_TICK_SHARDS } from './usage.constants';

/** How often each session reports its usage (USAGE_FLUSH_INTERVAL_MS, a name kept for compatibility). */
export const USAGE_REPORT_INTERVAL = Symbol('USAGE_REPORT_INTERVAL');

/**
 * Meters every session: counters on the relay's path, one timer per process that turns each session's
 * new audio into a usage event every report interval (USAGE_FLUSH_INTERVAL_MS), and a final event at the end.
 * Sessions are spread over shards visited in turn, so each tick handles a fraction of them: taking
 * every session's interval in one go stalled the audio path for tens of ms at 500 sessions (bench).
 */
@Injectable()
export class UsageMeter implements SessionObserver, OnModuleInit, OnApplicationShutdown {
  private readonly shards = Array.from({ length: USAGE_TICK_SHARDS }, () => new Set<MeteredSession>());
  private nextShard = 0;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publisher: UsagePublisher,
    @Inject(USAGE_REPORT_INTERVAL) private readonly intervalMs: number,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs / USAGE_TICK_SHARDS);
    this.timer.unref();
  }

  onSessionStart(info: SessionInfo, config: SessionConfig, _control: SessionControl): SessionTap {
    const shard = this.shards[this.nextShard++ % USAGE_TICK_SHARDS];
    const session = new MeteredSession(info, config, (s) => this.ended(s, shard));
    shard.add(session);
    return session;
  }

  private tick(): void {
    const now = new Date();
    let added = false;
    for (const session of this.shards[this.ticks++ % USAGE_TICK_SHARDS]) {
      const event = session.takeInterval(now);
      if (event) {
        this.publisher.hold(event);
        added = true;
      }
    }
    const roundDone = this.ticks % USAGE_TICK_SHARDS === 0;
    if (this.publisher.retrying) return;
    if (added || (roundDone && this.publisher.pending > 0)) void this.publisher.publishHeld();
  }

  private async ended(session: MeteredSession, shard: Set<MeteredSession>): Promise<void> {
    shard.delete(session);
    const event = session.takeFinal(new Date());
    if (!event) return;
    this.publisher.hold(event);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, END_HANDOFF_TIMEOUT_MS)));
    await Promise.race([this.publisher.publishHeld(), timeout]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
