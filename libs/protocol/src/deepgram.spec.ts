import {
  UPSTREAM_CLOSE_TABLE,
  UpstreamCloseCode,
  isValidSpeed,
  supportsSpeed,
  upstreamCloseEntry,
  upstreamSpeakCharLimit,
} from './deepgram';

describe('Deepgram wire contract', () => {
  it('limits one Speak by model family', () => {
    expect(upstreamSpeakCharLimit('aura-2-thalia-en')).toBe(1000);
    expect(upstreamSpeakCharLimit('aura-2-estrella-es')).toBe(1000);
    expect(upstreamSpeakCharLimit('aura-asteria-en')).toBe(2000);
  });

  it('takes speed 0.7-1.5 on English and Spanish Aura-2 voices only', () => {
    expect(isValidSpeed('aura-2-thalia-en', 0.7)).toBe(true);
    expect(isValidSpeed('aura-2-estrella-es', 1.5)).toBe(true);
    expect(isValidSpeed('aura-2-thalia-en', 0.69)).toBe(false);
    expect(isValidSpeed('aura-2-thalia-en', 1.51)).toBe(false);
    expect(isValidSpeed('aura-2-thalia-en', Number.NaN)).toBe(false);
    expect(supportsSpeed('aura-2-julius-de')).toBe(false);
    expect(supportsSpeed('aura-asteria-en')).toBe(false);
    expect(supportsSpeed('no-such-model')).toBe(false);
  });

  it('pairs every documented close reason with its close code', () => {
    expect(upstreamCloseEntry('BIG-0001')?.code).toBe(UpstreamCloseCode.MessageTooBig);
    expect(upstreamCloseEntry('DATA-0001')?.code).toBe(UpstreamCloseCode.PolicyViolation);
    expect(upstreamCloseEntry('MESSAGE-0000')?.code).toBe(UpstreamCloseCode.UnsupportedData);
    expect(upstreamCloseEntry('NET-0003')?.description).toBe('Time limit exceeded');
    expect(upstreamCloseEntry('toString')).toBeUndefined();
    expect(Object.keys(UPSTREAM_CLOSE_TABLE)).toHaveLength(9);
  });
});
