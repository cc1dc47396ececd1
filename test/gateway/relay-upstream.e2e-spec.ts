import { parseWav } from '@tts/audio';
import { EmulatedConnection, RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-upstream';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sample bytes of the WAV frames received from index `from` on. */
function sampleBytes(client: TestClient, from = 0): number {
  return client.received.slice(from).reduce((n, r) => n + (r.kind === 'binary' ? parseWav(r.data).data.length : 0), 0);
}

function connectionsOf(emulator: RunningEmulator, before: number): EmulatedConnection[] {
  return emulator.connections.slice(before);
}

describe('gateway relay: upstream behaviour', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  // Deepgram's 2,400 characters per window, over a 3 s window on both sides so long texts take seconds.
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { charWindowMs: 3000 },
    gateway: { UPSTREAM_TEXT_WINDOW_MS: '3000' },
  });

  it('keeps every WAV frame whole when Deepgram sends odd-sized chunks, and the total exact', async () => {
    emulator.injectFault({ oddChunks: true });
    const client = await connectClient(gateway, PREFIX);
    const text = 'Trozos impares que parten las muestras por la mitad.';
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    const upstream = emulator.connections[emulator.connections.length - 1];
    expect(upstream.fault.oddChunks).toBe(true);
    for (const frame of client.audio) expect(parseWav(frame).data.length % 2).toBe(0);
    expect(sampleBytes(client)).toBe(expectedAudioBytes(text, 'linear16', 16000));
    client.close();
  });

  it('splits a Speak longer than the Aura-2 limit (1,000 characters) at sentence boundaries and speaks all of it', async () => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    const text = 'Esta es una oración de prueba para partir un texto muy largo. '.repeat(70);
    expect(text.length).toBeGreaterThan(4000);
    client.send({ encoding: 'mulaw', sample_rate: 8000 });
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 20_000);
    expect(sampleBytes(client)).toBe(expectedAudioBytes(text, 'mulaw', 8000));
    const [upstream] = connectionsOf(emulator, before);
    const speaks = upstream.received.map((m) => JSON.parse(m)).filter((m) => m.type === 'Speak');
    expect(speaks.length).toBeGreaterThanOrEqual(5);
    expect(await Promise.race([upstream.ended, sleep(10).then(() => 'open')])).toBe('open');
    for (const m of speaks) {
      expect(m.text.length).toBeLessThanOrEqual(1000);
      expect(m.text.endsWith('. ')).toBe(true);
    }
    client.close();
  });

  it('never sends Deepgram more than 20 Flushes a minute: the 21st is deferred with a notice', async () => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    for (let i = 0; i < 21; i++) {
      client.send({ type: 'Speak', text: `Frase número ${i}.` });
      client.send({ type: 'Flush' });
    }
    await client.waitFor('Flushed', 10_000, 20);
    const notice = await client.waitFor('error');
    expect(notice).toMatchObject({ code: 'rate_limited' });
    expect(notice.message).toMatch(/deferred/);
    await sleep(100);
    const [upstream] = connectionsOf(emulator, before);
    expect(upstream.received.filter((m) => m.includes('"Flush"'))).toHaveLength(20);
    expect(client.texts.filter((m) => m.type === 'Warning')).toHaveLength(0);
    client.close();
    // A client that just disconnects takes its upstream with it.
    expect(await upstream.ended).toMatchObject({ by: 'client' });
  });

  it.each([
    ['description/code and warn_msg/warn_code', false],
    ['only warn_msg/warn_code, as Deepgram sends it', true],
  ])(
    'retries a Flush Deepgram refuses with a flush-limit Warning (%s): the audio, Flushed and Close still come',
    async (_fields, warnFieldsOnly) => {
      emulator.injectFault({ rejectFlushes: 1, warnFieldsOnly });
      const client = await connectClient(gateway, PREFIX);
      const text = 'Deepgram contó distinto.';
      client.send({ type: 'Speak', text });
      client.send({ type: 'Flush' });
      client.send({ type: 'Close' });
      const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed', 10_000);
      // The client always gets our protocol's fields, whichever pair Deepgram sent.
      expect(client.texts.find((m) => m.type === 'Warning')).toMatchObject({
        code: 'EXCESSIVE_FLUSH',
        description: 'Rate limit exceeded for flushes. Please try again later.',
      });
      expect(client.texts.filter((m) => m.type === 'Flushed')).toEqual([{ type: 'Flushed', sequence_id: 0 }]);
      expect(sampleBytes(client)).toBe(expectedAudioBytes(text, 'linear16', 16000));
      expect(closed.usage).toMatchObject({ audio_bytes: sampleBytes(client) });
      expect((await client.waitForClose()).code).toBe(1000);
    },
  );

  it('forgets a Flush Deepgram refused just before a Clear: no Flushed after the Cleared, the next utterance whole', async () => {
    emulator.injectFault({ rejectFlushes: 1 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'linear16' });
    await client.waitFor('status'); // the upstream is open: what follows goes up in the order sent
    client.send({ type: 'Speak', text: 'Esto se cancela.' });
    client.send({ type: 'Flush' }); // refused by Deepgram as it reads it
    client.send({ type: 'Clear' });
    await client.waitFor('Cleared');
    const next = 'Lo que sí se oye.';
    const audioFrom = client.received.length;
    client.send({ type: 'Speak', text: next });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });
    await client.waitFor((m) => m.type === 'status' && m.message === 'closed', 10_000);
    const answers = client.texts.filter((m) => ['Warning', 'Cleared', 'Flushed'].includes(m.type as string));
    expect(answers.map((m) => m.type)).toEqual(['Warning', 'Cleared', 'Flushed']);
    // One Flushed, the new utterance's; a retried Flush would have brought a second, out of turn.
    expect(client.texts.filter((m) => m.type === 'Flushed')).toEqual([{ type: 'Flushed', sequence_id: 0 }]);
    expect(sampleBytes(client, audioFrom)).toBe(expectedAudioBytes(next, 'linear16', 16000));
  });

  it('answers a Flush with no text since the last one without Deepgram: one upstream Flush, every Flushed in order', async () => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Flush' }); // nothing said yet: answered after the connected status
    expect(await client.waitFor('Flushed')).toEqual({ type: 'Flushed', sequence_id: 0 });
    expect(client.texts[0]).toMatchObject({ type: 'status', message: 'Deepgram TTS connected' });
    const text = 'Una frase, tres Flush.';
    client.send({ type: 'Speak', text });
    for (let i = 0; i < 3; i++) client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 10_000, 4);
    const flushed = client.received.flatMap((r, i) => (r.kind === 'text' && r.message.type === 'Flushed' ? [i] : []));
    const lastAudio = client.received.map((r) => r.kind).lastIndexOf('binary');
    expect(flushed.slice(1).every((i) => i > lastAudio)).toBe(true); // all three after the audio
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0, 1, 2, 3]);
    expect(sampleBytes(client)).toBe(expectedAudioBytes(text, 'linear16', 16000));
    // A Flush behind an owed Clear still goes up, so its Flushed follows the Cleared.
    client.send({ type: 'Clear' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 10_000, 5);
    const order = client.texts.filter((m) => m.type === 'Cleared' || m.type === 'Flushed').slice(-2);
    expect(order.map((m) => m.type)).toEqual(['Cleared', 'Flushed']);
    const [upstream] = connectionsOf(emulator, before);
    // The utterance's (the three merged ones rode on it) and the one behind the Clear; the first, sent
    // before the upstream opened, was answered by the gateway in its turn.
    expect(upstream.received.filter((m) => m.includes('"Flush"'))).toHaveLength(2);
    client.close();
  });

  it('after Flush, Clear, Speak, Flush, Close sent at once: the new utterance is delivered whole', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Corta.' });
    client.send({ type: 'Flush' });
    client.send({ type: 'Clear' });
    const next = 'La respuesta nueva, entera.';
    client.send({ type: 'Speak', text: next });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    const clearedAt = client.received.findIndex((r) => r.kind === 'text' && r.message.type === 'Cleared');
    expect(clearedAt).toBeGreaterThan(0);
    expect(sampleBytes(client, clearedAt + 1)).toBe(expectedAudioBytes(next, 'linear16', 16000));
    expect(closed.usage).toMatchObject({ audio_bytes: sampleBytes(client) });
    expect((await client.waitForClose()).code).toBe(1000);
  });
});

