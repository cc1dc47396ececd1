import { DemoSettings } from './demo-settings';

const env = { DEMO_PAGE: true, CREDITS_PER_MINUTE: '1.5' };

describe(DemoSettings.name, () => {
  it('tells the page it speaks through the emulator without a Deepgram key or on a loopback upstream', () => {
    expect(DemoSettings.fromEnv({ ...env }).upstream).toBe('emulator');
    expect(
      DemoSettings.fromEnv({ ...env, DEEPGRAM_URL: 'ws://127.0.0.1:8090/v1/speak', DEEPGRAM_API_KEY: 'k' }).upstream,
    ).toBe('emulator');
  });

  it('tells Deepgram itself from a custom upstream', () => {
    expect(DemoSettings.fromEnv({ ...env, DEEPGRAM_API_KEY: 'k' }).upstream).toBe('deepgram');
    expect(
      DemoSettings.fromEnv({ ...env, DEEPGRAM_URL: 'wss://tts.internal/v1/speak', DEEPGRAM_API_KEY: 'k' }).upstream,
    ).toBe('custom');
  });

  it('carries the price as configured text', () => {
    expect(DemoSettings.fromEnv(env).creditsPerMinute).toBe('1.5');
  });
});
