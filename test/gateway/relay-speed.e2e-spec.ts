import WebSocket from 'ws';
import { TtsClient } from '@tts/client';
import { RunningEmulator, expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, fundCompany, useRelayStack } from '../support/gateway';

const PREFIX = 'relay-speed';

describe('gateway relay: Config speed', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  useRelayStack((stack) => ({ emulator, gateway } = stack));

  it.each([
    ['aura-2-thalia-en', 1.25],
    ['aura-2-estrella-es', 0.9],
    ['aura-2-thalia-en', 0.7],
    ['aura-2-thalia-en', 1.5],
  ])('accepts speed on %s (%s): sent upstream, audio at that rate', async (model, speed) => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    client.send({ model, speed, encoding: 'mulaw', sample_rate: 8000, container: 'none' });
    const text = 'Hello, hola.';
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    expect(emulator.connections[before].query).toMatchObject({ model, speed: String(speed) });
    const bytes = client.audio.reduce((n, f) => n + f.length, 0);
    expect(bytes).toBe(expectedAudioBytes(text, 'mulaw', 8000, speed));
    client.close();
  });

  it('the SDK sets speed through its config', async () => {
    const before = emulator.connections.length;
    const companyId = `${PREFIX}-sdk-${process.pid}`;
    await fundCompany(companyId);
    const sut = new TtsClient({
      url: `ws://127.0.0.1:${gateway.port}`,
      companyId,
      userId: 'sdk-user',
      sessionId: 'sdk-session',
      config: { model: 'aura-2-thalia-en', speed: 1.3 },
      WebSocket,
      reconnect: false,
    });
    await sut.connect();
    expect(emulator.connections[before].query).toMatchObject({ speed: '1.3' });
    sut.close();
  });

  it('sends no speed upstream when the Config has none', async () => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    client.send({ model: 'aura-2-thalia-en' });
    await client.waitFor('status');
    expect(emulator.connections[before].query.speed).toBeUndefined();
    client.close();
  });

  it.each([
    ['above the range', { model: 'aura-2-thalia-en', speed: 1.6 }, 'speed must be'],
    ['below the range', { model: 'aura-2-estrella-es', speed: 0.5 }, 'speed must be'],
    ['not a number', { model: 'aura-2-thalia-en', speed: '1.2' }, 'speed must be'],
    ['on a German Aura-2 voice', { model: 'aura-2-julius-de', language: 'de', speed: 1 }, 'speed is only supported'],
    ['on an Aura-1 voice', { model: 'aura-asteria-en', speed: 1.1 }, 'speed is only supported'],
  ])('refuses speed %s with invalid_request 4400, before any upstream', async (_name, config, words) => {
    const before = emulator.connections.length;
    const client = await connectClient(gateway, PREFIX);
    client.send(config);
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'invalid_request' });
    expect(error.message).toContain(words);
    expect((await client.waitForClose()).code).toBe(4400);
    expect(emulator.connections).toHaveLength(before);
  });
});
