import { synthesize, voicePitchHz } from '../../apps/deepgram-emulator/src/synth/speech-synthesizer';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';

const PREFIX = 'relay-load';
const SESSIONS = 200;

describe('gateway relay: concurrent sessions', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack));

  it(`gives each of ${SESSIONS} simultaneous sessions exactly its own audio`, async () => {
    const texts = Array.from({ length: SESSIONS }, (_, i) => `Cliente ${i} dice ${'hola '.repeat(1 + (i % 5))}`);
    const clients = await Promise.all(texts.map(() => connectClient(gateway, PREFIX)));
    clients.forEach((client, i) => {
      client.send({ container: 'none' });
      client.send({ type: 'Speak', text: texts[i] });
      client.send({ type: 'Close' });
    });
    const closed = await Promise.all(
      clients.map((client) => client.waitFor((m) => m.type === 'status' && m.message === 'closed', 20_000)),
    );
    const pitch = voicePitchHz('aura-2-estrella-es');
    clients.forEach((client, i) => {
      const expected = synthesize(texts[i], 'linear16', 16000, pitch);
      const received = Buffer.concat(client.audio);
      expect(received.length).toBe(expected.length);
      expect(received.equals(expected)).toBe(true);
      expect(closed[i].usage).toMatchObject({ audio_bytes: expected.length });
    });
    const codes = await Promise.all(clients.map((client) => client.waitForClose()));
    expect(codes.every((c) => c.code === 1000)).toBe(true);
  });
});
