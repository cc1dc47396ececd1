import { Expose } from 'class-transformer';
import { ConfigError, envVarNames, loadConfig } from './load-config';
import { GatewayEnv, LOCAL_EMULATOR_URL, resolveUpstream } from './gateway-env';
import { BillingEnv } from './billing-env';

describe(loadConfig.name, () => {
  it('applies defaults and converts types', () => {
    const sut = loadConfig(GatewayEnv, {
      AUTH_DISABLED: 'true',
      GATEWAY_PORT: '9000',
      ALLOWED_ORIGINS: 'https://a.com, https://b.com',
    });
    expect(sut.GATEWAY_PORT).toBe(9000);
    expect(sut.AUTH_DISABLED).toBe(true);
    expect(sut.ALLOWED_ORIGINS).toEqual(['https://a.com', 'https://b.com']);
    expect(sut.MAX_SESSIONS_PER_COMPANY).toBe(50);
    expect(sut.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('refuses at boot a GATEWAY_ID billing could not store, and a lease renewal too slow for its lifetime', () => {
    const base = { AUTH_DISABLED: 'true' };
    expect(loadConfig(GatewayEnv, { ...base, GATEWAY_ID: 'g'.repeat(200) }).GATEWAY_ID).toHaveLength(200);
    expect(() => loadConfig(GatewayEnv, { ...base, GATEWAY_ID: 'g'.repeat(201) })).toThrow(
      /GATEWAY_ID: GATEWAY_ID must be shorter than or equal to 200 characters/,
    );
    expect(() => loadConfig(GatewayEnv, { ...base, GATEWAY_ID: 'pod\u0000x' })).toThrow(
      /GATEWAY_ID: must not contain NUL/,
    );
    expect(
      loadConfig(GatewayEnv, { ...base, SESSION_LEASE_TTL_MS: '3000', SESSION_LEASE_RENEW_MS: '1499' }),
    ).toMatchObject({ SESSION_LEASE_RENEW_MS: 1499 });
    for (const renew of ['1500', '6000', '9000']) {
      expect(() =>
        loadConfig(GatewayEnv, { ...base, SESSION_LEASE_TTL_MS: '3000', SESSION_LEASE_RENEW_MS: renew }),
      ).toThrow(/SESSION_LEASE_RENEW_MS: must be under half of SESSION_LEASE_TTL_MS/);
    }
  });

  it('refuses a gateway with neither a JWT secret nor AUTH_DISABLED', () => {
    expect(() => loadConfig(GatewayEnv, {})).toThrow(/AUTH_JWT_SECRET is required unless AUTH_DISABLED=true/);
  });

  it('names every bad variable without printing its value', () => {
    try {
      loadConfig(BillingEnv, { BILLING_PORT: 'eighty', DATABASE_URL: 'mysql://secret-password@x' });
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/BILLING_PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL/);
      expect((e as Error).message).not.toMatch(/secret-password/);
    }
  });

  it('takes the Redis db as ioredis does and refuses a db it cannot use, without printing the URL', () => {
    const env = { AUTH_DISABLED: 'true' };
    expect(loadConfig(GatewayEnv, { ...env, REDIS_URL: 'redis://h:6379?db=7' }).REDIS_URL).toBe('redis://h:6379?db=7');
    expect(() => loadConfig(GatewayEnv, { ...env, REDIS_URL: 'redis://:pw-secret@h:6379?db=seven' })).toThrow(
      /REDIS_URL: db \(the \/N path or \?db=N\) must be an integer/,
    );
    expect(() => loadConfig(GatewayEnv, { ...env, REDIS_URL: 'redis://:pw-secret@h/x' })).not.toThrow(/pw-secret/);
  });

  it('reads BILLING_ADMIN_ORIGINS as a list of origins and refuses a malformed entry at boot', () => {
    const origins = 'https://billing.example.com, https://ops.example.com:8443';
    expect(loadConfig(BillingEnv, { BILLING_ADMIN_ORIGINS: origins }).BILLING_ADMIN_ORIGINS).toEqual([
      'https://billing.example.com',
      'https://ops.example.com:8443',
    ]);
    expect(() => loadConfig(BillingEnv, { BILLING_ADMIN_ORIGINS: 'billing.example.com' })).toThrow(
      /BILLING_ADMIN_ORIGINS: each entry must be an origin/,
    );
  });

  it('refuses a malformed ALLOWED_ORIGINS entry at boot', () => {
    expect(() =>
      loadConfig(GatewayEnv, { AUTH_DISABLED: 'true', ALLOWED_ORIGINS: 'https://ok.example.com,app.example.com' }),
    ).toThrow(/ALLOWED_ORIGINS: each entry must be an origin/);
  });

  it('uses the local emulator when no Deepgram key is set', () => {
    expect(resolveUpstream({})).toEqual({ url: LOCAL_EMULATOR_URL, apiKey: 'local-emulator' });
    expect(resolveUpstream({ DEEPGRAM_API_KEY: 'k' }).url).toBe('wss://api.deepgram.com/v1/speak');
    expect(() => resolveUpstream({ DEEPGRAM_URL: 'wss://api.deepgram.com/v1/speak' })).toThrow(/DEEPGRAM_API_KEY/);
  });
});

describe(envVarNames.name, () => {
  class ExampleEnv {
    @Expose() WITH_DEFAULT = 1;
    @Expose() WITHOUT_DEFAULT?: string;
    notRead = 'internal';
  }
  class ExtendedEnv extends ExampleEnv {
    @Expose() ADDED = true;
  }

  it('lists every exposed variable, inherited ones included, and nothing else', () => {
    expect(envVarNames(ExtendedEnv).sort()).toEqual(['ADDED', 'WITHOUT_DEFAULT', 'WITH_DEFAULT']);
  });

  it('covers the gateway schema, unset optional variables included', () => {
    expect(envVarNames(GatewayEnv)).toEqual(expect.arrayContaining(['AUTH_JWT_SECRET', 'GATEWAY_PORT', 'REDIS_URL']));
  });
});
