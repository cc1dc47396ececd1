import { Browser, Page } from 'playwright-core';
import { bytesPerSample } from '@tts/audio';
import type { AudioEncoding } from '@tts/audio';
import type { PlayerStats, SessionConfigRequest, StreamTarget } from '@tts/client';
import { expectedAudioBytes } from '../support/emulator';
import { BrowserStack, startBrowserStack } from './support/browser-stack';
import { launchChromium } from './support/chromium';

const SDK_MODULE = `import * as sdk from '/client/tts-client.js'; window.sdk = sdk;`;

/** What a page using the SDK bundle observed while speaking one utterance. */
interface Played {
  stats: PlayerStats;
  contextRate: number;
  events: string[];
}

declare global {
  interface Window {
    sdk?: typeof import('@tts/client');
    sdkSession?: {
      client: import('@tts/client').TtsClient;
      player: import('@tts/client').TtsPlayer;
      events: string[];
    };
  }
}

/** Opens an SDK session inside the page: the bundle from the gateway, a worklet player attached to a client. */
async function openSession(
  page: Page,
  identity: StreamTarget,
  config: SessionConfigRequest,
  prebufferMs?: number,
): Promise<void> {
  await page.evaluate(
    async ({ identity, config, prebufferMs }) => {
      const sdk = window.sdk!;
      const player = new sdk.TtsPlayer({ unlockTarget: null, prebufferMs });
      await player.ready;
      await player.context.resume();
      const client = new sdk.TtsClient({ ...identity, language: config.language, config });
      const events: string[] = [];
      player.attach(client);
      player.on('utterancestart', () => events.push('start'));
      player.on('utteranceend', (e) => events.push(`end:${e.sequenceId}`));
      player.on('underrun', () => events.push('underrun'));
      client.on('error', (e) => events.push(`error:${e.code}`));
      await client.connect();
      window.sdkSession = { client, player, events };
    },
    { identity, config, prebufferMs },
  );
}

/**
 * A document really loaded from the gateway (a page fulfilled by page.route would count as a public origin
 * and be refused loopback WebSockets by Local Network Access), then the bundle as a module script.
 */
