import { parseWav } from '@tts/audio';
import { RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-basic';
const GUIDE_TEXT = 'Hola, ¿cómo estás?';

/** The sample bytes of every WAV frame, checking each one is a complete mono file of whole samples. */
function wavSamples(client: TestClient, sampleRate: number, formatTag: number, bits: number): Buffer {
  return Buffer.concat(
    client.audio.map((frame) => {
      const wav = parseWav(frame);
      expect(wav).toMatchObject({ formatTag, channels: 1, sampleRate, bitsPerSample: bits });
      expect(wav.data.length).toBeGreaterThan(0);
      return wav.data;
    }),
  );
}

describe('gateway relay: the client guide sequence', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack));

  it('streams the guide example as valid 16 kHz PCM16 WAV frames, then Flushed', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({
      model: 'aura-2-estrella-es',
      encoding: 'linear16',
      sample_rate: 16000,
      container: 'wav',
      language: 'es',
    });
    client.send({ type: 'Speak', text: GUIDE_TEXT });
    client.send({ type: 'Flush' });

    const status = await client.waitFor('status');
    expect(status).toEqual({
      type: 'status',
      message: 'Deepgram TTS connected',
      model: 'aura-2-estrella-es',
      encoding: 'linear16',
      sample_rate: 16000,
      container: 'wav',
    });
    await client.waitFor('Flushed');
    expect(wavSamples(client, 16000, 1, 16).length).toBe(expectedAudioBytes(GUIDE_TEXT, 'linear16', 16000));
    expect(client.texts.map((m) => m.type)).toEqual(['status', 'Metadata', 'Flushed']);
    // Flushed only after the last audio frame of its flush.
    expect(client.received[client.received.length - 1]).toMatchObject({ kind: 'text', message: { type: 'Flushed' } });

    const upstream = emulator.connections[emulator.connections.length - 1];
    expect(upstream.query).toMatchObject({ model: 'aura-2-estrella-es', encoding: 'linear16', sample_rate: '16000' });
    expect(upstream.headers.authorization).toBe('Token test-deepgram-key');

    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    const bytes = expectedAudioBytes(GUIDE_TEXT, 'linear16', 16000);
    expect(closed.usage).toEqual({ audio_bytes: bytes, seconds: Math.round((bytes / 32000) * 1e6) / 1e6 });
    expect((await client.waitForClose()).code).toBe(1000);
  });

  it.each([
    ['mulaw', 8000, 'wav', 7, 8],
    ['alaw', 16000, 'wav', 6, 8],
    ['linear16', 24000, 'wav', 1, 16],
  ] as const)('streams %s at %i Hz in %s frames', async (encoding, sampleRate, container, tag, bits) => {
    const client = await connectClient(gateway, PREFIX);
    const text = `Probando ${encoding} a ${sampleRate} hercios.`;
    client.send({ encoding, sample_rate: sampleRate, container });
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect(wavSamples(client, sampleRate, tag, bits).length).toBe(expectedAudioBytes(text, encoding, sampleRate));
    client.close();
  });

  it('streams raw whole samples with container=none', async () => {
    const client = await connectClient(gateway, PREFIX, { language: 'en' });
    const text = 'Raw samples for an AudioWorklet player.';
    client.send({ container: 'none' });
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    expect(await client.waitFor('status')).toMatchObject({ model: 'aura-2-thalia-en', container: 'none' });
    await client.waitFor('Flushed');
    for (const frame of client.audio) {
      expect(frame.subarray(0, 4).toString('ascii')).not.toBe('RIFF');
      expect(frame.length % 2).toBe(0);
    }
    expect(Buffer.concat(client.audio).length).toBe(expectedAudioBytes(text, 'linear16', 16000));
    client.close();
  });

  it('uses the query language defaults when the first message is not a Config', async () => {
    const client = await connectClient(gateway, PREFIX, { language: 'en' });
    client.send({ type: 'Speak', text: 'Hello there.' });
    client.send({ type: 'Flush' });
    expect(await client.waitFor('status')).toMatchObject({ model: 'aura-2-thalia-en', sample_rate: 16000 });
    await client.waitFor('Flushed');
    expect(wavSamples(client, 16000, 1, 16).length).toBe(expectedAudioBytes('Hello there.', 'linear16', 16000));
    client.close();
  });

  it('delivers the rest of the audio on Close, then the usage and 1000', async () => {
    const client = await connectClient(gateway, PREFIX);
    const text = 'Una frase que todavía no se ha enviado con Flush.';
    client.send({ type: 'Speak', text });
    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    const bytes = expectedAudioBytes(text, 'linear16', 16000);
    expect(wavSamples(client, 16000, 1, 16).length).toBe(bytes);
    expect(closed.usage).toMatchObject({ audio_bytes: bytes });
    expect(await client.waitForClose()).toMatchObject({ code: 1000 });
  });

  it('closes cleanly with zero usage when Close is the first message', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    expect(closed.usage).toEqual({ audio_bytes: 0, seconds: 0 });
    expect(client.audio).toHaveLength(0);
    expect((await client.waitForClose()).code).toBe(1000);
  });

  it('answers a Clear with nothing playing with Cleared and carries on', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Clear' });
    await client.waitFor('Cleared');
    client.send({ type: 'Speak', text: 'Después del Clear.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect(wavSamples(client, 16000, 1, 16).length).toBe(expectedAudioBytes('Después del Clear.', 'linear16', 16000));
    client.close();
  });
});
