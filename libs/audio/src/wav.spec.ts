import { parseWav, wavHeader, WAV_HEADER_BYTES } from './wav';
import { alawToLinear, linearToAlaw, linearToMulaw, mulawToLinear } from './g711';
import { bytesToSeconds, secondsToBytes } from './duration';

describe('wavHeader', () => {
  it('describes mono PCM16 at the session rate, parseable back', () => {
    const samples = Buffer.alloc(3200);
    const file = Buffer.concat([wavHeader({ encoding: 'linear16', sampleRate: 16000 }, samples.length), samples]);
    const sut = parseWav(file);
    expect(file.subarray(0, WAV_HEADER_BYTES).toString('ascii', 0, 4)).toBe('RIFF');
    expect(sut).toMatchObject({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    expect(sut.data.length).toBe(3200);
  });

  it.each([
    ['mulaw', 7],
    ['alaw', 6],
  ] as const)('tags %s as WAVE format %d with 8 bits per sample', (encoding, tag) => {
    const sut = parseWav(Buffer.concat([wavHeader({ encoding, sampleRate: 8000 }, 10), Buffer.alloc(10)]));
    expect(sut).toMatchObject({ formatTag: tag, bitsPerSample: 8, sampleRate: 8000 });
  });

  it('rejects a truncated file', () => {
    const file = Buffer.concat([wavHeader({ encoding: 'linear16', sampleRate: 16000 }, 100), Buffer.alloc(50)]);
    expect(() => parseWav(file)).toThrow();
  });
});

describe('G.711', () => {
  it.each([0, 1, -1, 100, -100, 1000, -1000, 8000, -8000, 32767, -32768])(
    'round-trips %d within the codec step',
    (x) => {
      const tolerance = Math.max(8, Math.abs(x) / 16);
      expect(Math.abs(mulawToLinear(linearToMulaw(x)) - x)).toBeLessThanOrEqual(tolerance + 132);
      expect(Math.abs(alawToLinear(linearToAlaw(x)) - x)).toBeLessThanOrEqual(tolerance + 16);
    },
  );

  it('encodes silence to the standard code words', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
  });
});

describe('duration', () => {
  it('converts bytes to seconds per encoding and rate', () => {
    expect(bytesToSeconds(32000, 'linear16', 16000)).toBe(1);
    expect(bytesToSeconds(8000, 'mulaw', 8000)).toBe(1);
    expect(secondsToBytes(0.5, 'linear16', 24000)).toBe(24000);
  });
});
