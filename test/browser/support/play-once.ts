import { Page } from 'playwright-core';
import type { StreamTarget } from '@tts/client';
import { expectedAudioBytes } from '../../support/emulator';

export interface PlayedOnce {
  playedSamples: number;
  underruns: number;
  errors: string[];
}

declare global {
  interface Window {
    sdk?: typeof import('@tts/client');
  }
}

/**
 * In the page, with the SDK module the page loaded as `window.sdk`: one TtsClient session through a
 * TtsPlayer (linear16 24 kHz raw), one utterance spoken and played to its end.
 */
export function playOnce(page: Page, target: StreamTarget, text: string): Promise<PlayedOnce> {
  return page.evaluate(
    async ({ target, text }) => {
      const sdk = window.sdk!;
      const player = new sdk.TtsPlayer({ unlockTarget: null });
      await player.ready;
      await player.context.resume();
      const config = { encoding: 'linear16', sample_rate: 24000, container: 'none' } as const;
      const client = new sdk.TtsClient({ ...target, language: 'en', config });
      const errors: string[] = [];
      client.on('error', (e) => errors.push(e.code));
      player.attach(client);
      await client.connect();
      const ended = new Promise((resolve) => player.once('utteranceend', resolve));
      client.speak(text);
      client.flush();
      await ended;
      const stats = await player.stats();
      client.disconnect();
      await player.close();
      return { playedSamples: stats.playedSamples, underruns: stats.underruns, errors };
    },
    { target, text },
  );
}

/** Every sample of `text` (linear16 24 kHz) was played (the resampler may hold back one), without errors. */
export function expectWholeUtterance(played: PlayedOnce, text: string): void {
  const samples = expectedAudioBytes(text, 'linear16', 24000) / 2;
  expect(played.errors).toEqual([]);
  expect(played.playedSamples).toBeGreaterThanOrEqual(samples - 1);
  expect(played.playedSamples).toBeLessThanOrEqual(samples);
}