async function loadSdk(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/client/tts-client.js`);
  await page.addScriptTag({ type: 'module', content: SDK_MODULE });
  await page.waitForFunction(() => window.sdk !== undefined);
}

async function speakUtterance(page: Page, text: string): Promise<Played> {
  return page.evaluate(async (text) => {
    const { client, player, events } = window.sdkSession!;
    const ended = new Promise((resolve) => player.once('utteranceend', resolve));
    client.speak(text);
    client.flush();
    await ended;
    return { stats: await player.stats(), contextRate: player.context.sampleRate, events: [...events] };
  }, text);
}

describe('SDK player in a real browser', () => {
  let stack: BrowserStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startBrowserStack('browser-sdk'), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  beforeEach(async () => {
    // The test injects its own module into a gateway document: the gateway's CSP guards its pages, not this harness.
    page = await browser.newPage({ bypassCSP: true });
    await loadSdk(page, stack.origin);
  });
  afterEach(async () => {
    await page.evaluate(async () => {
      window.sdkSession?.client.disconnect();
      await window.sdkSession?.player.close();
    });
    await page.close();
  });

  const identity = async (name: string) => ({
    url: stack.origin,
    companyId: await stack.company(name),
    userId: 'listener',
    sessionId: `s-${name}`,
  });

  it.each<[AudioEncoding, number, 'none' | 'wav']>([
    ['linear16', 24000, 'none'],
    ['linear16', 16000, 'wav'],
    ['mulaw', 8000, 'none'],
    ['alaw', 16000, 'wav'],
  ])(
    'plays a whole utterance of %s at %d Hz (container %s) for its exact duration',
    async (encoding, rate, container) => {
      const text = 'Hello there.';
      await openSession(page, await identity(`${encoding}-${rate}`), {
        model: 'aura-2-thalia-en',
        language: 'en',
        encoding,
        sample_rate: rate,
        container,
      });
      const played = await speakUtterance(page, text);

      const expectedSamples = expectedAudioBytes(text, encoding, rate) / bytesPerSample(encoding);
      const expectedSeconds = expectedSamples / rate;
      // The resampler holds back at most the one sample it interpolates towards.
      expect(played.stats.playedSamples).toBeGreaterThanOrEqual(expectedSamples - 1);
      expect(played.stats.playedSamples).toBeLessThanOrEqual(expectedSamples);
      expect(played.stats.playedFrames / played.contextRate).toBeCloseTo(expectedSeconds, 2);
      expect(played.stats.underruns).toBe(0);
      expect(played.events).toEqual(['start', 'end:0']);
    },
  );

  it('stops rendering within one quantum of clear(), drops the rest, and plays the next utterance', async () => {
    await openSession(page, await identity('barge-in'), {
      language: 'en',
      encoding: 'linear16',
      sample_rate: 24000,
      container: 'none',
    });
    const long = 'This sentence is long enough to be interrupted well before it reaches its end.';
    const cut = await page.evaluate(async (long) => {
      const { client, player } = window.sdkSession!;
      const started = new Promise((resolve) => player.once('utterancestart', resolve));
      client.speak(long);
      client.flush();
      await started;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const clearCalledAtFrame = Math.round(player.context.currentTime * player.context.sampleRate);
      const cleared = new Promise((resolve) => client.once('cleared', resolve));
      client.clear();
      await cleared;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { stats: await player.stats(), clearCalledAtFrame, rate: player.context.sampleRate };
    }, long);

    expect(cut.stats.clears).toBe(1);
    // Nothing was rendered after the worklet took the clear: silence from the very next quantum.
    expect(cut.stats.playedFrames).toBe(cut.stats.playedFramesAtLastClear);
    expect(cut.stats.lastAudioFrame).toBeLessThan(cut.stats.lastClearFrame);
    // And the worklet took it promptly after clear() was called on the main thread (a few quanta at most).
    expect(cut.stats.lastClearFrame - cut.clearCalledAtFrame).toBeLessThan(0.05 * cut.rate);
    const fullSamples = expectedAudioBytes(long, 'linear16', 24000) / 2;
    expect(cut.stats.playedSamples).toBeLessThan(fullSamples / 2);
    expect(cut.stats.bufferedSamples).toBe(0);

    const next = await speakUtterance(page, 'Next turn.');
    const nextSamples = expectedAudioBytes('Next turn.', 'linear16', 24000) / 2;
    expect(next.stats.playedSamples - cut.stats.playedSamples).toBeGreaterThanOrEqual(nextSamples - 1);
    expect(next.stats.playedSamples - cut.stats.playedSamples).toBeLessThanOrEqual(nextSamples);
    // The cut utterance never ends; the next one does. Its sequence_id is 1 if Deepgram answered the cut
    // Flush before its Cleared (the SDK drops that Flushed: it came before the Cleared it waits for), else 0.
    expect(next.events).toEqual(['start', 'start', expect.stringMatching(/^end:[01]$/)]);
  });

  it('close() leaves a shared AudioContext running for the next player; stats() then rejects', async () => {
    const outcome = await page.evaluate(async () => {
      const sdk = window.sdk!;
      const context = new AudioContext();
      const first = new sdk.TtsPlayer({ context, unlockTarget: null });
      await first.ready;
      await first.close();
      const stateAfterClose = context.state;
      const statsAfterClose = await first.stats().then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      const second = new sdk.TtsPlayer({ context, unlockTarget: null });
      await second.ready;
      const secondStats = await second.stats();
      await second.close();
      await context.close();
      return { stateAfterClose, statsAfterClose, secondPlayed: secondStats.playedFrames };
    });

    expect(outcome.stateAfterClose).not.toBe('closed');
    expect(outcome.statsAfterClose).toBe('TtsPlayer: closed');
    expect(outcome.secondPlayed).toBe(0);
  });

  it('a player closed at once, while its worklet still loads, settles quietly: no unhandled rejection', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const outcome = await page.evaluate(async () => {
      const rejections: string[] = [];
      window.addEventListener('unhandledrejection', (event) => rejections.push(String(event.reason)));
      const player = new window.sdk!.TtsPlayer({ unlockTarget: null });
      await player.close();
      const ready = await player.ready.then(
        () => 'resolved',
        (error: unknown) => `rejected: ${String(error)}`,
      );
      // Another player, nobody awaiting its `ready`.
      void new window.sdk!.TtsPlayer({ unlockTarget: null }).close();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { ready, rejections };
    });

    expect(outcome).toEqual({ ready: 'resolved', rejections: [] });
    expect(errors).toEqual([]);
  });

  /**
   * Paced a little faster than real time (as Deepgram streams), no time to first byte, a 250 ms prebuffer.
   * When the first sentence (~2 s) has played, the second one's audio has been arriving for ~450-550 ms:
   * longer than the prebuffer, its ~500-700 ms of audio less than the 1,000 ms (4x) that starts a burst at
   * once, and its Flushed not in yet. So only the wait counted from its arrival lets it follow at once;
   * counted from the first one's end, it would wait 250 ms of silence. (At real-time pacing the margin is
   * only the first sentence's last chunk against the relay's delay: too thin for a loaded machine.)
   */
  describe('paced at 1.1x real time, without time to first byte', () => {
    let paced: BrowserStack;
    beforeAll(async () => {
      paced = await startBrowserStack('browser-sdk-paced', {}, { speed: 1.1, ttfbMs: 0 });
    });
    afterAll(() => paced?.close());

    it('plays consecutive sentences back to back: no silence is inserted between the utterances', async () => {
      await loadSdk(page, paced.origin); // the gateway's own page: its origin is allowed
      await openSession(
        page,
        { url: paced.origin, companyId: await paced.company('gapless'), userId: 'listener', sessionId: 's-gapless' },
        { language: 'en', encoding: 'linear16', sample_rate: 24000, container: 'none' },
        250,
      );
      const marks = await page.evaluate(async () => {
        const { client, player } = window.sdkSession!;
        const marks: Array<{ event: string; at: number }> = [];
        player.on('utterancestart', (e) => marks.push({ event: 'start', at: e.at }));
        player.on('utteranceend', (e) => marks.push({ event: `end:${e.sequenceId}`, at: e.at }));
        const ended = new Promise((resolve) => player.on('utteranceend', (e) => e.sequenceId === 1 && resolve(e)));
        // Two sentences, each flushed: the second one's audio streams in while the first one still plays.
        client.speak('The first sentence is spoken here.');
        client.flush();
        client.speak('And the second one follows it.');
        client.flush();
        await ended;
        return marks;
      });

      expect(marks.map((m) => m.event)).toEqual(['start', 'end:0', 'start', 'end:1']);
      // Its audio waited the prebuffer while the first sentence played: by the render thread's own clock
      // (the events' `at`), its first sample plays on the frame after the first one's last, not a
      // prebuffer (250 ms) of silence later.
      expect(marks[1].at).toBeGreaterThan(marks[0].at);
      expect(marks[2].at).toBe(marks[1].at);
    });
  });
});
