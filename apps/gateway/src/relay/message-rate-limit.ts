import { TokenBucket } from './token-bucket';

/** Clears allowed over the message rate: a burst of barge-ins, refilled slowly. */
const CLEAR_BURST = 10;
const CLEARS_PER_SECOND = 2;
/** Control messages are tiny; anything longer is not one and needs no parse to know it. */
const MAX_CONTROL_BYTES = 64;

/**
 * The per-connection message rate limit. Clear and Close get past an empty bucket: a client waiting
 * for `Cleared` or `closed` would otherwise wait forever. Close ends the session, so it needs no
 * bound; Clears have a small allowance of their own.
 */
export class MessageRateLimit {
  private readonly messages: TokenBucket;
  private readonly clears = new TokenBucket(CLEARS_PER_SECOND, CLEAR_BURST);

  constructor(perSecond: number, burst: number) {
    this.messages = new TokenBucket(perSecond, burst);
  }

  /** Whether the frame goes on, or is dropped (rate_limited); a dropped Clear is told apart (no `Cleared` for it). */
  admit(data: Buffer, isBinary: boolean): 'admitted' | 'dropped' | 'dropped-clear' {
    if (this.messages.take()) return 'admitted';
    switch (isBinary ? undefined : controlType(data)) {
      case 'Close':
        return 'admitted';
      case 'Clear':
        return this.clears.take() ? 'admitted' : 'dropped-clear';
      default:
        return 'dropped';
    }
  }
}

function controlType(data: Buffer): unknown {
  if (data.length > MAX_CONTROL_BYTES) return undefined;
  try {
    return (JSON.parse(data.toString()) as { type?: unknown } | null)?.type;
  } catch {
    return undefined;
  }
}