describe('gateway relay: barge-in', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack), { emulator: { speed: 8, chunkMs: 20 } });

  it('sends no audio of the cleared text after Cleared, and the next utterance exactly', async () => {
    const client = await connectClient(gateway, PREFIX);
    const long = 'Una respuesta larga que el usuario interrumpe a mitad de camino. '.repeat(8);
    client.send({ type: 'Speak', text: long });
    client.send({ type: 'Flush' });
    await client.until(() => (client.audio.length >= 3 ? true : undefined), 5000);
    client.send({ type: 'Clear' });
    await client.waitFor('Cleared');
    const clearedAt = client.received.findIndex((r) => r.kind === 'text' && r.message.type === 'Cleared');
    expect(sampleBytes(client, 0)).toBeLessThan(expectedAudioBytes(long, 'linear16', 16000));
    await sleep(300);
    expect(client.received.slice(clearedAt + 1).filter((r) => r.kind === 'binary')).toHaveLength(0);

    const next = 'Vale, te escucho.';
    client.send({ type: 'Speak', text: next });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect(sampleBytes(client, clearedAt + 1)).toBe(expectedAudioBytes(next, 'linear16', 16000));
    client.close();
  });
});

describe.each([
  ['idle close (NET-0001)', { idleTimeoutMs: 300 }, 'NET-0001'],
  ['connection lifetime (NET-0003)', { maxConnectionMs: 400 }, 'NET-0003'],
])('gateway relay: reopening an upstream expired by its %s', (_name, options, reason) => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  // A stack of its own: the test counts this emulator's connections from the first.
  useRelayStack((stack) => ({ emulator, gateway } = stack), { emulator: options });

  it('reopens transparently, replaying unflushed text', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    client.send({ type: 'Speak', text: 'Primera.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    client.send({ type: 'Speak', text: 'Esta frase espera al Flush.' });
    const first = emulator.connections[0];
    expect((await first.ended)?.reason).toBe(reason);
    await sleep(50);

    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 5000, 2);
    const total = client.audio.reduce((n, f) => n + f.length, 0);
    const expected =
      expectedAudioBytes('Primera.', 'mulaw', 8000) + expectedAudioBytes('Esta frase espera al Flush.', 'mulaw', 8000);
    expect(total).toBe(expected);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    // One session, one numbering: the second connection's replies do not restart at 0.
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0, 1]);
    expect(client.texts.filter((m) => m.type === 'Metadata')).toHaveLength(1);
    expect(emulator.connections).toHaveLength(2);
    expect(emulator.connections[1].query).toMatchObject({
      model: 'aura-2-estrella-es',
      encoding: 'mulaw',
      sample_rate: '8000',
    });
    client.send({ type: 'Close' });
    expect((await client.waitForClose()).code).toBe(1000);
  });
});

