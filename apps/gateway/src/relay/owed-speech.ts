import { UpstreamClientMessage } from '@tts/protocol';
import { SlidingWindowBudget } from './sliding-window-budget';

/** Deepgram's per-connection limits as the relay paces them. */
export interface UpstreamPace {
  /** Speak characters per sliding window (Deepgram: 2,400 per 60 s). */
  textLimit: number;
  textWindowMs: number;
  /** Flushes per sliding window (Deepgram: 20 per 60 s). */
  flushLimit: number;
  flushWindowMs: number;
}

/**
 * Within an episode of held text, a wait this long for the character allowance also flushes the text
 * already sent: Deepgram speaks only flushed text, and would otherwise stay silent that long.
 */
export const LONG_HOLD_MS = 2000;

/**
 * Text the client sent that has not gone upstream yet (Speak piece), or a client Flush behind it.
 * `heldAt`: since when the piece waits for the character allowance (unset while it merely queues for an
 * open connection or the next turn): what the held-text metric measures. `local`: a Flush with nothing
 * to speak that came before the first upstream open; the gateway answers it itself when its turn comes.
 */
type HeldItem =
  { kind: 'speak'; text: string; heldAt?: number } | { kind: 'flush'; flushes: number; clientAt: number; local?: true };
/** A Flush on its way: `flushes` client Flushes it answers (0: the gateway's own, at hold start or before a Close). */
interface PendingFlush {
  flushes: number;
  clientAt: number;
}
/** A Flush written upstream and not answered yet; its text goes back if Deepgram refuses it. */
interface OwedFlush extends PendingFlush {
  text: string[];
}

/** What the pacer does next: write a message, answer Flushes itself, or wait (for the text or the Flush allowance). */
export type PaceStep =
  /** `heldMs`: set on a Speak that waited for the character allowance, and how long. */
  | { kind: 'send'; message: UpstreamClientMessage; heldMs?: number }
  /** `flushes` client Flushes that asked for no audio, answered by the gateway in their turn. */
  | { kind: 'answer'; flushes: number }
  | { kind: 'wait'; waitMs: number; forText: boolean }
  | { kind: 'idle' };

/**
 * The one record of a session's speech between client and Deepgram: text held back by pacing,
 * text sent since the last Flush (replayed on a new connection), the Flushes and Clears Deepgram
 * still owes an answer for. `next()` releases held text and Flushes in client order, within the
 * connection's character and Flush allowances. Pure bookkeeping: the caller owns sockets and timers.
 */
export class OwedSpeech {
  private held: HeldItem[] = [];
  private heldTextChars = 0;
  private sentSinceFlush: string[] = [];
  private sentSinceFlushChars = 0;
  /** A Flush that reached the head of the queue but waits for the Flush allowance; text behind it passes. */
  private waitingFlush?: PendingFlush;
  private flushNotBefore = 0;
  /** Set when a client Flush first had to wait for the Flush allowance: the client is told once. */
  private deferredFlushMs?: number;
  private refusalsInARow = 0;
  /** An episode of held text is under way (its start flushed the text sent before it). */
  private holding = false;
  private owedFlushes: OwedFlush[] = [];
  /** Per Clear in flight: how many owed Flushes were sent before it (Deepgram drops those). */
  private owedClears: number[] = [];
  private readonly text: SlidingWindowBudget;
  private readonly flushBudget: SlidingWindowBudget;

  constructor(private readonly pace: UpstreamPace) {
    this.text = new SlidingWindowBudget(pace.textLimit, pace.textWindowMs);
    this.flushBudget = new SlidingWindowBudget(pace.flushLimit, pace.flushWindowMs);
  }

  /** Characters held back by pacing. */
  get heldChars(): number {
    return this.heldTextChars;
  }

  /** Characters the session holds without a Flush having gone upstream for them (held or sent). */
  get unflushedChars(): number {
    return this.heldTextChars + this.sentSinceFlushChars;
  }

  /** Deepgram owes a Flushed or a Cleared. */
  get answersOwed(): boolean {
    return this.owedFlushes.length > 0 || this.owedClears.length > 0;
  }

  /** Deepgram owes a Flushed that no owed Clear voids (a Cleared drops the Flushes owed before its Clear). */
  get flushesOwed(): boolean {
    return this.owedFlushes.length > (this.owedClears[this.owedClears.length - 1] ?? 0);
  }

