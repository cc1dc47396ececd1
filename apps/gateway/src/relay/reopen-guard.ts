/**
 * An upstream that closes while text waits to go up is reopened by itself, and the text replayed. Two
 * upstreams in a row that closed that way without a single audio frame or answer would replay the same
 * text forever (each replay billed by Deepgram): the guard says stop, and the session fails instead.
 */
export class ReopenGuard {
  private progressed = false;
  private fruitlessCloses = 0;

  /** A new upstream link. */
  opened(): void {
    this.progressed = false;
  }

  /** The upstream sent audio or an answer. */
  progress(): void {
    this.progressed = true;
  }

  /** The upstream closed in a restorable way; true when reopening it would go round in a loop. */
  loops(textWaiting: boolean): boolean {
    this.fruitlessCloses = this.progressed || !textWaiting ? 0 : this.fruitlessCloses + 1;
    return this.fruitlessCloses >= 2;
  }
}
