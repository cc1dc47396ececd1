import { UPSTREAM_FLUSH_LIMIT, UPSTREAM_FLUSH_WINDOW_MS } from '@tts/protocol';

/** Deepgram counts Flushes when they arrive, some time after we write them: a second of margin. */
export const FLUSH_WINDOW_MARGIN_MS = 1000;

/**
 * The upstream's Flush allowance: at most `limit` Flushes in any sliding `windowMs`, counted from the
 * moment each Flush was written to the upstream socket.
 */
export class FlushBudget {
  private readonly sentAt: number[] = [];

  constructor(
    private readonly limit: number = UPSTREAM_FLUSH_LIMIT,
    private readonly windowMs: number = UPSTREAM_FLUSH_WINDOW_MS + FLUSH_WINDOW_MARGIN_MS,
  ) {}

  /** Milliseconds until a Flush may be sent (0: now). */
  waitMs(now: number = Date.now()): number {
    while (this.sentAt.length > 0 && now - this.sentAt[0] >= this.windowMs) this.sentAt.shift();
    return this.sentAt.length < this.limit ? 0 : this.sentAt[0] + this.windowMs - now;
  }

  record(now: number = Date.now()): void {
    this.sentAt.push(now);
  }

  /** The last `count` Flushes waited in a connecting socket's queue and were only written `now`. */
  restampLast(count: number, now: number = Date.now()): void {
    for (let i = Math.max(0, this.sentAt.length - count); i < this.sentAt.length; i++) this.sentAt[i] = now;
  }
}
