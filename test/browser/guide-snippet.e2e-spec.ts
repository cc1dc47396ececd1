import { readFileSync } from 'fs';
import { join } from 'path';
import { Browser, BrowserContext } from 'playwright-core';
import { expectedAudioBytes } from '../support/emulator';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';
import { TlsFront, startTlsFront } from './support/tls-front';

// The guide's "Minimal browser usage (vanilla JS)" snippet, byte for byte (client-guide.txt);
// kept as .txt so no formatter touches it.
const GUIDE_SNIPPET = readFileSync(join(__dirname, 'fixtures/guide-snippet.txt'), 'utf8');
const GUIDE_TEXT = 'Hola, ¿cómo estás?';

declare global {
  interface Window {
    decodes: { ok: number; failed: number; seconds: number };
  }
}

/** Counts decodeAudioData outcomes without touching the snippet: an observer installed before any page script. */
function observeDecodes(): void {
  window.decodes = { ok: 0, failed: 0, seconds: 0 };
  const decode = BaseAudioContext.prototype.decodeAudioData;
  BaseAudioContext.prototype.decodeAudioData = function (this: BaseAudioContext, data: ArrayBuffer) {
    const decoded = decode.call(this, data);
    decoded.then(
      (buffer) => {
        window.decodes.ok++;
        window.decodes.seconds += buffer.duration;
      },
      () => window.decodes.failed++,
    );
    return decoded;
  } as typeof decode;
}

describe("client guide's vanilla snippet, unchanged", () => {
  let stack: BrowserStack;
  let browser: Browser;
  let context: BrowserContext;
  let front: TlsFront;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startBrowserStack('browser-guide'), launchChromium()]);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await front?.close();
    await stack?.close();
  });

  it('decodes every binary frame it receives, and together they are the whole utterance', async () => {
    const companyId = await stack.company('snippet');
    // Only the three variables the snippet expects are provided around it; wss:// is real (TLS front).
    const page = `<!doctype html><meta charset="utf-8"><title>guide snippet</title>
<script>const companyId = ${JSON.stringify(companyId)}; const userId = 'guide-user'; const sessionId = 'guide-session';</script>
<script>
${GUIDE_SNIPPET}</script>`;
    front = await startTlsFront(stack.gateway.port, { '/guide': page });
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    const tab = await context.newPage();
    await tab.addInitScript(observeDecodes);

    let binaryFrames = 0;
    const texts: Array<{ type: string; message?: string }> = [];
    const flushed = new Promise<void>((resolve) =>
      tab.on('websocket', (socket) =>
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string') return void binaryFrames++;
          texts.push(JSON.parse(payload));
          if (texts.at(-1)!.type === 'Flushed') resolve();
        }),
      ),
    );
    const errors: string[] = [];
    // The snippet's own error reporting (the favicon's 404 is the browser's business).
    tab.on('console', (message) => message.text().startsWith('TTS WS error') && errors.push(message.text()));
    await tab.goto(`${front.origin}/guide`);
    await flushed;
    await tab.waitForFunction((frames) => window.decodes.ok + window.decodes.failed >= frames, binaryFrames);
    const decodes = await tab.evaluate(() => window.decodes);

    expect(binaryFrames).toBeGreaterThan(1);
    expect(decodes).toMatchObject({ ok: binaryFrames, failed: 0 });
    const expectedSeconds = expectedAudioBytes(GUIDE_TEXT, 'linear16', 16000) / 32000;
    expect(decodes.seconds).toBeCloseTo(expectedSeconds, 3);
    expect(texts[0]).toMatchObject({ type: 'status', message: 'Deepgram TTS connected' });
    expect(errors).toEqual([]);
  });
});