  /** Something still has to go upstream: held text or Flushes, or a Flush waiting for its allowance. */
  get pendingUpstream(): boolean {
    return this.held.length > 0 || this.waitingFlush !== undefined;
  }

  /** Nothing held, nothing waiting, nothing owed. */
  get settled(): boolean {
    return this.held.length === 0 && !this.waitingFlush && !this.answersOwed;
  }

  /** Client time of the oldest Flush awaiting its Flushed (for the Flush-to-first-audio metric). */
  get oldestFlushAt(): number | undefined {
    return this.owedFlushes[0]?.clientAt;
  }

  /** Clears sent and not answered yet. */
  get clearsOwed(): number {
    return this.owedClears.length;
  }

  /** A Clear is in flight: audio arriving now belongs to cleared text. */
  get clearing(): boolean {
    return this.owedClears.length > 0;
  }

  speak(pieces: readonly string[], now: number): void {
    for (const text of pieces) {
      // During an episode of held text a new piece queues behind the held ones: held from now.
      this.held.push({ kind: 'speak', text, heldAt: this.holding ? now : undefined });
      this.heldTextChars += text.length;
    }
  }

  /**
   * A client Flush (`flushes` 1) or the gateway's own before a Close (0: no Flushed for the client).
   * A client Flush with no text since the previous Flush asks for no audio: it is answered with that
   * Flush (merged into it, whether held, waiting or owed), or at once when nothing is owed; so it never
   * spends Deepgram's Flush allowance nor relies on how Deepgram answers an empty Flush. Returns true
   * when the caller must answer it now; with `answerNow` false (nothing may reach the client yet) it
   * waits in line and `next()` hands it back as an `answer` step. A Clear still owed keeps it in line
   * upstream: its answer follows Cleared.
   */
  flush(clientAt: number, flushes = 1, answerNow = true): boolean {
    const last = this.held.at(-1);
    // With a Flush waiting for the allowance, text sent since may be before or after it: queued, the
    // pacer merges this one into the waiting one when it reaches the head (mergeFlush).
    const nothingSince = last ? last.kind === 'flush' : !this.waitingFlush && this.sentSinceFlush.length === 0;
    if (flushes > 0 && nothingSince && this.owedClears.length === 0) {
      if (last?.kind === 'flush') last.flushes += flushes;
      else if (this.owedFlushes.length > 0) this.owedFlushes[this.owedFlushes.length - 1].flushes += flushes;
      else if (answerNow) return true;
      else this.held.push({ kind: 'flush', flushes, clientAt, local: true });
      return false;
    }
    this.held.push({ kind: 'flush', flushes, clientAt });
    return false;
  }

  /** Text the session holds or has sent with no Flush after it. */
  get needsFlush(): boolean {
    const last = this.held.at(-1);
    return last ? last.kind === 'speak' : this.sentSinceFlush.length > 0 && !this.waitingFlush;
  }

  /** Barge-in: every held, unflushed and waiting piece is dropped. Returns the held characters dropped. */
  clear(): number {
    const dropped = this.heldTextChars;
    this.held = [];
    this.heldTextChars = 0;
    this.sentSinceFlush = [];
    this.sentSinceFlushChars = 0;
    this.waitingFlush = undefined;
    this.holding = false;
    this.owedClears.push(this.owedFlushes.length);
    return dropped;
  }

  /** The next step of the pacer at `now`; call it again after each `send`. */
  next(now: number): PaceStep {
    if (this.waitingFlush) {
      const waitMs = Math.max(this.flushBudget.waitMs(1, now), this.flushNotBefore - now);
      if (waitMs <= 0) return this.sendFlush(this.waitingFlush, now);
      const step = this.nextHeld(now, true);
      return step.kind === 'idle' ? { kind: 'wait', waitMs, forText: false } : minWait(step, waitMs);
    }
    return this.nextHeld(now, false);
  }

  /**
   * Milliseconds until everything held now could have been sent, ignoring Flushes (an estimate
   * for the client's notice).
   */
  heldDelayMs(now: number): number {
    return this.text.waitMs(this.heldTextChars, now);
  }

