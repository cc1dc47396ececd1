import { parseWav } from '@tts/audio';
import { AudioFramer } from './audio-framer';

const pcm = (n: number, from = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));

describe(AudioFramer.name, () => {
  it('wraps each linear16 chunk in a complete WAV of whole samples, carrying odd bytes', () => {
    const sut = new AudioFramer('linear16', 16000, 'wav');
    const source = pcm(1001 + 7 + 1 + 991);
    const chunks = [
      source.subarray(0, 1001),
      source.subarray(1001, 1008),
      source.subarray(1008, 1009),
      source.subarray(1009),
    ];
    const delivered: Buffer[] = [];
    let billed = 0;
    for (const chunk of chunks) {
      const frame = sut.frame(chunk);
      billed += sut.lastSampleBytes;
      if (!frame) continue;
      const wav = parseWav(frame);
      expect(wav).toMatchObject({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
      expect(wav.data.length % 2).toBe(0);
      delivered.push(Buffer.from(wav.data));
    }
    expect(Buffer.concat(delivered)).toEqual(source);
    expect(billed).toBe(source.length);
  });

  it('answers nothing for a lone byte and delivers it with the next chunk', () => {
    const sut = new AudioFramer('linear16', 24000, 'none');
    expect(sut.frame(Buffer.from([1]))).toBeNull();
    expect(sut.lastSampleBytes).toBe(0);
    expect(sut.frame(Buffer.from([2, 3, 4]))).toEqual(Buffer.from([1, 2, 3, 4]));
  });

  it('keeps a carried byte across an empty chunk', () => {
    const sut = new AudioFramer('linear16', 16000, 'none');
    expect(sut.frame(Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2]));
    expect(sut.frame(Buffer.alloc(0))).toBeNull();
    expect(sut.lastSampleBytes).toBe(0);
    expect(sut.frame(Buffer.from([5]))).toEqual(Buffer.from([3, 5]));
  });

  it('carries the odd byte of a turn whose last chunk is empty', () => {
    const sut = new AudioFramer('linear16', 16000, 'none');
    expect(sut.frameAll([Buffer.from([1, 2, 3]), Buffer.alloc(0)], 3)).toEqual(Buffer.from([1, 2]));
    expect(sut.frame(Buffer.from([4]))).toEqual(Buffer.from([3, 4]));
  });

  it('passes even raw chunks through without copying', () => {
    const sut = new AudioFramer('linear16', 16000, 'none');
    const chunk = pcm(640);
    expect(sut.frame(chunk)).toBe(chunk);
  });

  it('frames G.711 with its own format tag, one byte per sample', () => {
    const mulaw = new AudioFramer('mulaw', 8000, 'wav').frame(pcm(101))!;
    expect(parseWav(mulaw)).toMatchObject({ formatTag: 7, sampleRate: 8000, bitsPerSample: 8 });
    expect(parseWav(mulaw).data.length).toBe(101);
    const alaw = new AudioFramer('alaw', 16000, 'wav').frame(pcm(3))!;
    expect(parseWav(alaw)).toMatchObject({ formatTag: 6, sampleRate: 16000 });
  });

  it('drops a carried byte on reset', () => {
    const sut = new AudioFramer('linear16', 16000, 'none');
    sut.frame(Buffer.from([9, 9, 9]));
    sut.reset();
    expect(sut.frame(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 2]));
  });
});
