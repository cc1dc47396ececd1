import { parseWav } from '@tts/audio';
import { CONNECTED_MESSAGE } from '@tts/protocol';
import { AppProcess, scrape } from '../ops/app-process';
import { isDefined, pollUntil } from '../support/poll';
import { EmulatedConnection, RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-pool';
const HANDSHAKE_MS = 300;

function sampleBytes(client: TestClient): number {
  return client.audio.reduce((n, frame) => n + parseWav(frame).data.length, 0);
}

/** The emulator connection that carried `text`. */
function carrierOf(emulator: RunningEmulator, text: string): EmulatedConnection {
  const speak = JSON.stringify({ type: 'Speak', text });
  return emulator.connections.find((c) => c.received.includes(speak))!;
}

async function speakAndWait(client: TestClient, text: string, occurrence = 1): Promise<unknown> {
  client.send({ type: 'Speak', text });
  client.send({ type: 'Flush' });
  return (await client.waitFor('Flushed', 10_000, occurrence)).sequence_id;
}

describe('gateway relay with warm upstream connections', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    // Deepgram's 2,400 characters over a 3 s window on both sides instead of 60 s.
    emulator: { handshakeDelayMs: HANDSHAKE_MS, charWindowMs: 3000 },
    gateway: { UPSTREAM_POOL_SIZE: '1', UPSTREAM_POOL_CONFIGS: '2', UPSTREAM_TEXT_WINDOW_MS: '3000' },
  });

  const clients: TestClient[] = [];
  const connect = async () => {
    const client = await connectClient(gateway, PREFIX);
    clients.push(client);
    return client;
  };
  // Closed even when a test fails: an open session would hold the gateway's shutdown for the drain timeout.
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  const metrics = () => scrape({ baseUrl: `http://127.0.0.1:${gateway.port}` } as AppProcess);
  const poolReady = () =>
    pollUntil(
      async () => ((await metrics())('tts_gateway_upstream_pool_connections{state="ready"}') === 1 ? true : undefined),
      isDefined,
      10_000,
      'a warm connection',
    );

  it('serves a new session on the warm connection, a second one meanwhile on a fresh one, each numbered from 0', async () => {
    await poolReady();
    const warm = emulator.connections.at(-1)!;
    expect(warm.received).toEqual([]);
    const first = await connect();
    const second = await connect();
    const textA = 'La primera frase sale por una conexión ya abierta.';
    const textB = 'La segunda sesión abre la suya.';

    // Both sessions start in the same moment: the pool holds one, and its refill is still handshaking.
    const [seqA, seqB] = await Promise.all([speakAndWait(first, textA), speakAndWait(second, textB)]);

    expect([seqA, seqB]).toEqual([0, 0]);
    // Whichever session came first rode the warm connection; the other had a fresh one opened.
    const [warmRider, warmText] = carrierOf(emulator, textA) === warm ? [first, textA] : [second, textB];
    const freshText = warmText === textA ? textB : textA;
    expect(carrierOf(emulator, warmText)).toBe(warm);
    expect(warm.received.map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'Speak', text: warmText },
      { type: 'Flush' },
    ]);
    const fresh = carrierOf(emulator, freshText);
    expect(emulator.connections.indexOf(fresh)).toBeGreaterThan(emulator.connections.indexOf(warm));
    expect(sampleBytes(first)).toBe(expectedAudioBytes(textA, 'linear16', 16000));
    expect(sampleBytes(second)).toBe(expectedAudioBytes(textB, 'linear16', 16000));
    // Each client sees what a fresh connection shows: connected, one Metadata, then its answers.
    for (const client of [first, second]) {
      expect(client.texts.map((t) => t.type)).toEqual(['status', 'Metadata', 'Flushed']);
      expect(client.texts[0]).toMatchObject({ type: 'status', message: CONNECTED_MESSAGE });
    }

    // The session keeps its connection, and its numbering.
    expect(await speakAndWait(warmRider, 'Y sigue en la misma.', 2)).toBe(1);
    expect(carrierOf(emulator, 'Y sigue en la misma.')).toBe(warm);

    const sample = await metrics();
    expect(sample('tts_gateway_upstream_pool_hits_total')).toBe(1);
    expect(sample('tts_gateway_upstream_pool_misses_total')).toBe(1);
    await poolReady(); // refilled
  });

  it('never hands a used connection to the next session', async () => {
    await poolReady();
    const client = await connect();
    const text = 'Una sesión que termina.';
    await speakAndWait(client, text);
    client.send({ type: 'Close' });
    await client.waitForClose();
    const used = carrierOf(emulator, text);
    await used.ended;

    await poolReady();
    const next = await connect();
    await speakAndWait(next, 'La siguiente.');
    const carrier = carrierOf(emulator, 'La siguiente.');
    expect(carrier).not.toBe(used);
    expect(carrier.received.map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'Speak', text: 'La siguiente.' },
      { type: 'Flush' },
    ]);
  });

  it("starts a warm connection with Deepgram's whole text budget, and its client hears connected first", async () => {
    await poolReady();
    const warm = emulator.connections.at(-1)!;
    const client = await connect();
    const sentences = Array.from({ length: 80 }, (_, n) => `Frase ${n} de una respuesta larga. `);
    const text = sentences.join('');
    expect(text.length).toBeGreaterThan(2400);

    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 20_000);

    expect(client.texts[0]).toMatchObject({ type: 'status', message: CONNECTED_MESSAGE });
    expect(client.texts.filter((t) => t.type === 'Metadata')).toHaveLength(1);
    expect(client.texts.filter((t) => t.type === 'Warning')).toEqual([expect.objectContaining({ code: 'text_held' })]);
    // All of it on the warm connection, nothing before it, and never over Deepgram's limit.
    const speaks = warm.received.map((m) => JSON.parse(m) as { type: string; text?: string });
    expect(speaks[0].type).toBe('Speak');
    expect(speaks.flatMap((m) => (m.type === 'Speak' ? [m.text] : [])).join('')).toBe(text);
    expect(warm.end).toBeUndefined();
    expect(sampleBytes(client)).toBe(expectedAudioBytes(text, 'linear16', 16000));
  });

  it('opens its own connection for a session of another configuration, and keeps that one warm for the next', async () => {
    await poolReady();
    const warm = emulator.connections.at(-1)!;
    const faster = { speed: 1.2 };
    const first = await connect();
    first.send(faster);
    const firstSeq = await speakAndWait(first, 'Un poco más rápido.');

    const carrier = carrierOf(emulator, 'Un poco más rápido.');
    expect(carrier).not.toBe(warm);
    expect(carrier.query).toMatchObject({ model: 'aura-2-estrella-es', speed: '1.2' });
    expect(warm.received).toEqual([]);
    // The pool now warms that configuration too (size 1 each): the next such session starts on it.
    await pollUntil(
      async () => ((await metrics())('tts_gateway_upstream_pool_connections{state="ready"}') === 2 ? true : undefined),
      isDefined,
      10_000,
      'both configurations warm',
    );
    const opened = emulator.connections.length;
    const second = await connect();
    second.send(faster);
    expect([firstSeq, await speakAndWait(second, 'Otra vez rápido.')]).toEqual([0, 0]);
    const secondCarrier = carrierOf(emulator, 'Otra vez rápido.');
    expect(secondCarrier.query).toMatchObject({ speed: '1.2' });
    expect(emulator.connections.indexOf(secondCarrier)).toBeLessThan(opened); // already open when it came
  });
});
