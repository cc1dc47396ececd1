import { mulawToLinear } from '@tts/audio';
import {
  expectedAudioBytes,
  synthesize,
  synthesizedSampleCount,
  synthesizePcm,
  voicePitchHz,
} from './speech-synthesizer';

const rms = (samples: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
};

describe('speech synthesizer', () => {
  it('lasts exactly 60 ms per character', () => {
    expect(synthesizedSampleCount('Hola', 16000)).toBe(4 * 960);
    expect(synthesizedSampleCount('a b.', 8000)).toBe(4 * 480);
    expect(synthesizedSampleCount('😀', 24000)).toBe(1440); // one code point, two UTF-16 units
    expect(expectedAudioBytes('Hello', 'linear16', 24000)).toBe(5 * 1440 * 2);
    expect(expectedAudioBytes('Hello', 'mulaw', 8000)).toBe(5 * 480);
  });

  it.each([
    ['linear16', 48000],
    ['linear16', 32000],
    ['mulaw', 16000],
    ['alaw', 8000],
  ] as const)('produces exactly expectedAudioBytes in %s at %d Hz', (encoding, rate) => {
    const text = 'Buenos días, ¿cómo estás?';
    expect(synthesize(text, encoding, rate).length).toBe(expectedAudioBytes(text, encoding, rate));
  });

  it('is audible where there are letters and silent at pauses', () => {
    const pcm = synthesizePcm('hello world', 16000);
    const perChar = 960;
    expect(rms(pcm.subarray(0, 5 * perChar))).toBeGreaterThan(1000);
    expect(rms(pcm.subarray(5 * perChar, 6 * perChar))).toBe(0);
    expect(rms(pcm.subarray(6 * perChar))).toBeGreaterThan(1000);
  });

  it('is deterministic and depends on the text and the voice', () => {
    const a = synthesize('Same text', 'linear16', 16000);
    expect(synthesize('Same text', 'linear16', 16000).equals(a)).toBe(true);
    expect(synthesize('Other txt', 'linear16', 16000).equals(a)).toBe(false);
    expect(voicePitchHz('aura-2-thalia-en')).not.toBe(voicePitchHz('aura-2-estrella-es'));
  });

  it('encodes G.711 from the same waveform', () => {
    const pcm = synthesizePcm('abc', 8000);
    const mulaw = synthesize('abc', 'mulaw', 8000);
    const decoded = Array.from(mulaw, mulawToLinear);
    expect(Math.abs(rms(decoded) - rms(pcm))).toBeLessThan(rms(pcm) * 0.1);
  });

  it('never clips', () => {
    const pcm = synthesizePcm('Zzzzzzzzzzzzzzzzzzzzz 0123456789', 48000, 219);
    expect(Math.max(...pcm.map(Math.abs))).toBeLessThan(32767);
  });
});
