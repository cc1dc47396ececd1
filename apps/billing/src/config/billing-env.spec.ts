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

describe('BillingEnv webhook settings', () => {
  it('defaults to refusing private webhook addresses, with no signing secret', () => {
    const env = loadConfig(BillingEnv, {});
    expect(env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES).toBe(false);
    expect(env.WEBHOOK_SIGNING_SECRET).toBeUndefined();
    expect([env.WEBHOOK_ATTEMPTS, env.WEBHOOK_RETRY_BASE_MS, env.WEBHOOK_TIMEOUT_MS]).toEqual([10, 5000, 10000]);
  });

  it('refuses a short secret and a non-boolean policy, naming the variable', () => {
    expect(() => loadConfig(BillingEnv, { WEBHOOK_SIGNING_SECRET: 'short' })).toThrow(/WEBHOOK_SIGNING_SECRET/);
    expect(() => loadConfig(BillingEnv, { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'maybe' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_ADDRESSES/,
    );
    expect(loadConfig(BillingEnv, { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }).WEBHOOK_ALLOW_PRIVATE_ADDRESSES).toBe(
      true,
    );
  });
});