describe("gateway relay: messages sent while Deepgram's close is on its way", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  const LINGER_MS = 1500;

  useRelayStack((stack) => ({ emulator, gateway } = stack), {});

  it.each([
    ['a Speak and a Flush: held until the old connection ends, then sent on a new one', false],
    ['a Clear, a Speak and a Flush: the closing connection is dropped at once for a new one', true],
  ])('delivers %s', async (_name, barge) => {
    // The first upstream goes idle and closes; its connection stays open a while after the close frame.
    emulator.injectFault({ idleMs: 300, closeLingerMs: LINGER_MS });
    const first = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    client.send({ type: 'Speak', text: 'Primera.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect((await emulator.connections[first].ended)?.reason).toBe('NET-0001');
    await sleep(50); // the close frame is at the gateway; the connection closes LINGER_MS after it

    if (barge) client.send({ type: 'Clear' });
    client.send({ type: 'Speak', text: 'Dicha durante el cierre.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', LINGER_MS + 5000, 2);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(client.texts.filter((m) => m.type === 'Cleared')).toHaveLength(barge ? 1 : 0);
    const total = client.audio.reduce((n, f) => n + f.length, 0);
    expect(total).toBe(
      expectedAudioBytes('Primera.', 'mulaw', 8000) + expectedAudioBytes('Dicha durante el cierre.', 'mulaw', 8000),
    );
    // Nothing after the close frame was written to the closing connection; the new one got it all.
    const types = (n: number) =>
      emulator.connections[first + n].received.map((m) => (JSON.parse(m) as { type: string }).type);
    expect(emulator.connections).toHaveLength(first + 2);
    expect(types(0)).toEqual(['Speak', 'Flush']);
    expect(types(1)).toEqual(barge ? ['Clear', 'Speak', 'Flush'] : ['Speak', 'Flush']);
    client.send({ type: 'Close' });
    expect((await client.waitForClose()).code).toBe(1000);
  });
});

describe("gateway relay: a Flush that Deepgram's close crossed", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), {});

  it('is replayed with its text on a new upstream when nothing came back for it: the client hears it once', async () => {
    // The first upstream closes (idle) on reading the Flush, dropping it: it crossed the close frame.
    emulator.injectFault({ closeOnFlush: true, closeCode: 1011, closeReason: 'NET-0001' });
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    client.send({ type: 'Speak', text: 'Primera frase.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 5000);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(client.audio.reduce((n, f) => n + f.length, 0)).toBe(expectedAudioBytes('Primera frase.', 'mulaw', 8000));
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0]);
    expect(emulator.connections).toHaveLength(2);
    expect(emulator.connections[1].received).toEqual([
      JSON.stringify({ type: 'Speak', text: 'Primera frase.' }),
      JSON.stringify({ type: 'Flush' }),
    ]);
    client.send({ type: 'Close' });
    expect((await client.waitForClose()).code).toBe(1000);
  });

  it('still ends the session when audio of it had come (replaying would repeat what the client heard)', async () => {
    emulator.injectFault({ closeAfterBytes: 100, closeCode: 1011, closeReason: 'NET-0001' });
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    client.send({ type: 'Speak', text: 'Una frase que se corta a la mitad.' });
    client.send({ type: 'Flush' });
    const error = await client.waitFor((m) => m.type === 'error', 5000);
    expect(error).toMatchObject({ code: 'upstream_error' });
    expect((await client.waitForClose()).code).toBe(1011);
  });
});

