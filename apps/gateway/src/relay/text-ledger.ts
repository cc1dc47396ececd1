/** A Flush sent and not answered yet: its text is put back if Deepgram refuses it. */
interface OwedFlush {
  clientAt: number;
  text: string[];
  chars: number;
}

/**
 * A session's text on its way to audio: what was spoken since the last Flush (replayed on a reopened
 * upstream) and the Flushes Deepgram still owes a `Flushed` for.
 */
export class TextLedger {
  /** Speak pieces sent since the last Flush, in order. */
  unflushed: string[] = [];
  unflushedChars = 0;
  private owed: OwedFlush[] = [];

  get owedFlushes(): number {
    return this.owed.length;
  }

  /** Client time of the oldest unanswered Flush. */
  get oldestFlushAt(): number | undefined {
    return this.owed[0]?.clientAt;
  }

  spoke(piece: string): void {
    this.unflushed.push(piece);
  }

  counted(chars: number): void {
    this.unflushedChars += chars;
  }

  flushed(clientAt: number): void {
    this.owed.push({ clientAt, text: this.unflushed, chars: this.unflushedChars });
    this.unflushed = [];
    this.unflushedChars = 0;
  }

  answered(): void {
    this.owed.shift();
  }

  /** Deepgram ignored the latest Flush and still holds its text: unflushed again. Returns its client time. */
  refused(): number {
    const refused = this.owed.pop()!;
    this.unflushed = refused.text.concat(this.unflushed);
    this.unflushedChars += refused.chars;
    return refused.clientAt;
  }

  /** Answers given up on (or cleared). */
  forgetOwed(): void {
    this.owed = [];
  }

  clear(): void {
    this.unflushed = [];
    this.unflushedChars = 0;
    this.owed = [];
  }
}
