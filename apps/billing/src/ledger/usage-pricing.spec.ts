import { AUDIO_ENCODINGS, bytesPerSample } from '@tts/audio';
import { SAMPLE_RATES, formatUnits, parseUnits, toReportedNumber } from '@tts/protocol';
import { UsagePricing } from './usage-pricing';

describe(UsagePricing.name, () => {
  const table = AUDIO_ENCODINGS.flatMap((encoding) => SAMPLE_RATES[encoding].map((rate) => ({ encoding, rate })));

  it.each(table)('charges one minute of $encoding at $rate Hz exactly CREDITS_PER_MINUTE', ({ encoding, rate }) => {
    const sut = new UsagePricing(1);
    const oneMinute = 60 * rate * bytesPerSample(encoding);
    expect(sut.charge(oneMinute, encoding, rate)).toEqual({
      seconds: '60.000000000000000000',
      credits: '1.000000000000000000',
      creditUnits: 10n ** 18n,
    });
  });

  it.each(table)('charges 1.5 s of $encoding at $rate Hz at 2.5 credits/minute as 0.0625', ({ encoding, rate }) => {
    const sut = new UsagePricing(2.5);
    const bytes = 1.5 * rate * bytesPerSample(encoding);
    const charge = sut.charge(bytes, encoding, rate);
    expect(charge.seconds).toBe('1.500000000000000000');
    expect(charge.credits).toBe('0.062500000000000000');
  });

  it('rounds a non-terminating charge once, at the 18th decimal', () => {
    const sut = new UsagePricing(1);
    // 1 byte of 24 kHz linear16 = 1/48000 s = 1/2880000 credit = 0.000000347222222222...
    expect(sut.charge(1, 'linear16', 24000).credits).toBe('0.000000347222222222');
    // 2 bytes of 8 kHz mu-law = 1/4000 s = 1/240000 credit = 0.0000041666...67 (rounded up)
    expect(sut.charge(2, 'mulaw', 8000).credits).toBe('0.000004166666666667');
    expect(sut.charge(2, 'alaw', 8000).seconds).toBe('0.000250000000000000');
  });

  it('keeps the drift of a billion rounded charges below a micro-credit', () => {
    const perEvent = new UsagePricing(1).charge(1, 'linear16', 24000).creditUnits;
    const summed = perEvent * 1_000_000_000n;
    const exact = (10n ** 18n * 1_000_000_000n) / 2_880_000n;
    expect(summed - exact < 10n ** 12n).toBe(true);
  });

  it('uses fractional CREDITS_PER_MINUTE exactly', () => {
    const sut = new UsagePricing(0.000001);
    expect(sut.charge(60 * 16000 * 2, 'linear16', 16000).credits).toBe('0.000001000000000000');
    expect(sut.creditsPerMinute).toBe('0.000001');
  });

  it('refuses a price with more than 6 decimals', () => {
    expect(() => new UsagePricing(0.0000001)).toThrow(/6 decimals/);
  });
});

describe('credit units', () => {
  it('round-trips decimal strings without floats', () => {
    expect(formatUnits(parseUnits('-12.5'))).toBe('-12.500000000000000000');
    expect(formatUnits(parseUnits('0.000000000000000001') * 3n)).toBe('0.000000000000000003');
    expect(() => parseUnits('1e3')).toThrow();
  });

  it('reports JSON numbers rounded to 6 decimals', () => {
    expect(toReportedNumber('166.666666666666666700')).toBe(166.666667);
    expect(toReportedNumber('-0.0000004')).toBe(0);
    expect(toReportedNumber('-2.5000005')).toBe(-2.500001);
  });
});
