import { DEFAULT_SESSION_CONFIG } from '@tts/protocol';
import { UpstreamConnection } from '../../apps/gateway/src/upstream/upstream-connection';
import { isDefined, pollUntil } from '../support/poll';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { SessionSide } from '../support/upstream-session-side';

const TEXT = 'Hola, espera a que el cliente lea.';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upstream connection against the emulator', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ ttfbMs: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('stays paused when paused while still connecting (a slow client), and reads again on resume', async () => {
    const session = new SessionSide();
    const sut = new UpstreamConnection(
      { url: emulator.url, apiKey: 'connection-test-key' },
      DEFAULT_SESSION_CONFIG,
      5000,
      session,
    );
    sut.pause(); // the client is behind before the upstream has even opened
    sut.send({ type: 'Speak', text: TEXT }); // queued until the open
    sut.send({ type: 'Flush' });
    await pollUntil(() => (session.opens === 1 ? true : undefined), isDefined, 5000, 'open');
    // The emulator streams the whole utterance at once (no pacing, no TTFB); none of it is read while paused.
    await pollUntil(
      () => (emulator.connections[0]?.received.length === 2 ? true : undefined),
      isDefined,
      5000,
      'Speak and Flush at the emulator',
    );
    await sleep(300);
    expect(session.audioBytes).toBe(0);
    expect(session.types()).toEqual([]);

    sut.resume();
    await pollUntil(() => session.end ?? (session.types().includes('Flushed') || undefined), isDefined, 5000);
    expect(session.types()).toEqual(['Metadata', 'Flushed']);
    expect(session.audioBytes).toBe(expectedAudioBytes(TEXT, 'linear16', 16000));
    sut.abort();
  });
});
