import { endianness } from 'node:os';
import { AudioEncoding, bytesPerSample, linearToAlaw, linearToMulaw } from '@tts/audio';
import { SpeechRenderer } from './speech-renderer';

const LITTLE_ENDIAN = endianness() === 'LE';

export interface SpeechAudioFormat {
  encoding: AudioEncoding;
  sampleRate: number;
  basePitchHz?: number;
  /** Deepgram's `speed`: 1.5 speaks the same text in two thirds of the time. */
  speakingRate?: number;
}

/**
 * The raw audio bytes of one text (little-endian PCM16 or G.711, no container), read front to
 * back in frames of any size, odd ones included: only the samples a frame needs are rendered.
 */
export class SpeechAudio {
  readonly byteLength: number;
  private readonly renderer: SpeechRenderer;
  private readonly sampleBytes: number;
  private readonly encode?: (sample: number) => number;
  private scratch = new Int16Array(0);
  private bytesRead = 0;
  /** The second byte of a PCM16 sample split across two frames. */
  private carry = -1;

  constructor(text: string, format: SpeechAudioFormat) {
    this.renderer = new SpeechRenderer(text, format.sampleRate, format.basePitchHz, format.speakingRate);
    this.sampleBytes = bytesPerSample(format.encoding);
    this.byteLength = this.renderer.totalSamples * this.sampleBytes;
    if (format.encoding !== 'linear16') this.encode = format.encoding === 'mulaw' ? linearToMulaw : linearToAlaw;
  }

  get remainingBytes(): number {
    return this.byteLength - this.bytesRead;
  }

  /** The next `size` bytes (fewer at the end), in a buffer of their own that the caller may keep. */
  read(size: number): Buffer {
    const out = Buffer.allocUnsafe(Math.min(size, this.remainingBytes));
    let at = 0;
    if (this.carry >= 0 && out.length > 0) {
      out[at++] = this.carry;
      this.carry = -1;
    }
    const samples = Math.ceil((out.length - at) / this.sampleBytes);
    if (samples > 0) {
      const encoded = this.renderSamples(samples);
      encoded.copy(out, at, 0, out.length - at);
      if (encoded.length > out.length - at) this.carry = encoded[out.length - at];
    }
    this.bytesRead += out.length;
    return out;
  }

  /** The next `count` samples, encoded, in a view of a scratch buffer reused by the next call. */
  private renderSamples(count: number): Buffer {
    if (this.scratch.length < count) this.scratch = new Int16Array(count);
    const pcm = this.scratch;
    this.renderer.renderInto(pcm, count);
    if (this.encode) {
      const bytes = Buffer.from(pcm.buffer, 0, count);
      // In place: byte n is written after sample n (and every earlier sample) was read.
      for (let n = 0; n < count; n++) bytes[n] = this.encode(pcm[n]);
      return bytes;
    }
    const bytes = Buffer.from(pcm.buffer, 0, count * 2);
    if (!LITTLE_ENDIAN) bytes.swap16();
    return bytes;
  }
}
