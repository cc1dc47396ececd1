/** Deepgram silent this long while it owes a Flushed or Cleared: the answer is taken as lost. */
export const ANSWER_STALL_MS = 30_000;

/**
 * Last resort: an answer Deepgram never sends must not keep a session busy, or a Close pending,
 * forever. Upstream frames are counted (never a timer refresh per audio chunk); the answer is given
 * up after one to two windows in which the upstream sent nothing at all while it was being read.
 */
export class AnswerWatchdog {
  private timer?: NodeJS.Timeout;
  private frames = 0;
  private framesAtWatch = 0;

  constructor(
    private readonly stalled: () => void,
    /** True while we stopped reading (slow client): silence is then ours, not Deepgram's. */
    private readonly paused: () => boolean,
    private readonly windowMs: number = ANSWER_STALL_MS,
  ) {}

  /** Called per upstream frame: one increment, no timer work. */
  frame(): void {
    this.frames++;
  }

  /** Watches while `owed`, stops otherwise. */
  watch(owed: boolean): void {
    if (!owed) return this.stop();
    if (this.timer) return;
    this.framesAtWatch = this.frames;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.paused() || this.frames !== this.framesAtWatch) return this.watch(true);
      this.stalled();
    }, this.windowMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
