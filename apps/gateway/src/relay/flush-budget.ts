import { UPSTREAM_FLUSH_LIMIT, UPSTREAM_FLUSH_WINDOW_MS } from '@tts/protocol';

/** The upstream's Flush allowance: at most `limit` Flushes in any sliding `windowMs`. */
export class FlushBudget {
  private readonly sentAt: number[] = [];

  constructor(
    private readonly limit: number = UPSTREAM_FLUSH_LIMIT,
    private readonly windowMs: number = UPSTREAM_FLUSH_WINDOW_MS,
  ) {}

  /** Milliseconds until a Flush may be sent (0: now). */
  waitMs(now: number = Date.now()): number {
    while (this.sentAt.length > 0 && now - this.sentAt[0] >= this.windowMs) this.sentAt.shift();
    return this.sentAt.length < this.limit ? 0 : this.sentAt[0] + this.windowMs - now;
  }

  record(now: number = Date.now()): void {
    this.sentAt.push(now);
  }
}
