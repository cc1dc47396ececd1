import { parseWav } from '@tts/audio';
import { AppProcess, scrape } from '../ops/app-process';
import { isDefined, pollUntil } from '../support/poll';
import { RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-pool-growth';
const MAX_SIZE = 6;

describe('gateway relay with a warm pool allowed to grow (UPSTREAM_POOL_MAX_SIZE)', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { handshakeDelayMs: 300 },
    gateway: { UPSTREAM_POOL_SIZE: '1', UPSTREAM_POOL_MAX_SIZE: String(MAX_SIZE) },
  });

  const clients: TestClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  const metrics = () => scrape({ baseUrl: `http://127.0.0.1:${gateway.port}` } as AppProcess);
  const readyIs = (n: number) =>
    pollUntil(
      async () => ((await metrics())('tts_gateway_upstream_pool_connections{state="ready"}') === n ? true : undefined),
      isDefined,
      10_000,
      `${n} warm connections`,
    );

  /** `n` sessions at once, each one utterance; resolves once all have their Flushed. */
  async function burst(n: number, tag: string): Promise<string[]> {
    const texts = Array.from({ length: n }, (_, i) => `Sesión ${tag} número ${i}.`);
    const sessions = await Promise.all(texts.map(() => connectClient(gateway, PREFIX)));
    clients.push(...sessions);
    await Promise.all(
      sessions.map(async (client, i) => {
        client.send({ type: 'Speak', text: texts[i] });
        client.send({ type: 'Flush' });
        expect(await client.waitFor('Flushed', 10_000)).toMatchObject({ sequence_id: 0 });
        const bytes = client.audio.reduce((sum, frame) => sum + parseWav(frame).data.length, 0);
        expect(bytes).toBe(expectedAudioBytes(texts[i], 'linear16', 16000));
      }),
    );
    return texts;
  }

  it('grows under a burst of new sessions, within its maximum, so the next sessions start on warm connections', async () => {
    await readyIs(1);
    const before = await metrics();
    expect(before('tts_gateway_upstream_pool_target_connections')).toBe(1);

    // 12 sessions within a moment against a 300 ms handshake: one warm, the rest (nearly all) open their
    // own, and the pool grows to its maximum meanwhile (it would need 8 or more).
    await burst(12, 'A');
    await readyIs(MAX_SIZE);
    const grown = await metrics();
    const hits = grown('tts_gateway_upstream_pool_hits_total')!;
    // The warm one, and any grown connection that opened before the last of the 12 asked.
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(hits + grown('tts_gateway_upstream_pool_misses_total')!).toBe(12);
    expect(grown('tts_gateway_upstream_pool_connections{state="connecting"}')).toBe(0);

    // The next burst starts on connections that were open before it came.
    const opened = emulator.connections.length;
    const texts = await burst(4, 'B');
    const carriers = texts.map((text) =>
      emulator.connections.findIndex((c) => c.received.includes(JSON.stringify({ type: 'Speak', text }))),
    );
    expect(carriers.every((index) => index >= 0 && index < opened)).toBe(true);
    expect((await metrics())('tts_gateway_upstream_pool_hits_total')).toBe(hits + 4);
  });
});