  /** How long a Flush was just deferred for the Flush allowance (once per deferral), else undefined. */
  takeFlushDeferral(): number | undefined {
    const waitMs = this.deferredFlushMs;
    this.deferredFlushMs = undefined;
    return waitMs;
  }

  /**
   * Deepgram answered the oldest Flush. Returns how many `Flushed` the client gets for it: none for the
   * gateway's own, and none for a Flushed nobody is owed (e.g. one arriving after the answers were given up).
   */
  flushed(): number {
    const answered = this.owedFlushes.shift();
    if (!answered) return 0;
    this.refusalsInARow = 0;
    for (let i = 0; i < this.owedClears.length; i++) this.owedClears[i] = Math.max(0, this.owedClears[i] - 1);
    return answered.flushes;
  }

  /** Deepgram answered the oldest Clear: the Flushes sent before it will never be answered. */
  cleared(): void {
    const dropped = this.owedClears.shift() ?? 0;
    this.owedFlushes.splice(0, dropped);
    for (let i = 0; i < this.owedClears.length; i++) this.owedClears[i] = Math.max(0, this.owedClears[i] - dropped);
  }

  /**
   * Deepgram ignored our latest Flush (over its own count) and still holds its text: the text counts
   * as unflushed again, and the Flush waits `retryMs`, doubling on each refusal in a row.
   * Deepgram refuses a Flush the moment it reads it, while a Flush it accepted is answered only after
   * its audio: the refused one is the last one sent, never an older one still being spoken. With a
   * Clear owed, Deepgram has not read that Clear yet (it answers a Clear at once): the refused Flush is
   * the last one sent before it, and the Clear drops its text, so it is simply forgotten.
   * Returns the wait, or undefined when nothing is retried.
   */
  flushRefused(now: number, firstRetryMs: number): number | undefined {
    if (this.owedClears.length > 0) {
      const beforeClear = this.owedClears[0];
      if (beforeClear > 0) {
        this.owedFlushes.splice(beforeClear - 1, 1);
        // Every owed Clear went up after it: each counts one Flush fewer before itself.
        for (let i = 0; i < this.owedClears.length; i++) this.owedClears[i] -= 1;
      }
      return undefined;
    }
    const refused = this.owedFlushes.pop();
    if (!refused) return undefined;
    this.sentSinceFlush = refused.text.concat(this.sentSinceFlush);
    this.sentSinceFlushChars += charsOf(refused.text);
    const retryMs = Math.min(firstRetryMs * 2 ** this.refusalsInARow++, this.pace.flushWindowMs);
    this.flushNotBefore = now + retryMs;
    this.waitingFlush = mergeFlush(refused, this.waitingFlush);
    return retryMs;
  }

  /** Answers taken as lost (Deepgram silent too long): nothing is owed any more. */
  forgetOwed(): void {
    this.owedFlushes = [];
    this.owedClears = [];
  }

  /**
   * The connection ended before Deepgram answered, or sent anything, since the first Flush owed now
   * went up: its close crossed those Flushes on the way, so none of their text was spoken. Each goes
   * back, its text then the Flush, in front of the text sent since and the held text: replayed on the
   * next connection as if never sent. False, changing nothing, while a Clear is owed (its audio
   * may already have been dropped by the client; the session then ends as before).
   */
  requeueUnanswered(): boolean {
    if (this.owedClears.length > 0 || this.owedFlushes.length === 0) return false;
    const back: HeldItem[] = [];
    for (const { text, flushes, clientAt } of this.owedFlushes) {
      for (const piece of text) back.push({ kind: 'speak', text: piece });
      back.push({ kind: 'flush', flushes, clientAt });
      this.heldTextChars += charsOf(text);
    }
    this.owedFlushes = [];
    // Then what `newConnection` would replay: the text sent since, and a Flush waiting for the allowance.
    for (const piece of this.sentSinceFlush) back.push({ kind: 'speak', text: piece });
    if (this.waitingFlush) back.push({ kind: 'flush', ...this.waitingFlush });
    this.heldTextChars += this.sentSinceFlushChars;
    this.sentSinceFlush = [];
    this.sentSinceFlushChars = 0;
    this.waitingFlush = undefined;
    this.held = back.concat(this.held);
    return true;
  }

