import { Browser, Page } from 'playwright-core';
import type { PlayerStats } from '@tts/client';
import { startGateway } from '../support/gateway';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { waitForText } from './support/page-text';

declare global {
  interface Window {
    ttsDemo?: { player: { stats(): Promise<PlayerStats> } };
  }
}

describe('demo page', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let page: Page;
  const statuses: Array<{ model?: string; message?: string }> = [];
  const socketUrls: string[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startBrowserStack('browser-demo', testAuthEnv), launchChromium()]);
    page = await browser.newPage();
    page.on('websocket', (socket) => {
      socketUrls.push(socket.url());
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"status"')) statuses.push(JSON.parse(payload));
      });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('speaks the typed text with the picked voice and shows the time to first audio', async () => {
    const company = await stack.company('page');
    const token = await tokenFor(company, 'demo-user');
    await page.goto(`${stack.origin}/?${new URLSearchParams({ company_id: company, user_id: 'demo-user', token })}`);
    // Auth is on: reaching "connected" proves the page passed its ?token= on.
    expect(await waitForText(page.getByLabel('Connection'), /^connected$/)).toBe('connected');

    await page.getByLabel('Language').selectOption('en');
    await page.getByLabel('Voice').selectOption({ label: 'thalia (Aura-2)' });
    await page.getByLabel('Text to speak').fill('Hello from the demo page.');
    await page.getByRole('button', { name: 'Speak' }).click();

    const ttfa = await waitForText(page.getByLabel('Time to first audio'), /^\d+ ms$/);
    expect(parseInt(ttfa, 10)).toBeLessThan(2000);
    await waitForText(page.getByLabel('Playback'), /^idle$/);
    expect(statuses.filter((s) => s.message === 'Deepgram TTS connected').map((s) => s.model)).toEqual([
      'aura-2-estrella-es',
      'aura-2-thalia-en',
    ]);
    expect(socketUrls.every((url) => new URL(url).searchParams.get('token') === token)).toBe(true);
  });

  it('Interrupt silences the speech at once', async () => {
    await page.getByLabel('Text to speak').fill('A much longer sentence that the listener interrupts before it ends.');
    await page.getByRole('button', { name: 'Speak' }).click();
    await waitForText(page.getByLabel('Playback'), /^speaking$/);
    await page.getByRole('button', { name: 'Interrupt' }).click();
    await waitForText(page.getByLabel('Playback'), /^interrupted$/);

    const atInterrupt = await page.evaluate(() => window.ttsDemo!.player.stats());
    await page.waitForTimeout(300);
    const later = await page.evaluate(() => window.ttsDemo!.player.stats());
    expect(later.clears).toBe(1);
    expect(later.playedFrames).toBe(later.playedFramesAtLastClear);
    expect(later.playedFrames).toBe(atInterrupt.playedFrames);
    // The error line is only shown (and exposed as an alert) when there is an error.
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('is not served when DEMO_PAGE is off, while the SDK bundle still is', async () => {
    const plain = await startGateway({ DEEPGRAM_URL: stack.emulator.url, DEMO_PAGE: 'false' });
    try {
      const origin = `http://127.0.0.1:${plain.port}`;
      expect((await fetch(`${origin}/`)).status).toBe(404);
      const bundle = await fetch(`${origin}/client/tts-client.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect(await bundle.text()).toContain('TtsPlayer');
    } finally {
      await plain.close();
    }
  });
});
