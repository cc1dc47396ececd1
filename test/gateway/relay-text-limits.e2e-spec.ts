import { EmulatedConnection, RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, useRelayStack } from '../support/gateway';
import {
  TEXT_FORMAT as FORMAT,
  answer,
  audioOf,
  connectRaw,
  metric,
  receivedAudio,
  speaksOf,
} from '../support/relay-text';

const PREFIX = 'relay-text-limits';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves 'open' if the upstream is still up. */
const stillOpen = (upstream: EmulatedConnection) =>
  Promise.race([upstream.ended.then(() => 'ended'), sleep(20).then(() => 'open')]);

const connect = (gateway: TestGateway, emulator: RunningEmulator) => connectRaw(gateway, emulator, PREFIX);

describe("gateway relay: Deepgram's text limits, real windows", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  useRelayStack((stack) => ({ emulator, gateway } = stack));

  it('speaks one Speak of 2,300 characters on an Aura-2 voice whole: pieces of at most 1,000, audio byte-exact', async () => {
    const [client, upstream] = await connect(gateway, emulator);
    const text = answer(0, 2300).join('').slice(0, 2300);
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed', 20_000);
    expect(receivedAudio(client).equals(audioOf(text))).toBe(true);
    const speaks = speaksOf(upstream);
    expect(speaks.join('')).toBe(text);
    for (const piece of speaks) expect(piece.length).toBeLessThanOrEqual(1000);
    expect(client.texts.filter((m) => m.type === 'Warning' || m.type === 'error')).toEqual([]);
    expect(await stillOpen(upstream)).toBe('open');
    client.close();
  });
});

describe("gateway relay: Deepgram's text limits, over the limit (2,400 characters per 5 s window)", () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  // Deepgram's 2,400 characters, over a 5 s window on both sides instead of 60 s, so the test takes seconds.
  useRelayStack((stack) => ({ emulator, gateway } = stack), {
    emulator: { charWindowMs: 5000 },
    gateway: { UPSTREAM_TEXT_WINDOW_MS: '5000' },
  });

  it('speaks 3,600 characters of LLM-like answers completely and in order, each before its Flushed, the upstream never closed', async () => {
    const [client, upstream] = await connect(gateway, emulator);
    const answers = [0, 1, 2, 3].map((n) => answer(n, 900));
    for (const parts of answers) {
      for (const part of parts) {
        client.send({ type: 'Speak', text: part });
        await sleep(20);
      }
      client.send({ type: 'Flush' });
    }
    await client.waitFor('Flushed', 30_000, 4);
    const texts = answers.map((parts) => parts.join(''));
    expect(texts.join('').length).toBeGreaterThanOrEqual(3600);
    // Every answer's audio is complete before its Flushed, byte for byte.
    let expected = Buffer.alloc(0);
    client.received.forEach((r, index) => {
      if (r.kind !== 'text' || r.message.type !== 'Flushed') return;
      expected = Buffer.concat([expected, audioOf(texts[r.message.sequence_id as number])]);
      expect(receivedAudio(client, index).equals(expected)).toBe(true);
    });
    expect(client.texts.filter((m) => m.type === 'Flushed').map((m) => m.sequence_id)).toEqual([0, 1, 2, 3]);
    expect(receivedAudio(client).equals(expected)).toBe(true);
    // Held, not lost: one notice, saying roughly how long.
    const held = client.texts.filter((m) => m.type === 'Warning');
    expect(held).toEqual([
      expect.objectContaining({
        code: 'text_held',
        held_characters: expect.any(Number),
        estimated_delay_ms: expect.any(Number),
      }),
    ]);
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(speaksOf(upstream).join('')).toBe(texts.join(''));
    expect(await stillOpen(upstream)).toBe('open');
    expect(emulator.connections.filter((c) => c.end?.reason === 'DATA-0001')).toEqual([]);
    // Only text beyond the first window waited: the first answer went up (and was flushed) as it came.
    const heldPieces = await metric(gateway, 'tts_gateway_text_held_seconds_count');
    expect(heldPieces).toBeGreaterThan(0);
    expect(heldPieces).toBeLessThanOrEqual(answers.flat().length - answers[0].length);
    const firstAnswerUp = upstream.received.indexOf(JSON.stringify({ type: 'Flush' }));
    expect(speaksOf({ ...upstream, received: upstream.received.slice(0, firstAnswerUp) }).join('')).toBe(texts[0]);
    expect(await metric(gateway, 'tts_gateway_text_held_characters')).toBe(0);
    client.close();
  }, 45_000);

  it('Clear while text is held: none of the held text is ever sent or heard', async () => {
    const [client, upstream] = await connect(gateway, emulator);
    const long = answer(0, 3000).join('');
    client.send({ type: 'Speak', text: long });
    client.send({ type: 'Flush' });
    await client.waitFor((m) => m.type === 'Warning' && m.code === 'text_held');
    const sentBeforeClear = speaksOf(upstream).join('');
    expect(sentBeforeClear.length).toBeLessThanOrEqual(2400);
    expect(await metric(gateway, 'tts_gateway_text_held_characters')).toBe(long.length - sentBeforeClear.length);
    client.send({ type: 'Clear' });
    await client.waitFor('Cleared');
    expect(await metric(gateway, 'tts_gateway_text_held_characters')).toBe(0);
    const clearedAt = client.received.length;
    await sleep(6500); // past the window: held text would have gone by now
    expect(speaksOf(upstream).join('')).toBe(sentBeforeClear);
    const next = 'Vale, te escucho.';
    client.send({ type: 'Speak', text: next });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect(receivedAudio(client).subarray(receivedAudio(client, clearedAt).length).equals(audioOf(next))).toBe(true);
    expect(client.texts.filter((m) => m.type === 'Flushed')).toHaveLength(1);
    client.close();
  }, 20_000);

  it('Close while text is held: everything is spoken, then the usage status and close 1000', async () => {
    const [client, upstream] = await connect(gateway, emulator);
    const long = answer(0, 4000).join('');
    client.send({ type: 'Speak', text: long });
    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed', 30_000);
    expect(client.texts.some((m) => m.type === 'Warning' && m.code === 'text_held')).toBe(true);
    expect(receivedAudio(client).equals(audioOf(long))).toBe(true);
    expect(closed.usage).toMatchObject({ audio_bytes: expectedAudioBytes(long, FORMAT.encoding, FORMAT.sample_rate) });
    expect((await client.waitForClose()).code).toBe(1000);
    expect(await upstream.ended).toMatchObject({ code: 1000 });
    expect(speaksOf(upstream).join('')).toBe(long);
  }, 40_000);
});
