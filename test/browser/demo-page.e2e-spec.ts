import { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlayerStats } from '@tts/client';
import { startGateway } from '../support/gateway';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { DemoBilling, startDemoBilling } from './support/demo-billing';
import { waitForText } from './support/page-text';

declare global {
  interface Window {
    ttsDemo?: { player: { stats(): Promise<PlayerStats> } };
  }
}

// 9 credits a minute of linear16 24 kHz is 1/320000 credit a byte: exact at 18 decimals, so the balance must
// move by exactly the figure the page shows, however billing splits the audio into usage events.
const CREDITS_PER_MINUTE = '9';
const COMPANY_PREFIX = `demo-page-${process.pid}`;
const SHOTS = '/tmp/demo-page';

const units = (decimal: string) => {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole + fraction.padEnd(18, '0'));
};

describe('demo page (playground)', () => {
  let billing: DemoBilling;
  let stack: BrowserStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let company: string;
  let n = 0;
  const sentConfigs: Array<Record<string, unknown>> = [];
  const notFound: string[] = [];

  const open = async (target: Page, companyId: string, token: string) => {
    await target.goto(
      `${stack.origin}/?${new URLSearchParams({ company_id: companyId, user_id: 'demo-user', token })}`,
    );
  };
  const balanceValue = () => page.locator('#balance').getAttribute('value');
  const settledBalance = async () => {
    // The note reads "updating…" until billing has applied the usage the page computed.
    await page.waitForFunction(() => document.getElementById('balance-note')!.textContent === '', undefined, {
      timeout: 20_000,
    });
    return (await balanceValue())!;
  };

  beforeAll(async () => {
    billing = await startDemoBilling('demo_page', COMPANY_PREFIX, CREDITS_PER_MINUTE);
    [stack, browser] = await Promise.all([
      startBrowserStack(
        'browser-demo',
        {
          ...testAuthEnv,
          BULLMQ_PREFIX: billing.prefix,
          CREDITS_PER_MINUTE,
          USAGE_FLUSH_INTERVAL_MS: '300',
        },
        { speed: 1 }, // paced like the real service, so there is something to meter and to interrupt
      ),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.origin });
    page = await context.newPage();
    page.on('response', (r) => r.status() === 404 && notFound.push(r.url()));
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        if (typeof payload === 'string' && !payload.includes('"type"')) sentConfigs.push(JSON.parse(payload));
      }),
    );
    company = `${COMPANY_PREFIX}-${++n}`;
    await billing.fund(company, 100);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await billing?.close();
  });

  it('opens connected, names the emulator upstream and shows the balance, with no 404 (favicon included)', async () => {
    await open(page, company, await tokenFor(company, 'demo-user'));
    expect(await waitForText(page.getByLabel('Connection'), /^connected$/)).toBe('connected');
    expect(await page.getByLabel('Upstream').textContent()).toMatch(/emulator/);
    await expect(page.getByText('Speech comes from the local Deepgram emulator').isVisible()).resolves.toBe(true);
    expect(await waitForText(page.locator('#balance'), /credits/)).toBe('100.000000 credits');
    expect(await page.getByRole('button', { name: 'Interrupt' }).isDisabled()).toBe(true);
    expect((await fetch(`${stack.origin}/favicon.ico`)).status).toBe(200);
    expect(notFound).toEqual([]);
    await page.screenshot({ path: `${SHOTS}-1-connected.png`, fullPage: true });
  });

  it('picks a language and a voice by name, speaks with Ctrl+Enter, meters the output and bills exactly what it shows', async () => {
    const before = await settledBalance();
    await page.getByLabel('Language').selectOption({ label: 'German' });
    expect(await page.getByRole('slider', { name: /Speed/ }).isDisabled()).toBe(true);
    expect(await page.locator('#speed-hint').textContent()).toMatch(/English and Spanish Aura-2 voices only/);
    await page.getByLabel('Language').selectOption({ label: 'English' });
    expect(await page.getByLabel('Text to speak').inputValue()).toMatch(/^Hello!/);
    await page.getByLabel('Voice').selectOption({ label: 'Draco · masculine · British' });
    expect(await page.locator('#voice-about').textContent()).toBe('Warm, Approachable, Trustworthy, Baritone');
    const speed = page.getByRole('slider', { name: /Speed/ });
    await speed.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#speed-value').textContent()).toBe('1.10×');

    const words = 'Hello from the playground. It speaks, meters and bills.';
    await page.getByLabel('Text to speak').fill(words);
    await page.getByLabel('Text to speak').press('Control+Enter');
    await waitForText(page.getByLabel('State', { exact: true }), /^speaking$/);
    expect(await page.getByRole('button', { name: 'Speak' }).isDisabled()).toBe(true);
    await page.waitForFunction(() => (document.getElementById('level') as HTMLMeterElement).value > 0.05);
    await page.screenshot({ path: `${SHOTS}-2-speaking.png`, fullPage: true });
    await waitForText(page.getByLabel('State', { exact: true }), /^done$/, 20_000);

    expect(sentConfigs.at(-1)).toEqual({
      model: 'aura-2-draco-en',
      language: 'en',
      encoding: 'linear16',
      sample_rate: 24000,
      container: 'none',
      speed: 1.1,
    });
    expect(await page.getByLabel('Time to first audio').textContent()).toMatch(/^\d+ ms$/);
    expect(Number(await page.getByLabel('Audio seconds').textContent())).toBeGreaterThan(0.5);
    expect(await page.getByLabel('Characters').textContent()).toBe(String(words.length));
    const credits = (await page.locator('#credits').getAttribute('value'))!;
    expect(units(credits)).toBeGreaterThan(0n);
    expect(await page.locator('#history tr').count()).toBe(1);

    const after = await settledBalance();
    expect(units(before) - units(after)).toBe(units(credits));
    await page.screenshot({ path: `${SHOTS}-3-done.png`, fullPage: true });
  });

  it('interrupts with Escape: silence at once, and the cut-off audio is billed exactly as shown', async () => {
    const before = await settledBalance();
    await page
      .getByLabel('Text to speak')
      .fill('A much longer sentence that the listener interrupts well before its end. '.repeat(3));
    await page.getByRole('button', { name: 'Speak' }).click();
    await waitForText(page.getByLabel('State', { exact: true }), /^speaking$/);
    expect(await page.getByRole('button', { name: 'Interrupt' }).isEnabled()).toBe(true);
    await page.keyboard.press('Escape');
    await waitForText(page.getByLabel('State', { exact: true }), /^interrupted$/);

    const atInterrupt = await page.evaluate(() => window.ttsDemo!.player.stats());
    await page.waitForTimeout(300);
    const later = await page.evaluate(() => window.ttsDemo!.player.stats());
    expect(later.playedFrames).toBe(atInterrupt.playedFrames);
    expect(later.playedFrames).toBe(later.playedFramesAtLastClear);
    expect(await page.getByRole('button', { name: 'Interrupt' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Connection').textContent()).toMatch(/Speak reconnects/);

    const credits = (await page.locator('#credits').getAttribute('value'))!;
    const after = await settledBalance();
    expect(units(before) - units(after)).toBe(units(credits));
    expect(await page.locator('#history tr').count()).toBe(2);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}-4-interrupted.png`, fullPage: true });
  });

  it('offers only valid format pairs and bills a mulaw 8 kHz WAV utterance exactly (1 byte a sample)', async () => {
    const before = await settledBalance();
    await page.getByText('Audio format').click();
    await page.getByLabel('Encoding').selectOption('mulaw');
    const rates = await page.getByLabel('Sample rate (Hz)').locator('option').allTextContents();
    expect(rates).toEqual(['8000', '16000']);
    await page.getByLabel('Sample rate (Hz)').selectOption('8000');
    await page.getByLabel('Container').selectOption('wav');
    await page.getByLabel('Text to speak').fill('Telephone quality.');
    await page.getByRole('button', { name: 'Speak' }).click();
    await waitForText(page.getByLabel('State', { exact: true }), /^done$/, 20_000);
    expect(sentConfigs.at(-1)).toMatchObject({ encoding: 'mulaw', sample_rate: 8000, container: 'wav' });
    const credits = (await page.locator('#credits').getAttribute('value'))!;
    const seconds = Number(await page.getByLabel('Audio seconds').textContent());
    // 9 credits a minute: the figure follows from the seconds shown (rounded to 0.01 s).
    expect(Math.abs(Number(credits) - (seconds / 60) * 9)).toBeLessThan(0.01);
    const after = await settledBalance();
    expect(units(before) - units(after)).toBe(units(credits));
    await page.getByLabel('Encoding').selectOption('linear16');
    expect(await page.getByLabel('Sample rate (Hz)').locator('option').allTextContents()).toEqual([
      '8000',
      '16000',
      '24000',
      '32000',
      '48000',
    ]);
    await page.getByLabel('Sample rate (Hz)').selectOption('24000');
    await page.getByLabel('Container').selectOption('none');
  });

  it('copies an SDK snippet that speaks when pasted into another page', async () => {
    await page.getByLabel('Language').selectOption({ label: 'Spanish' });
    // No stale readings of the English utterance once the language changed.
    expect(await page.getByLabel('State', { exact: true }).textContent()).toBe('idle');
    expect(await page.getByLabel('Time to first audio').textContent()).toBe('–');
    expect(await page.getByLabel('Voice').inputValue()).toBe('aura-2-estrella-es');
    await page.getByLabel('Text to speak').fill('Hola desde el fragmento copiado.');
    await page.getByRole('button', { name: 'Copy SDK code' }).click();
    await waitForText(page.locator('#copy-status'), /^Copied\.$/);
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toContain("import { TtsClient, TtsPlayer } from 'http://127.0.0.1:");

    // The developer's own page: a context of its own, whose CSP is the developer's business (the test
    // injects the module into a gateway document, which carries the gateway's strict policy).
    const developer = await browser.newContext({ bypassCSP: true });
    const second = await developer.newPage();
    const frames: string[] = [];
    let audioFrames = 0;
    second.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string') frames.push(payload);
        else audioFrames++;
      }),
    );
    // Any other document of the gateway's origin (a routed stand-in page is blocked by Chromium's local
    // network checks): the pasted module runs there with nothing of the playground loaded.
    await second.goto(`${stack.origin}/health/live`);
    await second.addScriptTag({ type: 'module', content: snippet });
    const deadline = Date.now() + 20_000;
    while (!frames.some((f) => f.includes('"message":"closed"')) && Date.now() < deadline) {
      await second.waitForTimeout(100);
    }
    expect(frames[0]).toContain('"model":"aura-2-estrella-es"');
    expect(frames.some((f) => f.includes('"type":"Flushed"'))).toBe(true);
    expect(frames.at(-1)).toContain('"message":"closed"');
    expect(audioFrames).toBeGreaterThan(0);
    await developer.close();
    await page.screenshot({ path: `${SHOTS}-5-code.png`, fullPage: true });
  });

  it('explains a bad token (4401): use the URL npm start printed', async () => {
    const other = await context.newPage();
    await open(other, company, 'not-a-token');
    await waitForText(other.getByLabel('Connection'), /4401/);
    expect(await other.getByRole('alert').textContent()).toMatch(
      /token is missing, invalid or expired.*URL `npm start` printed/s,
    );
    expect(await other.locator('#balance-note').textContent()).toMatch(/URL `npm start` printed/);
    await other.setViewportSize({ width: 320, height: 900 });
    await other.screenshot({ path: `${SHOTS}-6-4401-320px.png`, fullPage: true });
    await other.screenshot({ path: `${SHOTS}-6-4401-320px-top.png` });
    expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await other.close();
  });

  it('explains an empty balance (4402) with the curl line that tops it up', async () => {
    const broke = `${COMPANY_PREFIX}-${++n}`;
    await billing.fund(broke, 0);
    const other = await context.newPage();
    await open(other, broke, await tokenFor(broke, 'demo-user'));
    await waitForText(other.getByLabel('Connection'), /4402/);
    const guide = await other.getByRole('alert').textContent();
    expect(guide).toMatch(/No credits left/);
    expect(guide).toContain(`curl -X POST http://localhost:8081/v1/companies/${broke}/credits`);
    expect(await other.locator('#balance').textContent()).toBe('0.000000 credits');
    await other.screenshot({ path: `${SHOTS}-7-4402.png`, fullPage: true });

    // Topped up as the guide says: the next Speak opens a new session and the guide goes away.
    await billing.fund(broke, 10);
    await other.getByRole('button', { name: 'Speak' }).click();
    await waitForText(other.getByLabel('State', { exact: true }), /^done$/, 20_000);
    expect(await other.getByLabel('Connection').textContent()).toBe('connected');
    expect(await other.getByRole('alert').count()).toBe(0);
    await other.close();
  });

  it("tells the user when the gateway holds text to stay under Deepgram's 2,400 characters a minute", async () => {
    const other = await context.newPage();
    const held: Array<{ held_characters: number; estimated_delay_ms: number }> = [];
    other.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"text_held"')) held.push(JSON.parse(payload));
      }),
    );
    const talker = `${COMPANY_PREFIX}-${++n}`;
    await billing.fund(talker, 10);
    await open(other, talker, await tokenFor(talker, 'demo-user'));
    await waitForText(other.getByLabel('Connection'), /^connected$/);
    const words = 'A long answer streamed faster than the voice service accepts text. '.repeat(40);
    expect(words.length).toBeGreaterThan(2400);
    await other.getByLabel('Text to speak').fill(words);
    await other.getByRole('button', { name: 'Speak' }).click();

    const notice = await waitForText(other.locator('#notice'), /^Text held/);
    expect(held).toHaveLength(1);
    // The frame's own figures, in words.
    expect(notice).toContain(`${held[0].held_characters.toLocaleString('en')} characters`);
    expect(notice).toContain(`about ${Math.max(1, Math.ceil(held[0].estimated_delay_ms / 1000))} s`);
    expect(notice).toContain("Deepgram's 2,400 characters per minute");
    expect(await other.locator('#notice').isVisible()).toBe(true);
    await other.screenshot({ path: `${SHOTS}-8-text-held.png`, fullPage: true });
    // Over after a look: interrupted, not spoken for a minute.
    await other.getByRole('button', { name: 'Interrupt' }).click();
    await waitForText(other.getByLabel('State', { exact: true }), /^interrupted$/);
    await other.close();
  });

  it('is not served when DEMO_PAGE is off, while the SDK bundle still is', async () => {
    const plain = await startGateway({ DEEPGRAM_URL: stack.emulator.url, DEMO_PAGE: 'false' });
    try {
      const origin = `http://127.0.0.1:${plain.port}`;
      expect((await fetch(`${origin}/`)).status).toBe(404);
      expect((await fetch(`${origin}/demo/playground.js`)).status).toBe(404);
      const bundle = await fetch(`${origin}/client/tts-client.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect(await bundle.text()).toContain('TtsPlayer');
    } finally {
      await plain.close();
    }
  });
});
