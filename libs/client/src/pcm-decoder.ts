import { WAV_HEADER_BYTES, alawToLinear, mulawToLinear } from '@tts/audio';
import type { AudioFormat } from './client-events';

const RIFF = 0x46464952; // "RIFF" read little-endian
const DATA = 0x61746164; // "data" read little-endian

function companderTable(expand: (byte: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = expand(byte) / 32768;
  return table;
}
let mulawTable: Float32Array | undefined;
let alawTable: Float32Array | undefined;

/**
 * Turns the gateway's binary frames into float samples at the session rate. WAV frames lose their
 * header; a trailing odd byte of linear16 is carried into the next frame instead of being dropped.
 */
export class PcmDecoder {
  private carry = -1;
  private readonly table: Float32Array | undefined;

  constructor(readonly format: AudioFormat) {
    if (format.encoding === 'mulaw') this.table = mulawTable ??= companderTable(mulawToLinear);
    if (format.encoding === 'alaw') this.table = alawTable ??= companderTable(alawToLinear);
  }

  decode(frame: ArrayBuffer): Float32Array {
    const view = new DataView(frame);
    const start = this.format.container === 'wav' ? dataOffset(view) : 0;
    if (this.table) return this.expand(new Uint8Array(frame, start), this.table);
    return this.linear16(view, start);
  }

  /** Forget a half sample (after a barge-in the next frame starts a new stream). */
  reset(): void {
    this.carry = -1;
  }

  private expand(bytes: Uint8Array, table: Float32Array): Float32Array {
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
    return out;
  }

  private linear16(view: DataView, start: number): Float32Array {
    let offset = start;
    const head = this.carry >= 0 && offset < view.byteLength ? 1 : 0;
    const count = head + ((view.byteLength - offset - head) >> 1);
    const out = new Float32Array(count);
    let i = 0;
    if (head) {
      const sample = (view.getUint8(offset) << 8) | this.carry;
      out[i++] = ((sample << 16) >> 16) / 32768;
      offset++;
      this.carry = -1;
    }
    for (; i < count; i++, offset += 2) out[i] = view.getInt16(offset, true) / 32768;
    if (offset < view.byteLength) this.carry = view.getUint8(offset);
    return out;
  }
}

function isRiff(view: DataView): boolean {
  return view.byteLength >= 12 && view.getUint32(0, true) === RIFF;
}

/** Offset of the samples: after the `data` chunk header (44 for the canonical header the gateway writes). */
function dataOffset(view: DataView): number {
  if (!isRiff(view)) return 0;
  let offset = 12;
  while (offset + 8 <= view.byteLength) {
    const size = view.getUint32(offset + 4, true);
    if (view.getUint32(offset, true) === DATA) return offset + 8;
    offset += 8 + size + (size & 1);
  }
  return Math.min(WAV_HEADER_BYTES, view.byteLength);
}
