/** Sessions that took (or asked for) a connection are counted over this window, in BUCKETS slices. */
export const DEMAND_WINDOW_MS = 1000;
const BUCKETS = 10;
const BUCKET_MS = DEMAND_WINDOW_MS / BUCKETS;
/** Each new handshake time moves the estimate by this share (an exponentially weighted mean). */
const HANDSHAKE_WEIGHT = 0.2;
/** Assumed until a pooled connection of this configuration has opened once. */
const FIRST_HANDSHAKE_MS = 500;
/**
 * Cover twice the sessions expected during one handshake: arrivals are bursty, and a pool that holds
 * exactly the mean runs dry half the time.
 */
const HEADROOM = 2;

/**
 * How many warm connections one configuration needs: the sessions that arrive while a replacement
 * connection is still handshaking must each find one ready. That is arrivals per second times the
 * handshake time (Little's law), with headroom, never below the configured size or above the maximum.
 * Pure bookkeeping on the caller's clock (`performance.now()`: monotonic, so a clock step never skews
 * it): no timers.
 */
export class PoolDemand {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  /** The bucket `counts[bucket % BUCKETS]` last counted, as a number of BUCKET_MS since the epoch. */
  private bucket = 0;
  private handshakeMs = FIRST_HANDSHAKE_MS;
  private handshakeSeen = false;

  /** A session asked for a connection of this configuration (whether the pool had one or not). */
  taken(now: number): void {
    this.advance(now);
    this.counts[this.bucket % BUCKETS]++;
  }

  /** A pooled connection opened `ms` after it was started. */
  handshake(ms: number): void {
    this.handshakeMs = this.handshakeSeen ? this.handshakeMs + HANDSHAKE_WEIGHT * (ms - this.handshakeMs) : ms;
    this.handshakeSeen = true;
  }

  /**
   * The sessions counted over the last DEMAND_WINDOW_MS, per second. The window is its nine whole slices
   * and the current one so far, 0.9-1 s: the rate reads up to a tenth low, well inside the headroom.
   */
  rate(now: number): number {
    this.advance(now);
    return this.counts.reduce((sum, n) => sum + n, 0) / (DEMAND_WINDOW_MS / 1000);
  }

  /** Connections to keep open or opening: `size` at rest, more under load, `maxSize` at most. */
  target(size: number, maxSize: number, now: number): number {
    if (maxSize <= size) return size;
    const needed = Math.ceil((this.rate(now) * this.handshakeMs * HEADROOM) / 1000);
    return Math.min(maxSize, Math.max(size, needed));
  }

  /** Empties the buckets that `now` has moved past. */
  private advance(now: number): void {
    const bucket = Math.floor(now / BUCKET_MS);
    for (let b = Math.max(this.bucket + 1, bucket - BUCKETS + 1); b <= bucket; b++) this.counts[b % BUCKETS] = 0;
    this.bucket = Math.max(this.bucket, bucket);
  }
}
