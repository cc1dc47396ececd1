import { parseUnits } from '@tts/protocol';
import { creditAmountText } from './credit-amount';

describe(creditAmountText.name, () => {
  it('keeps every digit of a decimal string, up to 15 integer digits and 6 decimals', () => {
    expect(creditAmountText('123456789012.123456')).toBe('123456789012.123456');
    expect(parseUnits(creditAmountText('999999999999999.999999')!)).toBe(999999999999999999999n * 10n ** 12n);
    expect(creditAmountText('-0.000001')).toBe('-0.000001');
  });

  it('takes JSON numbers whose text round-trips exactly (15 significant digits, no exponent)', () => {
    expect(creditAmountText(123456789.123456)).toBe('123456789.123456');
    expect(creditAmountText(-2.25)).toBe('-2.25');
    expect(creditAmountText(100)).toBe('100');
  });

  it('refuses numbers that a float would alter, exponents, zero and non-numbers', () => {
    for (const bad of [
      Number('123456789012.123456'), // 18 significant digits: not what the client typed
      Number('999999999999.999999'), // becomes 1e12 as a JSON number
      1.5e-7, // '1.5e-7'
      1e-7,
      1e21,
      1.0000001, // 7 decimals
      0,
      -0,
      '0',
      '-0.000000',
      '1e3',
      '1.',
      '.5',
      '+5',
      ' 5',
      '1234567890123456', // 16 integer digits
      '1.0000001',
      NaN,
      Infinity,
      null,
      true,
      [5],
    ]) {
      expect([bad, creditAmountText(bad)]).toEqual([bad, undefined]);
    }
  });
});
