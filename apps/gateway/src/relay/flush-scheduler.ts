import { UPSTREAM_FLUSH_WINDOW_MS } from '@tts/protocol';
import { FlushBudget } from './flush-budget';

/** First retry of a Flush Deepgram refused over its limit; doubled on each refusal in a row. */
const FLUSH_RETRY_MS = 1000;

/**
 * When a session's Flushes may go upstream: within Deepgram's budget, counted from when each one is
 * written to the socket (a connecting socket's queue holds them until it opens). A Flush over budget
 * is deferred, later ones merge into it, and one Deepgram refuses anyway is retried with backoff.
 */
export class FlushScheduler {
  private readonly budget = new FlushBudget();
  private deferred?: { timer: NodeJS.Timeout; clientAt: number; dueAt: number };
  private awaitingOpen = 0;
  private refusals = 0;

  /** `send` writes a Flush upstream now (or into the connecting socket's queue). */
  constructor(private readonly send: (clientAt: number) => void) {}

  get pending(): boolean {
    return this.deferred !== undefined;
  }

  /**
   * A client Flush: sent now, merged into a pending deferred one (-1), or deferred for the returned
   * number of milliseconds.
   */
  request(clientAt: number): number {
    if (this.deferred) return -1;
    const waitMs = this.budget.waitMs();
    if (waitMs === 0) this.send(clientAt);
    else this.defer(clientAt, waitMs);
    return waitMs;
  }

  /** A Flush was handed to the upstream connection; `queued`: it is still connecting. */
  sent(queued: boolean): void {
    this.budget.record();
    if (queued) this.awaitingOpen++;
  }

  /** The upstream opened and wrote its queue: the Flushes in it count from now. */
  opened(): void {
    this.budget.restampLast(this.awaitingOpen);
    this.awaitingOpen = 0;
  }

  /** A new upstream connection: nothing waits in its queue yet. */
  connecting(): void {
    this.awaitingOpen = 0;
  }

  answered(): void {
    this.refusals = 0;
  }

  /** Deepgram refused the Flush of `clientAt` by its own count: retried later, never lost. Returns the wait. */
  refused(clientAt: number): number {
    const backoffMs = Math.min(FLUSH_RETRY_MS * 2 ** this.refusals++, UPSTREAM_FLUSH_WINDOW_MS);
    const waitMs = Math.max(backoffMs, this.budget.waitMs());
    const deferred = this.deferred;
    if (deferred && deferred.dueAt >= Date.now() + waitMs) return waitMs;
    this.cancel();
    this.defer(Math.min(clientAt, deferred?.clientAt ?? Infinity), waitMs);
    return waitMs;
  }

  cancel(): void {
    if (!this.deferred) return;
    clearTimeout(this.deferred.timer);
    this.deferred = undefined;
  }

  private defer(clientAt: number, waitMs: number): void {
    const timer = setTimeout(() => {
      this.deferred = undefined;
      this.request(clientAt); // the budget again: Flushes written since may have moved it
    }, waitMs);
    this.deferred = { timer, clientAt, dueAt: Date.now() + waitMs };
  }
}
