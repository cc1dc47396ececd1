import { ConfigError, GatewayEnv, loadConfig } from '@tts/config';
import { UpstreamPoolSettings } from './upstream-pool-settings';

const settingsOf = (env: NodeJS.ProcessEnv) =>
  UpstreamPoolSettings.fromEnv(loadConfig(GatewayEnv, { AUTH_DISABLED: 'true', ...env }));

describe(UpstreamPoolSettings.name, () => {
  it('keeps 2 connections for each of 2 configurations, each for at most 20 s, by default', () => {
    expect(settingsOf({})).toMatchObject({ size: 2, configs: 2, maxIdleMs: 20_000, connectTimeoutMs: 10_000 });
  });

  it('stays at its size unless UPSTREAM_POOL_MAX_SIZE lets it grow', () => {
    expect(settingsOf({ UPSTREAM_POOL_SIZE: '3' }).maxSize).toBe(3);
    expect(settingsOf({ UPSTREAM_POOL_SIZE: '3', UPSTREAM_POOL_MAX_SIZE: '30' }).maxSize).toBe(30);
  });

  it('stays off with UPSTREAM_POOL_SIZE=0, whatever its maximum', () => {
    expect(settingsOf({ UPSTREAM_POOL_SIZE: '0', UPSTREAM_POOL_MAX_SIZE: '30' })).toMatchObject({
      size: 0,
      maxSize: 0,
    });
  });

  it('refuses a maximum below the size at boot, saying how to keep the pool fixed', () => {
    const boot = () => settingsOf({ UPSTREAM_POOL_SIZE: '4', UPSTREAM_POOL_MAX_SIZE: '2' });
    expect(boot).toThrow(ConfigError);
    expect(boot).toThrow(/UPSTREAM_POOL_MAX_SIZE: must be at least UPSTREAM_POOL_SIZE .*unset it/);
    // 0 is not "off" here: the pool's size says that.
    expect(() => settingsOf({ UPSTREAM_POOL_MAX_SIZE: '0' })).toThrow(/UPSTREAM_POOL_MAX_SIZE/);
  });

  it('is off with UPSTREAM_POOL_SIZE=0', () => {
    expect(settingsOf({ UPSTREAM_POOL_SIZE: '0' }).size).toBe(0);
  });

  it("never keeps a connection past the relay's own rotation age", () => {
    expect(settingsOf({ UPSTREAM_POOL_MAX_IDLE_MS: '90000', UPSTREAM_MAX_AGE_MS: '60000' }).maxIdleMs).toBe(60_000);
  });

  it.each([
    ['UPSTREAM_POOL_SIZE', '-1'],
    ['UPSTREAM_POOL_SIZE', '51'],
    ['UPSTREAM_POOL_MAX_SIZE', '201'],
    ['UPSTREAM_POOL_MAX_SIZE', 'many'],
    ['UPSTREAM_POOL_CONFIGS', '0'],
    ['UPSTREAM_POOL_MAX_IDLE_MS', '999'],
  ])('refuses %s=%s at boot', (name, value) => {
    expect(() => settingsOf({ [name]: value })).toThrow(ConfigError);
    expect(() => settingsOf({ [name]: value })).toThrow(new RegExp(name));
  });
});
