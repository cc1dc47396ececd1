/**
 * Which Chromium the browser tests run: TTS_TEST_BROWSER=bundled (the npm-shipped one), system (CHROMIUM_PATH,
 * else /usr/bin/chromium, must exist) or auto (default: the system one when present, else bundled). A fresh
 * machine needs no browser of its own: `npm ci` brings one.
 */
export type BrowserChoice = { kind: 'bundled' } | { kind: 'system'; path: string };

export const DEFAULT_SYSTEM_CHROMIUM = '/usr/bin/chromium';

export function chooseBrowser(env: NodeJS.ProcessEnv, exists: (path: string) => boolean): BrowserChoice {
  const mode = env.TTS_TEST_BROWSER || 'auto';
  const systemPath = env.CHROMIUM_PATH || DEFAULT_SYSTEM_CHROMIUM;
  switch (mode) {
    case 'bundled':
      return { kind: 'bundled' };
    case 'system':
      if (!exists(systemPath)) {
        throw new Error(`TTS_TEST_BROWSER=system but no chromium at ${systemPath} (set CHROMIUM_PATH)`);
      }
      return { kind: 'system', path: systemPath };
    case 'auto':
      return exists(systemPath) ? { kind: 'system', path: systemPath } : { kind: 'bundled' };
    default:
      throw new Error(`TTS_TEST_BROWSER must be bundled, system or auto (got "${mode}")`);
  }
}
