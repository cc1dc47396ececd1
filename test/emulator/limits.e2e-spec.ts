import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { connectSpeak, refusedUpgrade } from './speak-client';

/** Deepgram's limits as the emulator enforces them: its defaults, and the windows tests may shrink. */
describe('Deepgram emulator limits', () => {
  const started: RunningEmulator[] = [];
  const emulatorWith = async (options: Parameters<typeof startTestEmulator>[0] = {}): Promise<RunningEmulator> => {
    const emulator = await startTestEmulator(options);
    started.push(emulator);
    return emulator;
  };
  afterAll(() => Promise.all(started.map((e) => e.close())));

  it('maxConnections: an upgrade over the open connections gets 429 TOO_MANY_REQUESTS, taken again once one ends', async () => {
    const emulator = await emulatorWith({ maxConnections: 1 });
    const first = await connectSpeak(emulator.url);
    const { res, body } = await refusedUpgrade(emulator.url, { Authorization: 'Token any-key' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['dg-error']).toBe('Too many requests. Please try again later.');
    expect(body).toMatchObject({ err_code: 'TOO_MANY_REQUESTS', request_id: res.headers['dg-request-id'] });
    first.ws.close();
    await first.closed;
    const next = await connectSpeak(emulator.url);
    next.send({ type: 'Speak', text: 'sitio' });
    next.send({ type: 'Flush' });
    await next.next('Flushed');
    next.ws.close();
  });

  it('takes 2,400 characters per 60 s by default; the Speak that goes over closes 1008 DATA-0001', async () => {
    const emulator = await emulatorWith();
    const client = await connectSpeak(emulator.url, { query: { sample_rate: '8000' } });
    for (const size of [1000, 1000, 400]) client.send({ type: 'Speak', text: 'a'.repeat(size) });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes('a'.repeat(2400), 'linear16', 8000));
    client.send({ type: 'Speak', text: 'b' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'DATA-0001' });
  });

  it('counts characters in code points, per connection', async () => {
    const emulator = await emulatorWith({ charsPerWindow: 4 });
    const first = await connectSpeak(emulator.url);
    first.send({ type: 'Speak', text: '😀😀😀😀' }); // 4 code points, 8 UTF-16 units
    first.send({ type: 'Flush' });
    await first.next('Flushed');
    const second = await connectSpeak(emulator.url);
    second.send({ type: 'Speak', text: 'abcd' });
    second.send({ type: 'Flush' });
    await second.next('Flushed');
    first.send({ type: 'Speak', text: 'x' });
    expect(await first.closed).toEqual({ code: 1008, reason: 'DATA-0001' });
    second.ws.close();
  });

  it('frees characters as they leave a shrunk window', async () => {
    const emulator = await emulatorWith({ charsPerWindow: 10, charWindowMs: 300 });
    const client = await connectSpeak(emulator.url, { query: { sample_rate: '8000' } });
    client.send({ type: 'Speak', text: 'abcdefghij' });
    await sleep(350);
    client.send({ type: 'Speak', text: 'klmnopqrst' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes('a'.repeat(20), 'linear16', 8000));
    client.send({ type: 'Speak', text: 'u' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'DATA-0001' });
  });

  it('answers Flushes over a shrunk flush limit with a Warning, and takes Flushes again after the window', async () => {
    const emulator = await emulatorWith({ flushLimit: 2, flushWindowMs: 300 });
    const client = await connectSpeak(emulator.url);
    for (let i = 0; i < 3; i++) {
      client.send({ type: 'Speak', text: 'hi' });
      client.send({ type: 'Flush' });
    }
    const warning = await client.next('Warning');
    expect(warning).toMatchObject({ code: 'EXCESSIVE_FLUSH', warn_code: 'EXCESSIVE_FLUSH' });
    await client.next('Flushed', 1);
    await sleep(350);
    client.send({ type: 'Flush' }); // the ignored Flush's text is still buffered: this one speaks it
    expect(await client.next('Flushed', 2)).toEqual({ type: 'Flushed', sequence_id: 2 });
    expect(client.audioBytes()).toBe(expectedAudioBytes('hihihi', 'linear16', 24000));
    client.ws.close();
  });

  it('takes shrunk windows from the upgrade URL too (a spawned emulator behind DEEPGRAM_URL)', async () => {
    const emulator = await emulatorWith();
    const query = { fault_chars_per_window: '5', fault_flush_limit: '1', fault_flush_window_ms: '60000' };
    const client = await connectSpeak(emulator.url, { query });
    client.send({ type: 'Speak', text: 'abc' });
    client.send({ type: 'Flush' });
    client.send({ type: 'Flush' });
    expect(await client.next('Warning')).toMatchObject({ code: 'EXCESSIVE_FLUSH' });
    client.send({ type: 'Speak', text: 'def' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'DATA-0001' });
  });

  it('closes 1011 NET-0003 at the lifetime limit', async () => {
    const emulator = await emulatorWith({ maxConnectionMs: 200 });
    const client = await connectSpeak(emulator.url);
    expect(await client.closed).toEqual({ code: 1011, reason: 'NET-0003' });
  });

  it.each([
    ['0.7', 0.7],
    ['1.5', 1.5],
  ])('speaks at speed=%s: the audio lasts 1/speed as long', async (query, speed) => {
    const emulator = await emulatorWith();
    const client = await connectSpeak(emulator.url, { query: { model: 'aura-2-estrella-es', speed: query } });
    const text = 'Hola, ¿qué tal?';
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes(text, 'linear16', 24000, speed));
    client.ws.close();
  });

  it('delays the upgrade answer by handshakeDelayMs, refused upgrades too', async () => {
    const emulator = await emulatorWith({ handshakeDelayMs: 300, apiKey: 'right' });
    let at = performance.now();
    const client = await connectSpeak(emulator.url, { key: 'right' });
    expect(performance.now() - at).toBeGreaterThanOrEqual(290);
    client.ws.close();
    at = performance.now();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(emulator.url, { headers: { Authorization: 'Token wrong' } });
      ws.on('error', () => undefined);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(401);
    expect(performance.now() - at).toBeGreaterThanOrEqual(290);
  });
});
