import { DEFAULT_SESSION_CONFIG } from '@tts/protocol';
import { UpstreamConnection } from '../../apps/gateway/src/upstream/upstream-connection';
import { PoolConfig, UpstreamPool } from '../../apps/gateway/src/upstream/upstream-pool';
import { UpstreamPoolSettings } from '../../apps/gateway/src/upstream/upstream-pool-settings';
import { isDefined, pollUntil } from '../support/poll';
import { EmulatorOptions, RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { testLogger } from '../support/logger';
import { SessionSide } from '../support/upstream-session-side';

/** Speaks TEXT on `connection` and waits for its Flushed (or the end of the connection). */
async function speakAndFlush(connection: UpstreamConnection, session: SessionSide): Promise<void> {
  connection.send({ type: 'Speak', text: TEXT });
  connection.send({ type: 'Flush' });
  await pollUntil(
    () => session.end ?? (session.types().includes('Flushed') || undefined),
    isDefined,
    10_000,
    'Flushed',
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ENGLISH_MULAW: PoolConfig = { model: 'aura-2-thalia-en', encoding: 'mulaw', sample_rate: 8000 };
const TEXT = 'Hola desde una conexión ya abierta.';

describe('upstream pool against the emulator', () => {
  let emulator: RunningEmulator | undefined;
  let pool: UpstreamPool | undefined;

  async function startPool(
    settings: { size?: number; maxSize?: number; configs?: number; maxIdleMs?: number },
    emulatorOptions: EmulatorOptions = {},
    beforeStart?: (emulator: RunningEmulator) => void,
  ): Promise<{ emulator: RunningEmulator; pool: UpstreamPool }> {
    emulator = await startTestEmulator(emulatorOptions);
    beforeStart?.(emulator);
    const { size = 1, maxSize = size, configs = 2, maxIdleMs = 60_000 } = settings;
    pool = new UpstreamPool(
      new UpstreamPoolSettings({ size, maxSize, configs, maxIdleMs, connectTimeoutMs: 5000 }),
      { url: emulator.url, apiKey: 'pool-test-key' },
      testLogger(),
    );
    pool.start();
    return { emulator, pool };
  }

  const ready = (sut: UpstreamPool, n: number) =>
    pollUntil(() => (sut.stats().ready === n ? true : undefined), isDefined, 10_000, `${n} ready`);

  afterEach(async () => {
    pool?.stop();
    await emulator?.close();
    pool = emulator = undefined;
  });

  it('hands out a warm connection that behaves like a fresh one, with nothing sent on it before', async () => {
    const { emulator, pool: sut } = await startPool({ size: 1 });
    await ready(sut, 1);
    expect(emulator.connections[0].query).toMatchObject({ model: 'aura-2-estrella-es', sample_rate: '16000' });
    const session = new SessionSide();

    const connection = sut.take(DEFAULT_SESSION_CONFIG, session)!;
    // Reads as connecting until the session hears of the open, asynchronously, as for a fresh connection.
    expect([connection.isOpen, session.opens]).toEqual([false, 0]);
    await Promise.resolve();
    expect([connection.isOpen, session.opens]).toEqual([true, 1]);
    await speakAndFlush(connection, session);

    expect(session.opens).toBe(1);
    expect(session.types()).toEqual(['Metadata', 'Flushed']);
    expect(session.texts[1]).toMatchObject({ sequence_id: 0 });
    expect(session.audioBytes).toBe(expectedAudioBytes(TEXT, 'linear16', 16000));
    expect(emulator.connections[0].received.map((m) => JSON.parse(m) as unknown)).toEqual([
      { type: 'Speak', text: TEXT },
      { type: 'Flush' },
    ]);
    // Refilled with a new connection; the one handed out never comes back.
    await ready(sut, 1);
    expect(emulator.connections).toHaveLength(2);
    expect(sut.stats()).toMatchObject({ hits: 1, misses: 0 });
    connection.retire();
  });

  it.each([
    ['an idle close (NET-0001)', /^NET-0001$/, {}, { idleMs: 1500 }],
    ['the lifetime limit', /^NET-000[23]$/, { maxConnectionMs: 1500 }, undefined],
  ] as const)('replaces a pooled connection Deepgram ends: %s', async (_name, reason, options, firstFault) => {
    const { emulator, pool: sut } = await startPool({ size: 1 }, options, (emu) => {
      if (firstFault) emu.injectFault(firstFault);
    });
    await ready(sut, 1);
    const end = await emulator.connections[0].ended;
    expect(end).toMatchObject({ code: 1011, reason: expect.stringMatching(reason), by: 'server' });

    await pollUntil(() => (emulator.connections.length === 2 ? true : undefined), isDefined, 10_000, 'replacement');
    await ready(sut, 1);
    expect(sut.stats().discarded.closed).toBeGreaterThanOrEqual(1);
    const session = new SessionSide();
    const connection = sut.take(DEFAULT_SESSION_CONFIG, session)!;
    await speakAndFlush(connection, session);
    expect(session.audioBytes).toBe(expectedAudioBytes(TEXT, 'linear16', 16000));
    connection.retire();
  });

  it('does not hand out a pooled connection whose close from Deepgram is on its way, and replaces it', async () => {
    // Idle-closed while pooled; its connection stays open 3 s after the close frame.
    const { emulator, pool: sut } = await startPool({ size: 1 }, {}, (emu) =>
      emu.injectFault({ idleMs: 300, closeLingerMs: 3000 }),
    );
    await ready(sut, 1);
    expect(await emulator.connections[0].ended).toMatchObject({ reason: 'NET-0001', by: 'server' });
    await sleep(50); // the close frame is at the gateway: the pool still lists the connection as ready
    expect(sut.stats().ready).toBe(1);

    const session = new SessionSide();
    expect(sut.take(DEFAULT_SESSION_CONFIG, session)).toBeUndefined();
    expect(sut.stats()).toMatchObject({ hits: 0, misses: 1 });
    await ready(sut, 1);
    // Replaced at once, not when the closing connection ends (that one is not counted yet).
    expect(sut.stats().discarded.closed).toBe(0);
    const connection = sut.take(DEFAULT_SESSION_CONFIG, session)!;
    await Promise.resolve();
    expect(connection.isOpen).toBe(true);
    await speakAndFlush(connection, session);
    expect(session.audioBytes).toBe(expectedAudioBytes(TEXT, 'linear16', 16000));
    connection.retire();
  });

  it('retires a connection that waited its maximum time, with a Close and nothing else, and replaces it', async () => {
    const { emulator, pool: sut } = await startPool({ size: 1, maxIdleMs: 300 });
    await ready(sut, 1);
    const end = await emulator.connections[0].ended;

    expect(end?.code).toBe(1000);
    expect(emulator.connections[0].received).toEqual([JSON.stringify({ type: 'Close' })]);
    await pollUntil(() => (emulator.connections.length >= 2 ? true : undefined), isDefined, 10_000, 'replacement');
    expect(sut.stats().discarded.retired).toBeGreaterThanOrEqual(1);
    expect(sut.stats().discarded.closed).toBe(0);
  });

  it('gives nothing for another configuration, then keeps that one warm too, least recently used evicted', async () => {
    const { emulator, pool: sut } = await startPool({ size: 1, configs: 2 });
    await ready(sut, 1);

    expect(sut.take(ENGLISH_MULAW, new SessionSide())).toBeUndefined();
    expect(sut.stats().misses).toBe(1);
    await ready(sut, 2);
    expect(emulator.connections[1].query).toMatchObject({ model: 'aura-2-thalia-en', encoding: 'mulaw' });
    const english = sut.take(ENGLISH_MULAW, new SessionSide());
    expect(english).toBeDefined();
    english!.retire();

    // A different speed is a different configuration: the default one, least recently used, is evicted.
    const faster: PoolConfig = { ...DEFAULT_SESSION_CONFIG, speed: 1.2 };
    expect(sut.take(faster, new SessionSide())).toBeUndefined();
    const evicted = await emulator.connections[0].ended;
    expect(evicted?.code).toBe(1000);
    expect(sut.stats().discarded.evicted).toBe(1);
    await ready(sut, 2); // english refilled, faster warmed: never more than size x configs
    expect(sut.stats().connecting).toBe(0);
  });

  it('is exhausted after `size` sessions until it refills: the next one gets nothing', async () => {
    const { pool: sut } = await startPool({ size: 1 });
    await ready(sut, 1);
    const first = sut.take(DEFAULT_SESSION_CONFIG, new SessionSide());

    expect(first).toBeDefined();
    expect(sut.take(DEFAULT_SESSION_CONFIG, new SessionSide())).toBeUndefined();
    expect(sut.stats()).toMatchObject({ hits: 1, misses: 1, ready: 0, connecting: 1 });
    first!.retire();
  });

  it('grows to its maximum while sessions arrive faster than it can replace connections, then shrinks back to its size', async () => {
    // 20 sessions at once against a 200 ms handshake need 8 connections: the maximum, 4, caps it.
    const { emulator, pool: sut } = await startPool(
      { size: 1, maxSize: 4, maxIdleMs: 1000 },
      { handshakeDelayMs: 200 },
    );
    await ready(sut, 1);
    const taken = Array.from({ length: 20 }, () => sut.take(DEFAULT_SESSION_CONFIG, new SessionSide()));

    expect(taken.filter(isDefined)).toHaveLength(1);
    expect(sut.stats()).toMatchObject({ target: 4, ready: 0, connecting: 4, hits: 1, misses: 19 });
    await ready(sut, 4);
    expect(emulator.connections).toHaveLength(5);
    // The next sessions find warm connections.
    const next = [
      sut.take(DEFAULT_SESSION_CONFIG, new SessionSide()),
      sut.take(DEFAULT_SESSION_CONFIG, new SessionSide()),
    ];
    expect(next.every(isDefined)).toBe(true);
    [...taken, ...next].forEach((connection) => connection?.retire());

    // No session since: the extras are closed at their idle limit and not replaced.
    await pollUntil(
      () => {
        const { ready: open, connecting } = sut.stats();
        return open === 1 && connecting === 0 ? true : undefined;
      },
      isDefined,
      10_000,
      'back to 1',
    );
    expect(sut.stats().target).toBe(1);
    expect(sut.stats().discarded.retired).toBeGreaterThanOrEqual(3);
    const grown = await Promise.all(emulator.connections.slice(1, 5).map((c) => c.ended));
    expect(grown.map((end) => end?.code)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('stays at its size under the same burst when no maximum is set', async () => {
    const { pool: sut } = await startPool({ size: 1 }, { handshakeDelayMs: 200 });
    await ready(sut, 1);
    const taken = Array.from({ length: 20 }, () => sut.take(DEFAULT_SESSION_CONFIG, new SessionSide()));

    expect(sut.stats()).toMatchObject({ target: 1, ready: 0, connecting: 1, hits: 1, misses: 19 });
    taken.forEach((connection) => connection?.retire());
  });

  it("backs off once per round when Deepgram's concurrency limit refuses a grown pool's opens, not once per connection", async () => {
    // The project allows 1 connection: the warm one. A burst takes it (a session holds it) and the pool,
    // growing to 5, has all 5 opens refused with 429 together; a second round, 1 s later, fails alone.
    const { emulator, pool: sut } = await startPool(
      { size: 1, maxSize: 5 },
      { maxConnections: 1, handshakeDelayMs: 300 },
    );
    await ready(sut, 1);
    const taken = Array.from({ length: 10 }, () => sut.take(DEFAULT_SESSION_CONFIG, new SessionSide()));
    const held = taken.find(isDefined)!;
    await pollUntil(() => (sut.stats().discarded.failed >= 6 ? true : undefined), isDefined, 10_000, 'two rounds');
    expect(emulator.connections.filter((c) => c.refused?.status === 429)).toHaveLength(6);

    // Room again: the third round comes 2 s after the second (4 and 8 s for the next ones), not after the
    // 30 s a count of one failure per refused connection would have reached.
    held.retire();
    await ready(sut, 1);
    expect(sut.stats().discarded.failed).toBeLessThanOrEqual(7);
  });

  it('waits before retrying a refused upgrade, then warms up once the upstream accepts', async () => {
    const { emulator, pool: sut } = await startPool({ size: 1 }, {}, (emu) => emu.injectFault({ refuseStatus: 503 }));
    await ready(sut, 1);

    expect(emulator.connections.map((c) => c.refused?.status)).toEqual([503, undefined]);
    expect(sut.stats().discarded.failed).toBe(1);
  });

  it('opens nothing with size 0', async () => {
    const { pool: sut } = await startPool({ size: 0 });

    expect(sut.take(DEFAULT_SESSION_CONFIG, new SessionSide())).toBeUndefined();
    expect(sut.stats()).toMatchObject({ ready: 0, connecting: 0, hits: 0, misses: 0 });
  });
});
