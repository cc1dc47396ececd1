import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { connectSpeak, refusedUpgrade } from './speak-client';

const KEY = 'emulator-protocol-key';

const rms = (pcm: Buffer): number => {
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(sum / (pcm.length / 2));
};

describe('Deepgram emulator /v1/speak protocol', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ apiKey: KEY });
  });
  afterAll(() => emulator.close());

  it('accepts the Authorization: Token header and sends Metadata first', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { model: 'aura-2-estrella-es' } });
    const metadata = await client.next('Metadata');
    expect(client.order[0]).toBe('Metadata');
    expect(metadata).toEqual({
      type: 'Metadata',
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      model_name: 'aura-2-estrella-es',
      model_version: expect.any(String),
      model_uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    client.ws.close();
  });

  it('accepts the token subprotocol and echoes `token`', async () => {
    const client = await connectSpeak(emulator.url, { protocols: ['token', KEY] });
    expect(client.ws.protocol).toBe('token');
    await client.next('Metadata');
    client.ws.close();
  });

  it('refuses a bad or missing key with HTTP 401, dg-* headers and a JSON body', async () => {
    for (const headers of [{ Authorization: 'Token wrong' }, {}] as Array<Record<string, string>>) {
      const { res, body } = await refusedUpgrade(emulator.url, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['dg-error']).toBeTruthy();
      expect(res.headers['dg-request-id']).toBe(body.request_id);
      expect(body).toMatchObject({ err_code: expect.any(String), err_msg: expect.any(String) });
      expect(JSON.stringify(body)).not.toContain('wrong');
    }
  });

  it.each([
    ['model=aura-2-nobody-en', 'unknown model'],
    ['encoding=opus', 'streaming-unsupported encoding'],
    ['encoding=mulaw&sample_rate=24000', 'rate not offered for the encoding'],
    ['sample_rate=44101', 'unknown rate'],
  ])('refuses %s (%s) with HTTP 400 and dg-error', async (query) => {
    const { res } = await refusedUpgrade(`${emulator.url}?${query}`, { Authorization: `Token ${KEY}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['dg-error']).toBeTruthy();
  });

  it('ignores unknown query parameters and defaults to aura-2-thalia-en, linear16 at 24000 Hz', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { container: 'none', whatever: '1' } });
    expect(await client.next('Metadata')).toMatchObject({ model_name: 'aura-2-thalia-en' });
    client.send({ type: 'Speak', text: 'Hello there.' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes('Hello there.', 'linear16', 24000));
    client.ws.close();
  });

  it.each([
    ['linear16', 8000],
    ['linear16', 16000],
    ['linear16', 32000],
    ['linear16', 48000],
    ['mulaw', 8000],
    ['mulaw', 16000],
    ['alaw', 8000],
    ['alaw', 16000],
  ] as const)('streams exactly expectedAudioBytes of raw %s at %d Hz, then Flushed', async (encoding, rate) => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { encoding, sample_rate: String(rate) } });
    const parts = ['Hola, ', 'qué tal ', 'estás hoy?'];
    for (const text of parts) client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    expect(await client.next('Flushed')).toEqual({ type: 'Flushed', sequence_id: 0 });
    expect(client.audioBytes()).toBe(expectedAudioBytes(parts.join(''), encoding, rate));
    expect(client.order.lastIndexOf('audio')).toBeLessThan(client.order.indexOf('Flushed'));
    expect(client.audio[0].subarray(0, 4).toString('ascii')).not.toBe('RIFF');
    client.ws.close();
  });

  it('produces audible, deterministic audio', async () => {
    const speakOnce = async (): Promise<Buffer> => {
      const client = await connectSpeak(emulator.url, { key: KEY, query: { sample_rate: '16000' } });
      client.send({ type: 'Speak', text: 'The quick brown fox.' });
      client.send({ type: 'Flush' });
      await client.next('Flushed');
      client.ws.close();
      return Buffer.concat(client.audio);
    };
    const first = await speakOnce();
    expect(rms(first)).toBeGreaterThan(500);
    expect((await speakOnce()).equals(first)).toBe(true);
  });

  it('numbers Flushed and Cleared from 0 each, and Clear stops audio and drops queued text', async () => {
    const emulatorPaced = await startTestEmulator({ apiKey: KEY, speed: 1 });
    try {
      const client = await connectSpeak(emulatorPaced.url, { key: KEY, query: { sample_rate: '8000' } });
      client.send({ type: 'Speak', text: 'ab' });
      client.send({ type: 'Flush' });
      expect(await client.next('Flushed', 0)).toMatchObject({ sequence_id: 0 });
      const beforeLong = client.audioBytes();
      client.send({ type: 'Speak', text: 'This sentence takes several seconds to speak in real time.' });
      client.send({ type: 'Flush' });
      client.send({ type: 'Speak', text: 'queued but never flushed' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.send({ type: 'Clear' });
      expect(await client.next('Cleared', 0)).toEqual({ type: 'Cleared', sequence_id: 0 });
      const atCleared = client.audioBytes();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(client.audioBytes()).toBe(atCleared);
      expect(atCleared - beforeLong).toBeLessThan(expectedAudioBytes('This sentence', 'linear16', 8000));
      client.send({ type: 'Speak', text: 'cd' });
      client.send({ type: 'Flush' });
      expect(await client.next('Flushed', 1)).toMatchObject({ sequence_id: 1 });
      expect(client.audioBytes() - atCleared).toBe(expectedAudioBytes('cd', 'linear16', 8000));
      client.send({ type: 'Clear' });
      expect(await client.next('Cleared', 1)).toMatchObject({ sequence_id: 1 });
      client.ws.close();
    } finally {
      await emulatorPaced.close();
    }
  });

  it('warns with description, code, warn_code and warn_msg on the 21st Flush within 60 s', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY });
    for (let i = 0; i < 21; i++) {
      client.send({ type: 'Speak', text: 'a' });
      client.send({ type: 'Flush' });
    }
    expect(await client.next('Warning')).toEqual({
      type: 'Warning',
      description: 'Rate limit exceeded for flushes. Please try again later.',
      code: 'EXCESSIVE_FLUSH',
      warn_code: 'EXCESSIVE_FLUSH',
      warn_msg: 'Rate limit exceeded for flushes. Please try again later.',
    });
    await client.next('Flushed', 19);
    expect(client.messages.filter((m) => m.type === 'Flushed')).toHaveLength(20);
    client.ws.close();
  });

  it("with fault_warn_fields_only, warns with warn_code and warn_msg alone, as Deepgram's service does", async () => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { fault_flush_limit: '1' } });
    emulator.injectFault({ warnFieldsOnly: true });
    const faulty = await connectSpeak(emulator.url, { key: KEY, query: { fault_flush_limit: '1' } });
    for (const c of [client, faulty]) {
      c.send({ type: 'Speak', text: 'a' });
      c.send({ type: 'Flush' });
      c.send({ type: 'Flush' });
    }
    expect(Object.keys(await client.next('Warning')).sort()).toEqual([
      'code',
      'description',
      'type',
      'warn_code',
      'warn_msg',
    ]);
    expect(await faulty.next('Warning')).toEqual({
      type: 'Warning',
      warn_code: 'EXCESSIVE_FLUSH',
      warn_msg: 'Rate limit exceeded for flushes. Please try again later.',
    });
    client.ws.close();
    faulty.ws.close();
  });

  it.each([
    ['an unknown type', { type: 'Reset' }, 1008, 'DATA-0000'],
    ['bad JSON', '{"type": "Speak",', 1008, 'DATA-0000'],
    ['a Speak without text', { type: 'Speak' }, 1008, 'DATA-0000'],
    ['a Speak over 1000 characters on Aura-2', { type: 'Speak', text: 'a'.repeat(1001) }, 1009, 'BIG-0001'],
  ])('closes on %s with %s %s', async (_what, message, code, reason) => {
    const client = await connectSpeak(emulator.url, { key: KEY });
    client.send(message);
    expect(await client.closed).toEqual({ code, reason });
  });

  it('closes on a Speak over 2000 characters on Aura-1 with 1009 BIG-0001', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { model: 'aura-asteria-en' } });
    client.send({ type: 'Speak', text: 'a'.repeat(2001) });
    expect(await client.closed).toEqual({ code: 1009, reason: 'BIG-0001' });
  });

  it('closes on a binary frame with 1003 MESSAGE-0000', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY });
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await client.closed).toEqual({ code: 1003, reason: 'MESSAGE-0000' });
  });

  it.each([
    ['aura-2-thalia-en', 1000],
    ['aura-asteria-en', 2000],
  ])('accepts a Speak of exactly the limit on %s (%d characters)', async (model, limit) => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { model, sample_rate: '8000' } });
    const text = 'ab '.repeat(Math.floor(limit / 3)).padEnd(limit, 'x');
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    expect(client.audioBytes()).toBe(expectedAudioBytes(text, 'linear16', 8000));
    client.ws.close();
  });

  it('answers Close with close 1000', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY });
    client.send({ type: 'Close' });
    expect((await client.closed).code).toBe(1000);
  });

  it('records headers, query, received messages and audio bytes per connection', async () => {
    const client = await connectSpeak(emulator.url, { key: KEY, query: { sample_rate: '16000', tag: 't1' } });
    client.send({ type: 'Speak', text: 'hi' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    client.ws.close();
    const record = emulator.connections.find((c) => c.query.tag === 't1')!;
    await record.ended;
    expect(record.headers.authorization).toBe(`Token ${KEY}`);
    expect(record.query).toMatchObject({ sample_rate: '16000' });
    expect(record.received).toEqual(['{"type":"Speak","text":"hi"}', '{"type":"Flush"}']);
    expect(record.audioBytesSent).toBe(expectedAudioBytes('hi', 'linear16', 16000));
    expect(record.end).toMatchObject({ by: 'client', code: 1005 });
  });
});
