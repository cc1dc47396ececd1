import { bytesPerSample, bytesPerSecond } from '@tts/audio';
import { SpeakParams } from './speak-request';

/** Small seeded PRNG (mulberry32): chunk sizes vary like the real service's, yet reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sizes the audio frames of one connection: whole samples of 0.4..2x `chunkMs` each by default,
 * odd byte counts (splitting PCM16 samples across frames) when asked to misbehave.
 */
export class AudioChunker {
  readonly bytesPerSecond: number;
  private readonly random: () => number;
  private readonly sampleBytes: number;

  constructor(
    params: SpeakParams,
    private readonly chunkMs: number,
    private readonly oddChunks: boolean,
    seed: number,
  ) {
    this.bytesPerSecond = bytesPerSecond(params.encoding, params.sampleRate);
    this.sampleBytes = bytesPerSample(params.encoding);
    this.random = seededRandom(seed);
  }

  nextSize(remaining: number): number {
    const ms = this.chunkMs * (0.4 + 1.6 * this.random());
    let size = Math.max(1, Math.round((ms * this.bytesPerSecond) / 1000 / this.sampleBytes)) * this.sampleBytes;
    if (this.oddChunks) size |= 1;
    return Math.min(size, remaining);
  }

  /** Milliseconds after the first byte at which `offset` bytes are due, at `speed` times real time. */
  dueMs(offset: number, speed: number): number {
    return speed > 0 ? (offset * 1000) / this.bytesPerSecond / speed : 0;
  }
}