describe('gateway relay: replacing an upstream before its lifetime limit', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  // Paced: the second utterance (1.8 s) would outlive the first connection's 2.5 s lifetime.
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { speed: 1, maxConnectionMs: 2500 },
    gateway: { UPSTREAM_MAX_AGE_MS: '1000' },
  });

  it('moves to a fresh upstream at a quiet moment past UPSTREAM_MAX_AGE_MS, so no utterance is cut', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    await client.waitFor('status');
    const openedAt = Date.now();
    client.send({ type: 'Speak', text: 'Hola.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    await sleep(1100 - (Date.now() - openedAt));
    const long = 'Esta frase dura casi dos segs.';
    client.send({ type: 'Speak', text: long });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 5000, 2);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    const total = client.audio.reduce((n, f) => n + f.length, 0);
    expect(total).toBe(expectedAudioBytes('Hola.', 'mulaw', 8000) + expectedAudioBytes(long, 'mulaw', 8000));
    expect(emulator.connections).toHaveLength(2);
    // The old one was retired with a Close of ours, not cut by its lifetime (NET-0002).
    expect(emulator.connections[0].received).toContain('{"type":"Close"}');
    expect(await emulator.connections[0].ended).toMatchObject({ code: 1000 });
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0, 1]);
    client.send({ type: 'Close' });
    expect((await client.waitForClose()).code).toBe(1000);
  });
});