  /**
   * A new upstream connection with nothing owed: its allowances start afresh, and the text sent
   * since the last Flush is held again, to be replayed first.
   */
  newConnection(): void {
    this.text.reset();
    this.flushBudget.reset();
    this.holding = false;
    const replay = this.sentSinceFlush.map((text): HeldItem => ({ kind: 'speak', text }));
    // A Flush that waited for the old connection's allowance covers the replayed text: it follows it.
    if (this.waitingFlush) replay.push({ kind: 'flush', ...this.waitingFlush });
    this.waitingFlush = undefined;
    this.flushNotBefore = 0;
    this.refusalsInARow = 0;
    this.heldTextChars += this.sentSinceFlushChars;
    this.held = replay.concat(this.held);
    this.sentSinceFlush = [];
    this.sentSinceFlushChars = 0;
  }

  private nextHeld(now: number, flushWaiting: boolean): PaceStep {
    for (;;) {
      const head = this.held[0];
      if (!head) return { kind: 'idle' };
      if (head.kind === 'speak') {
        const waitMs = this.text.waitMs(head.text.length, now);
        if (waitMs > 0) {
          // Text already sent must not wait for the held text's Flush: Deepgram would stay silent
          // (and close the idle connection) until the window frees.
          const flushFirst =
            (!this.holding || waitMs >= LONG_HOLD_MS) && !flushWaiting && this.sentSinceFlush.length > 0;
          // A hold starts: what is queued now is held from now (later pieces are marked as they arrive).
          if (!this.holding) for (const item of this.held) if (item.kind === 'speak') item.heldAt ??= now;
          this.holding = true;
          if (flushFirst) return this.flushSentText(now);
          return { kind: 'wait', waitMs, forText: true };
        }
        this.held.shift();
        this.heldTextChars -= head.text.length;
        if (this.heldTextChars === 0) this.holding = false;
        this.text.record(head.text.length, now);
        this.sentSinceFlush.push(head.text);
        this.sentSinceFlushChars += head.text.length;
        const heldMs = head.heldAt === undefined ? undefined : now - head.heldAt;
        return { kind: 'send', message: { type: 'Speak', text: head.text }, heldMs };
      }
      this.held.shift();
      if (head.local) return { kind: 'answer', flushes: head.flushes };
      const flushWaitMs = this.flushBudget.waitMs(1, now);
      if (flushWaiting || flushWaitMs > 0) {
        // Over the Flush allowance: later Flushes merge into this one when they reach the head.
        this.waitingFlush = mergeFlush(head, this.waitingFlush);
        if (flushWaiting) continue;
        // Only a client's Flush is announced as deferred: the gateway's own (flushes 0) is none of its business.
        if (head.flushes > 0) this.deferredFlushMs = flushWaitMs;
        return this.next(now);
      }
      return this.sendFlush(head, now);
    }
  }

  /** The gateway's own Flush (no client `Flushed`) for the text sent before a hold, within the Flush allowance. */
  private flushSentText(now: number): PaceStep {
    const own: PendingFlush = { flushes: 0, clientAt: now };
    if (this.flushBudget.waitMs(1, now) <= 0) return this.sendFlush(own, now);
    // Over the Flush allowance: it waits like a client Flush would, and later Flushes merge into it.
    this.waitingFlush = own;
    return this.next(now);
  }

  private sendFlush(flush: PendingFlush, now: number): PaceStep {
    this.waitingFlush = undefined;
    this.flushBudget.record(1, now);
    this.owedFlushes.push({ ...flush, text: this.sentSinceFlush });
    this.sentSinceFlush = [];
    this.sentSinceFlushChars = 0;
    return { kind: 'send', message: { type: 'Flush' } };
  }
}

function mergeFlush(flush: PendingFlush, into: PendingFlush | undefined): PendingFlush {
  if (!into) return { flushes: flush.flushes, clientAt: flush.clientAt };
  return { flushes: into.flushes + flush.flushes, clientAt: Math.min(into.clientAt, flush.clientAt) };
}

function minWait(step: PaceStep, waitMs: number): PaceStep {
  return step.kind === 'wait' && step.waitMs > waitMs ? { ...step, waitMs } : step;
}

function charsOf(texts: readonly string[]): number {
  return texts.reduce((n, text) => n + text.length, 0);
}
