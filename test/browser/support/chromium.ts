import { existsSync } from 'fs';
import { Browser, LaunchOptions, chromium } from 'playwright-core';
import { chooseBrowser } from './browser-choice';
import { bundledChromium } from './bundled-chromium';

/**
 * Headless Chromium (see chooseBrowser for which one); a real AudioContext runs without audio hardware and
 * without a gesture.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const choice = chooseBrowser(process.env, existsSync);
  const options: LaunchOptions = {
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  };
  if (choice.kind === 'system') {
    options.executablePath = choice.path;
  } else {
    const bundled = await bundledChromium();
    options.executablePath = bundled.executablePath;
    // Its own fonts, so pages render text on a machine without any installed.
    options.env = { ...process.env, FONTCONFIG_PATH: bundled.fontConfigPath };
  }
  try {
    return await chromium.launch(options);
  } catch {
    // Chromium now and then dies at start on a loaded machine (a SIGSEGV before its first page, seen in
    // CI): one more start. A browser that cannot start twice in a row fails the test as before.
    return chromium.launch(options);
  }
}
