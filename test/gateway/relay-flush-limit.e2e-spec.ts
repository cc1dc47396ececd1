import { RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';

const PREFIX = 'relay-flush-limit';
const PAIRS = 21;

/**
 * Deepgram's 20 Flushes per window, counted when they arrive. The 21st Flush must wait out the window:
 * 5 s here on both sides (Deepgram's is 60 s), so the test takes seconds.
 */
describe('gateway relay: the upstream Flush limit', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { flushWindowMs: 5000 },
    gateway: { UPSTREAM_FLUSH_WINDOW_MS: '5000' },
  });

  it(`delivers all ${PAIRS} utterances sent at connect, then closes with 1000: Deepgram never refuses a Flush`, async () => {
    const client = await connectClient(gateway, PREFIX);
    const texts = Array.from({ length: PAIRS }, (_, i) => `Frase número ${i}.`);
    // Sent before the upstream is open: the Flushes wait in its connect queue.
    for (const text of texts) {
      client.send({ type: 'Speak', text });
      client.send({ type: 'Flush' });
    }
    client.send({ type: 'Close' });

    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed', 20_000);
    expect(client.texts.filter((m) => m.type === 'Warning')).toEqual([]);
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual(texts.map((_, i) => i));
    const expected = texts.reduce((n, text) => n + expectedAudioBytes(text, 'linear16', 16000), 0);
    expect(client.audio.reduce((n, f) => n + f.length - 44, 0)).toBe(expected);
    expect(closed.usage).toMatchObject({ audio_bytes: expected });
    expect((await client.waitForClose()).code).toBe(1000);
    const [upstream] = emulator.connections;
    expect(upstream.sent.filter((m) => m.type === 'Warning')).toEqual([]);
  }, 30_000);
});
