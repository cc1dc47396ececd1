import { SAMPLE_RATES, resolveSessionConfig } from '@tts/protocol';
import type { AudioEncoding } from '@tts/audio';
import { hookSessionConfig } from './session-format';

describe('useTts session config', () => {
  it.each<[AudioEncoding, number]>([
    ['linear16', 24000],
    ['mulaw', 16000],
    ['alaw', 16000],
  ])('for %s defaults to %d Hz, a rate the gateway accepts for it', (encoding, rate) => {
    const config = hookSessionConfig({ encoding, lang: 'en' });
    expect(config).toEqual({ encoding, sample_rate: rate, container: 'none', language: 'en' });
    expect(SAMPLE_RATES[encoding]).toContain(config.sample_rate);
    expect(resolveSessionConfig(config)).toMatchObject({ ok: true, config: { encoding, sample_rate: rate } });
  });

  it('defaults to raw linear16 at 24 kHz and keeps what was given', () => {
    expect(hookSessionConfig({})).toEqual({ encoding: 'linear16', sample_rate: 24000, container: 'none' });
    expect(
      hookSessionConfig({ encoding: 'mulaw', sampleRate: 8000, model: 'aura-2-thalia-en', lang: 'en', speed: 1.2 }),
    ).toEqual({
      encoding: 'mulaw',
      sample_rate: 8000,
      container: 'none',
      model: 'aura-2-thalia-en',
      language: 'en',
      speed: 1.2,
    });
  });
});
