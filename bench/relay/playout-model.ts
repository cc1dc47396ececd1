/**
 * Client-side view of one flush's audio: time to first audio, how late each chunk is against the
 * real-time schedule set by the first chunk, and underruns of a player that starts on the first
 * chunk (after `prerollMs`) and plays continuously while it has audio.
 */

/** Pooled observations of every session of one load-generator run. */
export interface PlayoutObservations {
  /** Flush sent -> first audio byte, per flush. */
  ttfaMs: number[];
  /** The same for the first flush of each session only (a cold session: its upstream may be new). */
  firstTtfaMs: number[];
  /** ... and of every later flush: the warm figure. */
  laterTtfaMs: number[];
  /** Per chunk after the first of its flush: arrival offset minus the audio duration received before it. */
  chunkLatenessMs: number[];
  /** Silence the player had to insert, per underrun. */
  underrunGapMs: number[];
  audioBytes: number;
  audioFrames: number;
  flushes: number;
}

export const emptyObservations = (): PlayoutObservations => ({
  ttfaMs: [],
  firstTtfaMs: [],
  laterTtfaMs: [],
  chunkLatenessMs: [],
  underrunGapMs: [],
  audioBytes: 0,
  audioFrames: 0,
  flushes: 0,
});

export class FlushPlayout {
  private flushAt = 0;
  private firstAt = -1;
  private bytesBefore = 0;
  private playEnd = 0;
  private flushesSent = 0;

  constructor(
    private readonly out: PlayoutObservations,
    private readonly bytesPerMs: number,
    private readonly prerollMs: number,
  ) {}

  flushSent(now: number): void {
    this.flushAt = now;
    this.firstAt = -1;
    this.bytesBefore = 0;
    this.flushesSent++;
    this.out.flushes++;
  }

  audio(now: number, rawBytes: number): void {
    const durationMs = rawBytes / this.bytesPerMs;
    this.out.audioBytes += rawBytes;
    this.out.audioFrames++;
    if (this.firstAt < 0) {
      this.firstAt = now;
      this.out.ttfaMs.push(now - this.flushAt);
      (this.flushesSent === 1 ? this.out.firstTtfaMs : this.out.laterTtfaMs).push(now - this.flushAt);
      this.playEnd = now + this.prerollMs + durationMs;
    } else {
      this.out.chunkLatenessMs.push(now - this.firstAt - this.bytesBefore / this.bytesPerMs);
      if (now > this.playEnd) {
        this.out.underrunGapMs.push(now - this.playEnd);
        this.playEnd = now + durationMs;
      } else {
        this.playEnd += durationMs;
      }
    }
    this.bytesBefore += rawBytes;
  }
}
