/**
 * An allowance of `limit` units in any sliding `windowMs` (Deepgram's 20 Flushes or 2,400 characters
 * per minute on one connection), counted from the moment each unit was written to the socket.
 */
export class SlidingWindowBudget {
  private readonly spent: { at: number; amount: number }[] = [];
  private used = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /**
   * Milliseconds until `amount` more units fit (0: now). More than `limit` units never fit at once:
   * the answer is then how long until they could all have been sent, a window per `limit` units.
   */
  waitMs(amount: number, now: number): number {
    this.expire(now);
    if (this.used + amount <= this.limit) return 0;
    const extraWindows = Math.max(0, Math.ceil((amount - this.limit) / this.limit));
    const needed = Math.min(amount, this.limit);
    let free = this.limit - this.used;
    for (const entry of this.spent) {
      free += entry.amount;
      if (free >= needed) return entry.at + this.windowMs - now + extraWindows * this.windowMs;
    }
    return this.windowMs * (extraWindows + 1);
  }

  record(amount: number, now: number): void {
    this.spent.push({ at: now, amount });
    this.used += amount;
  }

  /** A new connection: Deepgram counts from zero again. */
  reset(): void {
    this.spent.length = 0;
    this.used = 0;
  }

  private expire(now: number): void {
    while (this.spent.length > 0 && now - this.spent[0].at >= this.windowMs) this.used -= this.spent.shift()!.amount;
  }
}
