import { DEFAULT_SESSION_CONFIG } from '@tts/protocol';
import { poolKey } from './upstream-pool';

describe('poolKey', () => {
  const { model, encoding, sample_rate } = DEFAULT_SESSION_CONFIG;

  it('puts speed 1 (Deepgram default) in the same warm slot as no speed', () => {
    expect(poolKey({ model, encoding, sample_rate, speed: 1 })).toBe(poolKey({ model, encoding, sample_rate }));
  });

  it('keeps any other speed in a slot of its own', () => {
    expect(poolKey({ model, encoding, sample_rate, speed: 1.25 })).not.toBe(poolKey({ model, encoding, sample_rate }));
  });
});
