import { linearToAlaw, linearToMulaw, wavHeader } from '@tts/audio';
import { PcmDecoder } from './pcm-decoder';

function bytes(...parts: Buffer[]): ArrayBuffer {
  const all = Buffer.concat(parts);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
}

function pcm16(...samples: number[]): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
  return buf;
}

describe(PcmDecoder.name, () => {
  it('strips the WAV header of every frame and scales linear16 to [-1, 1)', () => {
    const sut = new PcmDecoder({ encoding: 'linear16', sampleRate: 16000, container: 'wav' });
    const data = pcm16(0, 16384, -32768);
    const out = sut.decode(bytes(wavHeader({ encoding: 'linear16', sampleRate: 16000 }, data.length), data));
    expect(Array.from(out)).toEqual([0, 0.5, -1]);
  });

  it('carries an odd trailing byte into the next raw frame instead of dropping it', () => {
    const sut = new PcmDecoder({ encoding: 'linear16', sampleRate: 24000, container: 'none' });
    const data = pcm16(1000, -2000, 3000);
    const first = sut.decode(bytes(data.subarray(0, 3)));
    const second = sut.decode(bytes(data.subarray(3)));
    expect([...first, ...second].map((x) => Math.round(x * 32768))).toEqual([1000, -2000, 3000]);
  });

  it.each([
    ['mulaw', linearToMulaw],
    ['alaw', linearToAlaw],
  ] as const)('expands %s samples', (encoding, compress) => {
    const sut = new PcmDecoder({ encoding, sampleRate: 8000, container: 'none' });
    const out = sut.decode(bytes(Buffer.from([compress(0), compress(8000), compress(-8000)])));
    expect(Math.abs(out[0])).toBeLessThan(0.001);
    expect(out[1]).toBeCloseTo(8000 / 32768, 2);
    expect(out[2]).toBeCloseTo(-8000 / 32768, 2);
  });
});
