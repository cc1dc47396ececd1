import { expectedAudioBytes, RunningEmulator } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { pollUntil } from '../support/poll';
import { metric } from '../support/relay-text';

const PREFIX = 'relay-busy';
const REFUSED_METRIC = 'tts_gateway_upstream_errors_total{reason="refused"}';

/** Upgrades the emulator refused with 429, from its `from`-th connection on. */
const refusals = (emulator: RunningEmulator, from = 0) =>
  emulator.connections.slice(from).filter((c) => c.refused?.status === 429).length;

/**
 * Deepgram answers an upgrade with 429 while the project is at its concurrency limit. The gateway opens
 * again after 250, 500 and 1,000 ms before it gives up; the emulator's injected refusals stand in for a
 * full project (no pooled connections here, so each refusal meets the session's own open).
 */
describe('gateway relay: Deepgram at its concurrency limit (HTTP 429)', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack));
  afterEach(() => emulator.clearFaults());

  it('a session refused twice still connects, with no text sent yet, and speaks with no error', async () => {
    const first = emulator.connections.length;
    emulator.injectFault({ refuseStatus: 429, connections: 2 });
    const client = await connectClient(gateway, PREFIX);
    // Its Config opens the upstream; the client waits for `connected` before it says anything, so the
    // retries must not wait for text.
    client.send({ sample_rate: 16000 });
    expect(await client.waitFor('status')).toMatchObject({ message: 'Deepgram TTS connected' });
    client.send({ type: 'Speak', text: 'Ya hay sitio.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');

    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Ya hay sitio.', 'linear16', 16000));
    const attempts = emulator.connections.slice(first);
    expect(attempts.map((c) => c.refused?.status)).toEqual([429, 429, undefined]);
    client.close();
  });

  it('text sent while the retries wait goes up once the project has room, in order', async () => {
    const first = emulator.connections.length;
    emulator.injectFault({ refuseStatus: 429, connections: 3 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Primero esto.' });
    client.send({ type: 'Flush' });
    client.send({ type: 'Speak', text: 'Después esto.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 10_000, 2);

    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0, 1]);
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(
      expectedAudioBytes('Primero esto.', 'linear16', 16000) + expectedAudioBytes('Después esto.', 'linear16', 16000),
    );
    expect(emulator.connections.slice(first).map((c) => c.refused?.status)).toEqual([429, 429, 429, undefined]);
    client.close();
  });

  it('a Clear sent while the retries wait is answered, and only the speech after it is heard', async () => {
    const first = emulator.connections.length;
    emulator.injectFault({ refuseStatus: 429, connections: 2 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Esto no se oirá.' });
    client.send({ type: 'Flush' });
    await pollUntil(
      () => refusals(emulator, first),
      (n) => n > 0,
      5000,
      'a 429',
    );
    client.send({ type: 'Clear' }); // Deepgram has just turned the session away: no link is open
    client.send({ type: 'Speak', text: 'Esto sí.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');

    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(client.texts.filter((m) => m.type === 'Cleared' || m.type === 'Flushed').map((m) => m.type)).toEqual([
      'Cleared',
      'Flushed',
    ]);
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Esto sí.', 'linear16', 16000));
    expect(refusals(emulator, first)).toBe(2);
    client.close();
  });

  it('a 429 on a reopen (after Deepgram idle-closed the first link) is retried too: the held speech is heard', async () => {
    const first = emulator.connections.length;
    emulator.injectFault({ idleMs: 200 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Uno.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    await emulator.connections[first].ended; // idle close NET-0001: the session keeps going without a link
    emulator.injectFault({ refuseStatus: 429 });
    client.send({ type: 'Speak', text: 'Dos.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 10_000, 2);

    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Uno.', 'linear16', 16000) + expectedAudioBytes('Dos.', 'linear16', 16000));
    expect(emulator.connections.slice(first).map((c) => c.refused?.status)).toEqual([undefined, 429, undefined]);
    client.close();
  });

  it('Speak, Flush and Close sent at once, the first open refused: the speech is still heard, then a clean close', async () => {
    emulator.injectFault({ refuseStatus: 429 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Y me despido.' });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });

    expect((await client.waitForClose()).code).toBe(1000);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(client.texts.filter((m) => m.type === 'Flushed')).toHaveLength(1);
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Y me despido.', 'linear16', 16000));
  });

  it('gives up after the third retry: upstream_error 1011 naming the 429, counted as refused', async () => {
    const before = await metric(gateway, REFUSED_METRIC);
    const first = emulator.connections.length;
    emulator.injectFault({ refuseStatus: 429, connections: 10 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'No habrá sitio.' });
    client.send({ type: 'Flush' });

    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'upstream_error', message: expect.stringContaining('HTTP 429') });
    expect((await client.waitForClose()).code).toBe(1011);
    expect(emulator.connections.slice(first).map((c) => c.refused?.status)).toEqual([429, 429, 429, 429]);
    expect(await metric(gateway, REFUSED_METRIC)).toBe(before + 1);
  });

  it('any other refusal still fails at once, without a retry', async () => {
    const first = emulator.connections.length;
    emulator.injectFault({ refuseStatus: 503 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Nada.' });
    client.send({ type: 'Flush' });

    expect(await client.waitFor('error')).toMatchObject({
      code: 'upstream_error',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(emulator.connections.slice(first).map((c) => c.refused?.status)).toEqual([503]);
  });
});

describe('gateway relay: a Deepgram project with room for one stream', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), { emulator: { maxConnections: 1 } });

  it('a second session waits for the first to end, then speaks: no error for either user', async () => {
    const first = await connectClient(gateway, PREFIX);
    first.send({ type: 'Speak', text: 'Yo primero.' });
    first.send({ type: 'Flush' });
    await first.waitFor('Flushed');
    const second = await connectClient(gateway, PREFIX);
    second.send({ type: 'Speak', text: 'Yo después.' });
    second.send({ type: 'Flush' });
    // Deepgram turns the second stream away (429) until the first one has ended.
    expect(
      await pollUntil(
        () => refusals(emulator),
        (n) => n > 0,
        5000,
        'a 429',
      ),
    ).toBe(1);
    first.send({ type: 'Close' });
    await first.waitForClose();
    await second.waitFor('Flushed');

    for (const client of [first, second]) expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    const audio = second.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Yo después.', 'linear16', 16000));
    second.close();
  });
});
