/**
 * A Clear the gateway has not answered by then (dropped, or lost with a reopened upstream) stops holding back
 * audio: better a moment of stale speech than every later utterance discarded.
 */
export const CLEAR_ANSWER_TIMEOUT_MS = 2000;

/** Clears sent and not yet answered: audio arriving meanwhile belongs to the interrupted speech. */
export class PendingClears {
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** True while audio should be dropped. */
  get holding(): boolean {
    return this.count > 0;
  }

  sent(): void {
    this.count++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reset(), CLEAR_ANSWER_TIMEOUT_MS);
  }

  /** One Clear answered: by `Cleared`, or refused with `rate_limited`. */
  answered(): void {
    if (this.count > 1) this.count--;
    else this.reset();
  }

  /** A new socket: nothing sent on it is pending. */
  reset(): void {
    this.count = 0;
    clearTimeout(this.timer);
  }
}
