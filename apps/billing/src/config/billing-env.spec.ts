import { BillingEnv, ConfigError, loadConfig } from '@tts/config';

describe('BillingEnv CREDITS_PER_MINUTE', () => {
  const load = (value: string) => loadConfig(BillingEnv, { CREDITS_PER_MINUTE: value });

  it('accepts a decimal with up to 9 integer digits and 6 decimals', () => {
    expect(load('0.5').CREDITS_PER_MINUTE).toBe(0.5);
    expect(load(' 123456789.123456 ').CREDITS_PER_MINUTE).toBe(123456789.123456);
    expect(loadConfig(BillingEnv, {}).CREDITS_PER_MINUTE).toBe(1);
  });

  it.each(['0.0000001', '1e-7', '1e3', '-1', 'abc', '1234567890', '0.1234567', '1.'])(
    'refuses %s with a ConfigError naming the variable',
    (value) => {
      expect(() => load(value)).toThrow(ConfigError);
      expect(() => load(value)).toThrow(/CREDITS_PER_MINUTE: must be a non-negative decimal/);
    },
  );
});
