import { existsSync } from 'fs';
import { Browser, LaunchOptions, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Debian chromium; a real AudioContext runs without audio hardware and without a gesture. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  const options: LaunchOptions = {
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  };
  return chromium.launch(options);
}
