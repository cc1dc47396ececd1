import { CHARACTER_MS, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';

const PREFIX = 'relay-idle';
const IDLE_MS = 1000;

/** Idle means nobody talking and nobody listening: audio still streaming to the client keeps a session alive. */
describe('gateway relay: idle timeout while audio plays', () => {
  let gateway: TestGateway;

  // Real-time pacing: the utterance outlasts the idle limit.
  useRelayStack((stack) => ({ gateway } = stack), {
    emulator: { speed: 1 },
    gateway: { IDLE_TIMEOUT_MS: String(IDLE_MS) },
  });

  it('delivers an utterance longer than the idle limit in full, then times out a limit after it', async () => {
    const text = 'Una frase bastante larga para hablar.'; // 37 characters: over 2 s of audio
    expect(text.length * CHARACTER_MS).toBeGreaterThan(2 * IDLE_MS);
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });

    await client.waitFor('Flushed', 15_000);
    const deliveredAt = Date.now();
    expect(client.texts.filter((t) => t.type === 'error')).toEqual([]);
    expect(client.audio.reduce((n, f) => n + f.length - 44, 0)).toBe(expectedAudioBytes(text, 'linear16', 16000));

    const close = await client.waitForClose(10_000);
    expect(close.code).toBe(4408);
    expect(Date.now() - deliveredAt).toBeGreaterThanOrEqual(IDLE_MS - 100);
  }, 30_000);
});
