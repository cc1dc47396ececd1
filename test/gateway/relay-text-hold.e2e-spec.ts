import { RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, useRelayStack } from '../support/gateway';
import { TEXT_FORMAT, answer, audioOf, connectRaw, metric, receivedAudio, speaksOf } from '../support/relay-text';

describe('gateway relay: held text when Deepgram closes an idle connection before the text window frees', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  // Deepgram's 2,400 characters over a 20 s window (21 s with the gateway's margin), and its idle close
  // (60 s in production, as long as the window) shorter than that: 2 s. The window is long enough that
  // it never frees first, however slowly the emulator streams on a busy machine.
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { charWindowMs: 20_000, idleTimeoutMs: 2000 },
    gateway: { UPSTREAM_TEXT_WINDOW_MS: '20000' },
  });

  it('speaks the text that fit at once, then the held rest: all audio exact, one Flushed after it, nothing sent twice', async () => {
    const before = emulator.connections.length;
    const [client, first] = await connectRaw(gateway, emulator, 'relay-text-hold');
    const text = answer(0, 3000).join('');
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 20_000);

    expect(receivedAudio(client).equals(audioOf(text))).toBe(true);
    const flushedAt = client.received.findIndex((r) => r.kind === 'text' && r.message.type === 'Flushed');
    expect(client.received.slice(flushedAt).every((r) => r.kind === 'text')).toBe(true);
    expect(client.texts.filter((m) => m.type === 'Flushed')).toHaveLength(1);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);

    // The first connection spoke the text that fit its window (a Flush of the gateway's own), before
    // Deepgram's idle close: its audio did not wait for the window, and only the rest was held.
    const fitted = speaksOf(first).join('');
    expect(fitted.length).toBeLessThanOrEqual(2400);
    expect(first.received).toContain(JSON.stringify({ type: 'Flush' }));
    expect(first.audioBytesSent).toBe(expectedAudioBytes(fitted, TEXT_FORMAT.encoding, TEXT_FORMAT.sample_rate));
    const held = client.texts.find((m) => m.type === 'Warning' && m.code === 'text_held');
    expect(held).toMatchObject({ held_characters: text.length - fitted.length });
    // Deepgram got every character exactly once, across the reopen; only what went on the second connection waited.
    const session = emulator.connections.slice(before);
    const heldPieces = session.slice(1).flatMap(speaksOf).length;
    expect(await metric(gateway, 'tts_gateway_text_held_seconds_count')).toBe(heldPieces);
    expect(session.flatMap(speaksOf).join('')).toBe(text);
    expect(session.length).toBeLessThanOrEqual(2);
    client.close();
  }, 30_000);
});
