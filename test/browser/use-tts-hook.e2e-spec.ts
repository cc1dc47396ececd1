import { buildSync } from 'esbuild';
import { join } from 'path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlayerStats } from '@tts/client';
import { expectedAudioBytes } from '../support/emulator';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { waitForText } from './support/page-text';
import { TlsFront, startTlsFront } from './support/tls-front';

const ROOT = join(__dirname, '../..');
const TEXT = 'The hook speaks while the emulator streams in real time.';

/** The fixture app with React and the SDK from their sources, as a customer's bundler would build it. */
function bundleHookApp(): string {
  const { outputFiles } = buildSync({
    entryPoints: [join(__dirname, 'fixtures/hook-app.tsx')],
    tsconfig: join(ROOT, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return outputFiles[0].text;
}

describe('useTts React hook in a real browser', () => {
  let stack: BrowserStack;
  let idleStack: BrowserStack;
  let browser: Browser;
  let context: BrowserContext;
  const fronts: TlsFront[] = [];

  beforeAll(async () => {
    // Paced like the real service (real time, 150 ms to first byte): the jitter buffer has real work to do.
    [stack, idleStack, browser] = await Promise.all([
      startBrowserStack('browser-hook', {}, { speed: 1, ttfbMs: 150 }),
      startBrowserStack('browser-hook-idle', { IDLE_TIMEOUT_MS: '1000' }),
      launchChromium(),
    ]);
    context = await browser.newContext({ ignoreHTTPSErrors: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all(fronts.map((front) => front.close()));
    await stack?.close();
    await idleStack?.close();
  });

  /** The fixture app served over https (a secure context, as for any real page) in front of the stack's gateway. */
  async function openHookApp(on: BrowserStack, companyId: string): Promise<Page> {
    const app = JSON.stringify({ companyId, text: TEXT }).replace(/</g, '\\u003c');
    const page = `<!doctype html><meta charset="utf-8"><title>useTts</title><div id="root"></div>
<script>window.hookApp = ${app};</script>
<script type="module">${bundleHookApp().replace(/<\/script/gi, '<\\/script')}</script>`;
    const front = await startTlsFront(on.gateway.port, { '/hook': page });
    fronts.push(front);
    const tab = await context.newPage();
    await tab.goto(`${front.origin}/hook`);
    return tab;
  }

  async function speakOnce(tab: Page): Promise<PlayerStats> {
    await tab.getByRole('button', { name: 'Speak' }).click();
    await waitForText(tab.getByLabel('Speech'), /^speaking$/);
    await waitForText(tab.getByLabel('Speech'), /^silent$/);
    return tab.evaluate(() => window.hookPlayer!.stats());
  }

  const samples = expectedAudioBytes(TEXT, 'linear16', 24000) / 2;

  it('connects, speaks a streamed utterance without underruns, and reports speaking until it ends', async () => {
    const tab = await openHookApp(stack, await stack.company('hook'));
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    const stats = await speakOnce(tab);

    expect(stats.playedSamples).toBeGreaterThanOrEqual(samples - 1);
    expect(stats.playedSamples).toBeLessThanOrEqual(samples);
    expect(stats.underruns).toBe(0);
    expect(await tab.getByRole('alert').count()).toBe(0);
  });

  it('Interrupt after Close stops the speech at once: the player goes quiet and plays nothing more of it', async () => {
    const tab = await openHookApp(stack, await stack.company('hook-stop-after-close'));
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    await tab.getByRole('button', { name: 'Speak' }).click();
    await waitForText(tab.getByLabel('Speech'), /^speaking$/);
    await tab.getByRole('button', { name: 'Close' }).click(); // a graceful Close would let the speech finish
    await tab.waitForFunction(() => window.hookClient?.state === 'closing');
    await tab.getByRole('button', { name: 'Interrupt' }).click();
    await waitForText(tab.getByLabel('Speech'), /^silent$/, 1000);
    const atStop = await tab.evaluate(() => window.hookPlayer!.stats());
    await tab.waitForFunction(() => window.hookClient?.state === 'closed', undefined, { timeout: 10_000 });
    const atEnd = await tab.evaluate(() => window.hookPlayer!.stats());

    expect(atEnd.playedSamples).toBeLessThan(samples / 2);
    expect(atEnd.playedSamples - atStop.playedSamples).toBeLessThan(24000 / 10); // at most a render quantum or so
    expect(await tab.getByLabel('Speech').textContent()).toBe('silent');
    expect(await tab.getByRole('alert').count()).toBe(0);
  });

  it('after an idle timeout the Speak button still works: the session reopens, no error is shown', async () => {
    const tab = await openHookApp(idleStack, await idleStack.company('hook-idle'));
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    await tab.waitForFunction(() => window.hookClient?.state === 'idle', undefined, { timeout: 10_000 });
    expect(await tab.getByRole('button', { name: 'Speak' }).isEnabled()).toBe(true);
    const stats = await speakOnce(tab);

    expect(stats.playedSamples).toBeGreaterThanOrEqual(samples - 1);
    expect(stats.playedSamples).toBeLessThanOrEqual(samples);
    expect(await tab.getByRole('alert').count()).toBe(0);
  });
});
