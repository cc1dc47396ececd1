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

/**
 * The fixture app with React and the SDK from their sources, as a customer's bundler would build it; a
 * development build where StrictMode's double mount is to run (production React skips it).
 */
function bundleHookApp(development = false): string {
  const { outputFiles } = buildSync({
    entryPoints: [join(__dirname, 'fixtures/hook-app.tsx')],
    tsconfig: join(ROOT, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': development ? '"development"' : '"production"' },
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

  interface HookApp {
    tab: Page;
    front: TlsFront;
    /** Uncaught exceptions and unhandled rejections in the page, as they happen. */
    pageErrors: string[];
  }

  /** The fixture app served over https (a secure context, as for any real page) in front of the stack's gateway. */
  async function openHookApp(on: BrowserStack, companyId: string): Promise<Page> {
    return (await openHookAppWith(on, companyId)).tab;
  }

  async function openHookAppWith(
    on: BrowserStack,
    companyId: string,
    {
      strict = false,
      ...hookOptions
    }: { strict?: boolean } & Partial<Pick<Window['hookApp'], 'url' | 'encoding'>> = {},
  ): Promise<HookApp> {
    const app = JSON.stringify({ companyId, text: TEXT, strict, ...hookOptions }).replace(/</g, '\\u003c');
    const page = `<!doctype html><meta charset="utf-8"><title>useTts</title><div id="root"></div>
<script>window.hookApp = ${app};</script>
<script type="module">${bundleHookApp(strict).replace(/<\/script/gi, '<\\/script')}</script>`;
    const front = await startTlsFront(on.gateway.port, { '/hook': page });
    fronts.push(front);
    const tab = await context.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.exposeFunction('reportRejection', (reason: string) => pageErrors.push(`unhandledrejection: ${reason}`));
    await tab.addInitScript(() =>
      window.addEventListener('unhandledrejection', (event) =>
        (window as unknown as { reportRejection(reason: string): void }).reportRejection(String(event.reason)),
      ),
    );
    await tab.goto(`${front.origin}/hook`);
    return { tab, front, pageErrors };
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

  it('under <StrictMode> (mounted, unmounted and mounted again at once) raises no page error and speaks', async () => {
    const { tab, pageErrors } = await openHookAppWith(stack, await stack.company('hook-strict'), { strict: true });
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    const stats = await speakOnce(tab);
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200))); // a late rejection would show

    expect(pageErrors).toEqual([]);
    // The whole utterance, exactly once. Smooth playback is the first test's subject: here an underrun
    // would only say that the loaded machine stalled the page.
    expect(stats.playedSamples).toBeGreaterThanOrEqual(samples - 1);
    expect(stats.playedSamples).toBeLessThanOrEqual(samples);
    expect(await tab.getByRole('alert').count()).toBe(0);
  });

  it('a url the client cannot open shows as an error: no exception, the app stays rendered', async () => {
    const { tab, pageErrors } = await openHookAppWith(stack, await stack.company('hook-bad-url'), {
      url: 'localhost:8080', // no scheme
    });
    await waitForText(tab.getByRole('alert'), /^connection_error$/);
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));

    expect(pageErrors).toEqual([]);
    expect(await tab.getByLabel('Connection').textContent()).toBe('disconnected');
    expect(await tab.evaluate(() => window.hookClient?.state)).toBe('closed');
  });

  it('with encoding mulaw (8 or 16 kHz only) connects at a rate the gateway takes, and speaks', async () => {
    const { tab, pageErrors } = await openHookAppWith(stack, await stack.company('hook-mulaw'), { encoding: 'mulaw' });
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    expect(await tab.evaluate(() => window.hookClient!.audioFormat)).toEqual({
      encoding: 'mulaw',
      sampleRate: 16000,
      container: 'none',
    });
    const stats = await speakOnce(tab);
    const mulawSamples = expectedAudioBytes(TEXT, 'mulaw', 16000); // one byte a sample

    expect(stats.playedSamples).toBeGreaterThanOrEqual(mulawSamples - 1);
    expect(stats.playedSamples).toBeLessThanOrEqual(mulawSamples);
    expect(await tab.getByRole('alert').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a drop mid-utterance ends it after the buffered audio, without an underrun; a failed reconnect error clears once reconnected', async () => {
    const { tab, front } = await openHookAppWith(stack, await stack.company('hook-drop'));
    await waitForText(tab.getByLabel('Connection'), /^connected$/);
    await tab.getByRole('button', { name: 'Speak' }).click();
    await waitForText(tab.getByLabel('Speech'), /^speaking$/);
    await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    front.refuseWebSockets(true); // the reconnect attempts fail until the network is back
    front.cutWebSockets();
    // Buffered at the cut: about the 150 ms prebuffer of a real-time stream. Far less than a second.
    await waitForText(tab.getByLabel('Speech'), /^silent$/, 1000);
    const afterDrop = await tab.evaluate(() => window.hookPlayer!.stats());

    expect(afterDrop.underruns).toBe(0);
    expect(afterDrop.prebufferMs).toBe(150); // not grown: a drop is no network jitter
    expect(afterDrop.playedSamples).toBeLessThan(samples); // the rest of the utterance was lost with the socket
    expect(afterDrop.bufferedSamples).toBe(0);

    await waitForText(tab.getByRole('alert'), /^connection_error$/);
    front.refuseWebSockets(false);
    await waitForText(tab.getByLabel('Connection'), /^connected$/, 15_000);
    // The session works again: the failed attempt's error is gone, and the next utterance plays whole.
    await tab.getByRole('alert').waitFor({ state: 'detached', timeout: 2000 });
    const next = await speakOnce(tab);
    expect(next.playedSamples - afterDrop.playedSamples).toBeGreaterThanOrEqual(samples - 1);
    expect(next.playedSamples - afterDrop.playedSamples).toBeLessThanOrEqual(samples);
    expect(next.underruns).toBe(0);
    expect(await tab.getByRole('alert').count()).toBe(0);
  });
});
