import { chooseBrowser } from './browser-choice';

const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

describe('chooseBrowser', () => {
  it('uses the system chromium when present and nothing is asked', () => {
    expect(chooseBrowser({}, only('/usr/bin/chromium'))).toEqual({ kind: 'system', path: '/usr/bin/chromium' });
  });

  it('falls back to the bundled chromium when no system one exists (a fresh machine)', () => {
    expect(chooseBrowser({}, only())).toEqual({ kind: 'bundled' });
    expect(chooseBrowser({ CHROMIUM_PATH: '/nonexistent' }, only('/usr/bin/chromium'))).toEqual({ kind: 'bundled' });
  });

  it('honours CHROMIUM_PATH in auto and system mode', () => {
    const env = { CHROMIUM_PATH: '/opt/chrome' };
    expect(chooseBrowser(env, only('/opt/chrome'))).toEqual({ kind: 'system', path: '/opt/chrome' });
    expect(chooseBrowser({ ...env, TTS_TEST_BROWSER: 'system' }, only('/opt/chrome'))).toEqual({
      kind: 'system',
      path: '/opt/chrome',
    });
  });

  it('uses the bundled chromium when asked, even with a system one present', () => {
    expect(chooseBrowser({ TTS_TEST_BROWSER: 'bundled' }, only('/usr/bin/chromium'))).toEqual({ kind: 'bundled' });
  });

  it('refuses system mode without a system chromium, and unknown modes, naming what is wrong', () => {
    expect(() => chooseBrowser({ TTS_TEST_BROWSER: 'system' }, only())).toThrow(/no chromium at \/usr\/bin\/chromium/);
    expect(() => chooseBrowser({ TTS_TEST_BROWSER: 'firefox' }, only())).toThrow(/bundled, system or auto.*firefox/);
  });
});
