import { Expose } from 'class-transformer';
import { ConfigError, envVarNames, loadConfig } from './load-config';
import { GatewayEnv, LOCAL_EMULATOR_URL, resolveUpstream, upstreamKeyWarnings } from './gateway-env';
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

  it('refuses a client buffer low-water mark at or above the high one', () => {
    const base = { AUTH_DISABLED: 'true', CLIENT_BUFFER_HIGH_BYTES: '65536' };
    expect(loadConfig(GatewayEnv, { ...base, CLIENT_BUFFER_LOW_BYTES: '65535' }).CLIENT_BUFFER_LOW_BYTES).toBe(65535);
    expect(() => loadConfig(GatewayEnv, { ...base, CLIENT_BUFFER_LOW_BYTES: '65536' })).toThrow(
      /CLIENT_BUFFER_LOW_BYTES: must be under CLIENT_BUFFER_HIGH_BYTES/,
    );
  });

  it("refuses a client buffer high-water mark below the socket's own, where the drain it waits for may never come", () => {
    const base = { AUTH_DISABLED: 'true', CLIENT_BUFFER_LOW_BYTES: '1024' };
    expect(loadConfig(GatewayEnv, { ...base, CLIENT_BUFFER_HIGH_BYTES: '65536' }).CLIENT_BUFFER_HIGH_BYTES).toBe(65536);
    expect(() => loadConfig(GatewayEnv, { ...base, CLIENT_BUFFER_HIGH_BYTES: '65535' })).toThrow(
      /CLIENT_BUFFER_HIGH_BYTES: .*65536/,
    );
  });

  it('refuses a gateway with neither a JWT secret nor AUTH_DISABLED', () => {
    expect(() => loadConfig(GatewayEnv, {})).toThrow(/AUTH_JWT_SECRET is required unless AUTH_DISABLED=true/);
  });

  it('refuses a timer Node cannot hold (it would fire at once), in every *_MS variable that has no lower cap', () => {
    const base = { AUTH_DISABLED: 'true' };
    expect(loadConfig(GatewayEnv, { ...base, IDLE_TIMEOUT_MS: '2147483647' }).IDLE_TIMEOUT_MS).toBe(2_147_483_647);
    for (const name of envVarNames(GatewayEnv).filter((n) => n.endsWith('_MS'))) {
      // SESSION_LEASE_RENEW_MS first meets its own rule (under half the lease): a huge one fails either way.
      expect(() => loadConfig(GatewayEnv, { ...base, [name]: '3000000000' })).toThrow(new RegExp(`${name}: `));
    }
    expect(() => loadConfig(GatewayEnv, { ...base, IDLE_TIMEOUT_MS: '3000000000' })).toThrow(
      /IDLE_TIMEOUT_MS: IDLE_TIMEOUT_MS must not be greater than 2147483647/,
    );
  });

  it('refuses a short client-token secret or admin token, without printing it', () => {
    expect(() => loadConfig(GatewayEnv, { AUTH_JWT_SECRET: 'change-me' })).toThrow(
      /AUTH_JWT_SECRET: must be at least 32 characters/,
    );
    expect(loadConfig(GatewayEnv, { AUTH_JWT_SECRET: 'x'.repeat(32) }).AUTH_JWT_SECRET).toHaveLength(32);
    expect(() => loadConfig(BillingEnv, { BILLING_ADMIN_TOKEN: 'change-me' })).toThrow(
      /BILLING_ADMIN_TOKEN: must be at least 16 characters/,
    );
    try {
      loadConfig(GatewayEnv, { AUTH_JWT_SECRET: 'tiny-secret' });
    } catch (e) {
      expect((e as Error).message).not.toMatch(/tiny-secret/);
    }
  });

  it.each([
    ['DEEPGRAM_URL', GatewayEnv, 'wss://user:s3cr3t@ex%ample.com/v1/speak'],
    ['DEEPGRAM_URL', GatewayEnv, 'wss://'],
    ['DEEPGRAM_URL', GatewayEnv, 'https://api.deepgram.com/v1/speak'],
    ['DATABASE_URL', BillingEnv, 'postgres://u:s3cr3t%zz@h/db'],
    ['DATABASE_URL', BillingEnv, 'postgres://u:s3cr3t@h/d%zzb'],
    ['DATABASE_URL', BillingEnv, 'mysql://u:s3cr3t@h/db'],
  ])('refuses a %s its client would choke on (%s), naming it and not its password', (name, schema, value) => {
    const env = { AUTH_DISABLED: 'true', [name]: value };
    expect(() => loadConfig(schema as typeof GatewayEnv, env)).toThrow(new RegExp(`${name}: must be a URL such as`));
    expect(() => loadConfig(schema as typeof GatewayEnv, env)).not.toThrow(/s3cr3t/);
  });

  it('takes well-formed service URLs, escaped passwords included', () => {
    const env = { AUTH_DISABLED: 'true', DEEPGRAM_URL: 'ws://127.0.0.1:8090/v1/speak?fault_chunk=odd' };
    expect(loadConfig(GatewayEnv, env).DEEPGRAM_URL).toBe(env.DEEPGRAM_URL);
    const url = 'postgresql://tts:p%40ss%2Fword@db.internal:5432/tts?sslmode=require';
    expect(loadConfig(BillingEnv, { DATABASE_URL: url }).DATABASE_URL).toBe(url);
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

  it('warns where a real key would go other than Deepgram over TLS, naming the host but never the key', () => {
    expect(upstreamKeyWarnings({})).toEqual([]);
    expect(upstreamKeyWarnings({ DEEPGRAM_URL: 'ws://emulator:8090/v1/speak' })).toEqual([]); // dummy key
    expect(upstreamKeyWarnings({ DEEPGRAM_API_KEY: 'dg-secret' })).toEqual([]);
    expect(
      upstreamKeyWarnings({ DEEPGRAM_API_KEY: 'dg-secret', DEEPGRAM_URL: 'wss://api.eu.deepgram.com/v1/speak' }),
    ).toEqual([]);
    const composeTrap = upstreamKeyWarnings({
      DEEPGRAM_API_KEY: 'dg-secret',
      DEEPGRAM_URL: 'ws://emulator:8090/v1/speak',
    });
    expect(composeTrap).toEqual([
      expect.stringContaining('unencrypted (ws://) to emulator:8090'),
      expect.stringContaining('emulator:8090, which is not Deepgram'),
    ]);
    expect(composeTrap.join()).not.toContain('dg-secret');
    expect(
      upstreamKeyWarnings({ DEEPGRAM_API_KEY: 'k', DEEPGRAM_URL: 'wss://api.deepgram.com.evil.example/v1/speak' }),
    ).toEqual([expect.stringContaining('not Deepgram')]);
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
