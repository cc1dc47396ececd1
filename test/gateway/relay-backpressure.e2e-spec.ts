import { RelayGateway } from '../../apps/gateway/src/relay/relay.gateway';
import { EmulatedConnection, RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-backpressure';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// ~12 MB of audio for a client that never reads: without backpressure the gateway would hold most of it.
const LONG_TEXT = 'Un cliente lento no debe llenar la memoria del gateway. '.repeat(110);
const FORMAT = { encoding: 'linear16', sample_rate: 16000, container: 'none' } as const;
const HIGH_WATER = 262_144;
// LONG_TEXT is over Deepgram's 2,400 characters a window: a 2 s window on both sides keeps the pacing short.
const TEXT_WINDOW = { emulator: { charWindowMs: 2000 }, gateway: { UPSTREAM_TEXT_WINDOW_MS: '2000' } };
const SLOW_CLIENT_ENV = {
  ...TEXT_WINDOW.gateway,
  CLIENT_BUFFER_HIGH_BYTES: String(HIGH_WATER),
  CLIENT_BUFFER_LOW_BYTES: '65536',
};

/** Waits until the emulator has stopped sending on this connection for a while. */
async function stalled(connection: EmulatedConnection): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    if (connection.audioBytesSent === last && last > 0) return;
    last = connection.audioBytesSent;
    await sleep(250);
  }
  throw new Error('upstream never stalled');
}

async function stallOne(gateway: TestGateway, emulator: RunningEmulator): Promise<[TestClient, EmulatedConnection]> {
  const before = emulator.connections.length;
  const client = await connectClient(gateway, PREFIX);
  client.send(FORMAT);
  await client.waitFor('status');
  client.pauseReading();
  client.send({ type: 'Speak', text: LONG_TEXT });
  client.send({ type: 'Flush' });
  return [client, emulator.connections[before]];
}

/** What the gateway holds in memory for its clients (ws send buffers). */
function gatewayBuffered(gateway: TestGateway): number {
  const server = gateway.app.get(RelayGateway).server!;
  return [...server.clients].reduce((n, c) => n + c.bufferedAmount, 0);
}

describe('gateway relay: a slow client', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: TEXT_WINDOW.emulator,
    gateway: SLOW_CLIENT_ENV,
  });

  it('pauses the upstream of a slow reader, serves others meanwhile, and delivers everything after', async () => {
    const total = expectedAudioBytes(LONG_TEXT, FORMAT.encoding, FORMAT.sample_rate);
    const [slow, upstream] = await stallOne(gateway, emulator);
    await stalled(upstream);
    expect(gatewayBuffered(gateway)).toBeLessThan(2 * HIGH_WATER);

    const other = await connectClient(gateway, PREFIX);
    other.send({ type: 'Speak', text: 'Yo sigo a buen ritmo.' });
    other.send({ type: 'Flush' });
    await other.waitFor('Flushed');
    other.close();

    slow.resumeReading();
    await slow.waitFor('Flushed', 25_000);
    expect(slow.audio.reduce((n, f) => n + f.length, 0)).toBe(total);
    expect(slow.texts.filter((m) => m.type === 'error')).toEqual([]);
    slow.close();
  });
});

describe('gateway relay: a client that stays behind', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: TEXT_WINDOW.emulator,
    gateway: { ...SLOW_CLIENT_ENV, CLIENT_SLOW_TIMEOUT_MS: '300' },
  });

  it('disconnects a client that stays behind past CLIENT_SLOW_TIMEOUT_MS with 1008', async () => {
    const [slow, upstream] = await stallOne(gateway, emulator);
    expect(await upstream.ended).toMatchObject({ by: 'client' });
    slow.resumeReading();
    expect(await slow.waitForClose(20_000)).toEqual({ code: 1008, reason: 'client too slow' });
  });
});
