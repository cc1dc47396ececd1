import { RateLimitedFrame, rateLimitedFrame } from '@tts/protocol';

/** At most one rate_limited frame per this long per session. */
export const RATE_LIMIT_NOTICE_INTERVAL_MS = 1000;
/** Distinct causes named in one collapsed notice (there are three kinds; a deferral's wait may vary). */
const MAX_CAUSES = 3;

/**
 * Collapses a session's rate_limited notices: the first of a quiet period goes out at once; what
 * follows within the interval is counted and reported in one frame when it ends. A flood of 1,000
 * dropped messages costs the client a frame or two, each saying how many were dropped.
 */
export class RateLimitNotices {
  private lastSentAt = -Infinity;
  /** What happened since the last frame: each distinct cause once, in order, and the counts summed. */
  private pending?: { messages: string[]; dropped: number; droppedClears: number };
  private timer?: NodeJS.Timeout;

  constructor(private readonly send: (frame: RateLimitedFrame) => void) {}

  /** `dropped`: client messages lost to the limit (0 when something was only delayed), `droppedClears` of them Clears. */
  report(message: string, dropped: number, droppedClears = 0): void {
    const now = Date.now();
    if (!this.pending && now - this.lastSentAt >= RATE_LIMIT_NOTICE_INTERVAL_MS) {
      this.lastSentAt = now;
      return this.send(rateLimitedFrame(message, dropped, droppedClears));
    }
    const messages = this.pending?.messages ?? [];
    // A notice that merges several causes names each (a deferred Flush is not why Speaks were dropped).
    if (!messages.includes(message) && messages.length < MAX_CAUSES) messages.push(message);
    this.pending = {
      messages,
      dropped: (this.pending?.dropped ?? 0) + dropped,
      droppedClears: (this.pending?.droppedClears ?? 0) + droppedClears,
    };
    this.timer ??= setTimeout(() => this.sendPending(), this.lastSentAt + RATE_LIMIT_NOTICE_INTERVAL_MS - now);
  }

  /** Sends what is counted now (before the session's final frames). */
  sendPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.lastSentAt = Date.now();
    this.send(rateLimitedFrame(pending.messages.join('; also: '), pending.dropped, pending.droppedClears));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
