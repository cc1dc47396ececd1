/**
 * A Clear the gateway has not answered by then (dropped, or lost with a reopened upstream) stops holding back
 * audio: better a moment of stale speech than every later utterance discarded.
 */
export const CLEAR_ANSWER_TIMEOUT_MS = 2000;

/**
 * Clears sent and not yet answered: audio arriving meanwhile belongs to the interrupted speech. After a
 * barge-in on a closing session (no Clear sent: the gateway ignores messages after Close) everything still
 * arriving on that socket is the interrupted speech.
 */
export class PendingClears {
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private droppingRest = false;

  /** True while audio should be dropped. */
  get holding(): boolean {
    return this.droppingRest || this.count > 0;
  }

  sent(): void {
    this.count++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), CLEAR_ANSWER_TIMEOUT_MS);
  }

  /** One Clear answered by `Cleared`. */
  answered(): void {
    if (this.count > 1) this.count--;
    else this.settle();
  }

  /**
   * A `rate_limited` notice. The gateway says how many of the messages it dropped were Clears
   * (`dropped_clears`): no `Cleared` comes for those, so the wait ends for that many. From a gateway that
   * does not say (older), only a notice that dropped something can be a refused Clear (a deferred Flush
   * is `dropped: 0`), and it is taken as one.
   */
  rateLimited(dropped: number | undefined, droppedClears: number | undefined): void {
    if (typeof droppedClears === 'number') {
      for (let n = droppedClears; n > 0 && this.count > 0; n--) this.answered();
    } else if (dropped !== 0) {
      this.answered();
    }
  }

  /** Everything still arriving on this socket is dropped (until `reset`). */
  dropRest(): void {
    this.droppingRest = true;
  }

  /** A new socket, or the end of one: nothing sent on it is pending. */
  reset(): void {
    this.droppingRest = false;
    this.settle();
  }

  private settle(): void {
    this.count = 0;
    clearTimeout(this.timer);
  }
}
