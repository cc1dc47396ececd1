import { AudioEncoding, WAV_HEADER_BYTES, WavFormat, bytesPerSample, writeWavHeader } from '@tts/audio';
import { AudioContainer } from '@tts/protocol';

/**
 * Turns upstream audio chunks (raw samples, arbitrary sizes) into client frames of whole samples:
 * each a complete WAV file (container=wav) or raw samples (container=none). A trailing partial
 * sample is carried into the next frame, never dropped and never split.
 */
export class AudioFramer {
  /** Sample bytes in the frame last returned by `frame` (WAV header excluded): the billable bytes. */
  lastSampleBytes = 0;
  private readonly format: WavFormat;
  private readonly sampleBytes: number;
  private readonly wav: boolean;
  private carry = -1;

  constructor(encoding: AudioEncoding, sampleRate: number, container: AudioContainer) {
    this.format = { encoding, sampleRate };
    this.sampleBytes = bytesPerSample(encoding);
    this.wav = container === 'wav';
  }

  /** The client frame for this chunk, or null when it holds no whole sample yet. */
  frame(chunk: Buffer): Buffer | null {
    return this.frameAll([chunk], chunk.length);
  }

  /**
   * One client frame for `chunks` (upstream chunks of `length` bytes in all, in order), or null when
   * they hold no whole sample yet. Each byte is copied once, behind the WAV header; a single raw chunk
   * of whole samples goes out as is.
   */
  frameAll(chunks: readonly Buffer[], length: number): Buffer | null {
    if (length === 0) {
      // Nothing to frame, and a carried byte must survive to the next chunk.
      this.lastSampleBytes = 0;
      return null;
    }
    const carried = this.carry >= 0 ? 1 : 0;
    const total = carried + length;
    const whole = this.sampleBytes === 1 ? total : total - (total & 1);
    const last = chunks[chunks.length - 1];
    const nextCarry = whole < total ? lastByte(chunks) : -1;
    this.lastSampleBytes = whole;
    if (whole === 0) {
      this.carry = nextCarry;
      return null;
    }
    const fromChunks = whole - carried;
    let out: Buffer;
    if (!this.wav && !carried && chunks.length === 1) {
      out = fromChunks === last.length ? last : last.subarray(0, fromChunks);
    } else {
      const header = this.wav ? WAV_HEADER_BYTES : 0;
      out = Buffer.allocUnsafe(header + whole);
      if (this.wav) writeWavHeader(out, 0, this.format, whole);
      if (carried) out[header] = this.carry;
      let at = header + carried;
      for (const chunk of chunks) at += chunk.copy(out, at, 0, Math.min(chunk.length, out.length - at));
    }
    this.carry = nextCarry;
    return out;
  }

  /** Forgets a carried partial sample (its audio was cleared). */
  reset(): void {
    this.carry = -1;
  }
}

/** The last byte of non-empty `chunks` (a trailing chunk may be empty). */
function lastByte(chunks: readonly Buffer[]): number {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const chunk = chunks[i];
    if (chunk.length > 0) return chunk[chunk.length - 1];
  }
  return -1;
}
