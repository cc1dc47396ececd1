import { AudioEncoding, bytesPerSample, wavFormatTag } from './encoding';

export const WAV_HEADER_BYTES = 44;

export interface WavFormat {
  encoding: AudioEncoding;
  sampleRate: number;
  channels?: number;
}

/**
 * The canonical 44-byte RIFF/WAVE header for `dataBytes` bytes of samples.
 * Written into `target` at `offset` so the relay can build header + samples in one buffer.
 */
export function writeWavHeader(target: Buffer, offset: number, format: WavFormat, dataBytes: number): void {
  const channels = format.channels ?? 1;
  const sampleBytes = bytesPerSample(format.encoding);
  const blockAlign = channels * sampleBytes;
  target.write('RIFF', offset, 'ascii');
  target.writeUInt32LE(36 + dataBytes, offset + 4);
  target.write('WAVE', offset + 8, 'ascii');
  target.write('fmt ', offset + 12, 'ascii');
  target.writeUInt32LE(16, offset + 16);
  target.writeUInt16LE(wavFormatTag(format.encoding), offset + 20);
  target.writeUInt16LE(channels, offset + 22);
  target.writeUInt32LE(format.sampleRate, offset + 24);
  target.writeUInt32LE(format.sampleRate * blockAlign, offset + 28);
  target.writeUInt16LE(blockAlign, offset + 32);
  target.writeUInt16LE(sampleBytes * 8, offset + 34);
  target.write('data', offset + 36, 'ascii');
  target.writeUInt32LE(dataBytes, offset + 40);
}

export function wavHeader(format: WavFormat, dataBytes: number): Buffer {
  const header = Buffer.allocUnsafe(WAV_HEADER_BYTES);
  writeWavHeader(header, 0, format, dataBytes);
  return header;
}

export interface ParsedWav {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  data: Buffer;
}

/** Parses a WAV file (any chunk order); throws on anything that is not a well-formed RIFF/WAVE. */
export function parseWav(file: Buffer): ParsedWav {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  if (file.readUInt32LE(4) !== file.length - 8) throw new Error('RIFF size does not match the file length');
  let offset = 12;
  let fmt: Omit<ParsedWav, 'data'> | undefined;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > file.length) throw new Error(`chunk ${id} runs past the end of the file`);
    if (id === 'fmt ') {
      fmt = {
        formatTag: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      const data = file.subarray(body, body + size);
      if (data.length % ((fmt.bitsPerSample / 8) * fmt.channels) !== 0) throw new Error('data is not whole samples');
      return { ...fmt, data };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('no data chunk');
}
