/** An amount spent over a sliding time window (characters or Flushes), as Deepgram counts its limits. */
export class SlidingWindow {
  /** Spending times and amounts, oldest first; pruned as they leave the window. */
  private readonly times: number[] = [];
  private readonly amounts: number[] = [];
  private total = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Records `amount` at `now` if it fits under the limit; false (and nothing recorded) if it does not. */
  trySpend(amount: number, now = Date.now()): boolean {
    while (this.times.length > 0 && now - this.times[0] >= this.windowMs) {
      this.times.shift();
      this.total -= this.amounts.shift()!;
    }
    if (this.total + amount > this.limit) return false;
    this.times.push(now);
    this.amounts.push(amount);
    this.total += amount;
    return true;
  }
}
