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
    if (chunk.length === 0) {
      // Nothing to frame, and a carried byte must survive to the next chunk.
      this.lastSampleBytes = 0;
      return null;
    }
    const carried = this.carry >= 0 ? 1 : 0;
    const total = carried + chunk.length;
    const whole = this.sampleBytes === 1 ? total : total - (total & 1);
    const nextCarry = whole < total ? chunk[chunk.length - 1] : -1;
    this.lastSampleBytes = whole;
    if (whole === 0) {
      this.carry = nextCarry;
      return null;
    }
    const fromChunk = whole - carried;
    let out: Buffer;
    if (this.wav) {
      out = Buffer.allocUnsafe(WAV_HEADER_BYTES + whole);
      writeWavHeader(out, 0, this.format, whole);
      if (carried) out[WAV_HEADER_BYTES] = this.carry;
      chunk.copy(out, WAV_HEADER_BYTES + carried, 0, fromChunk);
    } else if (carried) {
      out = Buffer.allocUnsafe(whole);
      out[0] = this.carry;
      chunk.copy(out, 1, 0, fromChunk);
    } else {
      out = fromChunk === chunk.length ? chunk : chunk.subarray(0, fromChunk);
    }
    this.carry = nextCarry;
    return out;
  }

  /** Forgets a carried partial sample (its audio was cleared). */
  reset(): void {
    this.carry = -1;
  }
}
