import { AddressInfo, Server, Socket, createServer } from 'net';
import WebSocket from 'ws';
import { expectedAudioBytes, RunningEmulator } from '../support/emulator';
import { TestGateway, cleanupFunding, connectClient, startGateway, useRelayStack } from '../support/gateway';
import { metric } from '../support/relay-text';
import { TestClient } from '../support/ws-client';

const PREFIX = 'relay-errors';

const rateLimited = (client: TestClient) => client.texts.filter((m) => m.type === 'error' && m.code === 'rate_limited');
/** Messages the gateway said it dropped, summed over its collapsed rate_limited frames. */
const droppedCount = (client: TestClient) => rateLimited(client).reduce((n, m) => n + Number(m.dropped), 0);

async function expectFatal(client: TestClient, code: string, closeCode: number): Promise<void> {
  expect(await client.waitFor('error')).toMatchObject({ type: 'error', code });
  expect((await client.waitForClose()).code).toBe(closeCode);
}

describe('gateway relay: client errors', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  useRelayStack((stack) => ({ emulator, gateway } = stack), { gateway: { CLIENT_MAX_FRAME_BYTES: '4096' } });

  it('answers malformed messages with non-fatal errors and keeps the session working', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ sample_rate: 16000 });
    client.sendRaw('{not json');
    client.send({ type: 'Dance' });
    client.send({ type: 'Speak' });
    client.send({ type: 'Speak', text: '' });
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    client.send({ model: 'aura-2-celeste-es' });
    client.send({ type: 'Speak', text: 'Sigo aquí.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    const errors = client.texts.filter((m) => m.type === 'error').map((m) => m.code);
    expect(errors).toEqual([
      'invalid_json',
      'invalid_message',
      'invalid_message',
      'invalid_message',
      'invalid_message',
      'config_not_first',
    ]);
    expect(client.texts.find((m) => m.type === 'error' && String(m.message).startsWith('unknown'))).toMatchObject({
      message:
        'unknown message type "Dance"; valid types: Speak, Flush, Clear, Close (a Config has no "type", or "Configure")',
    });
    expect(client.texts.find((m) => m.type === 'status')).toMatchObject({ model: 'aura-2-estrella-es' });
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Sigo aquí.', 'linear16', 16000));
    client.close();
  });

  it('answers a text frame of invalid UTF-8 with invalid_json and keeps speaking', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.sendRaw(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])); // {"\xc3(\xff"}
    client.send({ type: 'Speak', text: 'Todavía hablo.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    const error = client.texts.find((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/UTF-8/) });
    const audio = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(audio).toBe(expectedAudioBytes('Todavía hablo.', 'linear16', 16000));
    client.close();
  });

  it.each([
    [{ model: 'aura-2-nobody-es' }, 'model'],
    [{ encoding: 'mulaw', sample_rate: 24000 }, 'sample_rate'],
    [{ model: 'aura-2-thalia-en', language: 'es' }, 'language'],
  ])('refuses the config %j with invalid_request 4400', async (config, field) => {
    const client = await connectClient(gateway, PREFIX);
    client.send(config);
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'invalid_request' });
    expect(error.message).toContain(field);
    expect((await client.waitForClose()).code).toBe(4400);
  });

  it('refuses a bad query with invalid_request 4400', async () => {
    const client = await TestClient.connect(gateway.streamUrl({ company_id: 'c 1', user_id: 'u', session_id: 's' }));
    await expectFatal(client, 'invalid_request', 4400);
    const missing = await TestClient.connect(gateway.streamUrl({ company_id: 'c1', user_id: 'u' }));
    await expectFatal(missing, 'invalid_request', 4400);
  });

  it('ends a session whose frame is over the size limit with message_too_large and 1009', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'x'.repeat(5000) });
    await expectFatal(client, 'message_too_large', 1009);
  });

  it('maps an upstream that drops mid-stream to upstream_error 1011', async () => {
    emulator.injectFault({ dropAfterBytes: 3000 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Una frase bastante larga para que se corte a la mitad del audio.' });
    client.send({ type: 'Flush' });
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'upstream_error' });
    expect((await client.waitForClose()).code).toBe(1011);
    expect(client.audio.length).toBeGreaterThan(0);
  });

  it('carries Deepgram’s reason when it closes with an error code', async () => {
    emulator.injectFault({ closeAfterBytes: 100, closeCode: 1011, closeReason: 'NET-0000' });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Otra frase que se cortará.' });
    client.send({ type: 'Flush' });
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'upstream_error' });
    expect(error.message).toContain('NET-0000');
    expect((await client.waitForClose()).code).toBe(1011);
  });

  it.each([
    [1008, 'DATA-0001', 'data'],
    [1009, 'BIG-0001', 'too_large'],
  ])(
    'a close %s %s mid-answer: upstream_error with its code and reason, metric label %s',
    async (closeCode, closeReason, label) => {
      const before = await metric(gateway, `tts_gateway_upstream_errors_total{reason="${label}"}`);
      emulator.injectFault({ closeAfterBytes: 100, closeCode, closeReason });
      const client = await connectClient(gateway, PREFIX);
      client.send({ type: 'Speak', text: 'Deepgram rechaza lo que le mandamos.' });
      client.send({ type: 'Flush' });
      const error = await client.waitFor('error');
      expect(error).toMatchObject({
        code: 'upstream_error',
        message: `Deepgram closed the connection (${closeCode} ${closeReason})`,
      });
      expect((await client.waitForClose()).code).toBe(1011);
      expect(await metric(gateway, `tts_gateway_upstream_errors_total{reason="${label}"}`)).toBe(before + 1);
    },
  );
});

describe('gateway relay: upstream refusal', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack), {
    emulator: { apiKey: 'the-right-key' },
    gateway: { DEEPGRAM_API_KEY: 'a-wrong-key' },
  });

  it('answers a 401 from Deepgram with upstream_error 1011 carrying its reason, never the key', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Hola.' });
    const error = await client.waitFor('error');
    expect(error.code).toBe('upstream_error');
    expect(error.message).toContain('401');
    expect(error.message).toContain('Invalid credentials.');
    expect(JSON.stringify(client.texts)).not.toContain('a-wrong-key');
    expect((await client.waitForClose()).code).toBe(1011);
  });
});

describe('gateway relay: per-connection limits', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack), {
    gateway: {
      CLIENT_MESSAGES_PER_SECOND: '5',
      CLIENT_MESSAGE_BURST: '5',
      MAX_QUEUED_TEXT_CHARS: '2000',
      IDLE_TIMEOUT_MS: '1000',
    },
  });

  it('drops messages over the rate with rate_limited and keeps going', async () => {
    const client = await connectClient(gateway, PREFIX);
    for (let i = 0; i < 8; i++) client.send({ type: 'Speak', text: `Frase ${i}.` });
    await client.waitFor((m) => m.type === 'error' && m.code === 'rate_limited', 5000);
    await new Promise((r) => setTimeout(r, 450));
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    // Collapsed: at most one rate_limited frame a second, each counting what it dropped.
    await client.until(() => droppedCount(client) === 3 || undefined, 5000, '3 dropped messages');
    expect(rateLimited(client).length).toBeLessThanOrEqual(2);
    expect(client.readyStateOpen()).toBe(true);
    client.close();
  });

  it('collapses a flood of dropped messages into at most one rate_limited frame a second, counting them all', async () => {
    const client = await connectClient(gateway, PREFIX);
    const startedAt = Date.now();
    for (let i = 0; i < 300; i++) client.send({ type: 'Flush' });
    // Then it goes on talking within the rate (those Flushes are answered at once: nothing was said), so
    // the 1 s idle limit of this stack does not end the session while the notices are collapsed.
    const talking = setInterval(() => client.send({ type: 'Speak', text: 'sigo.' }), 300);
    await client
      .until(() => droppedCount(client) === 295 || undefined, 10_000, '295 dropped messages')
      .finally(() => clearInterval(talking));
    const seconds = Math.ceil((Date.now() - startedAt) / 1000);
    expect(rateLimited(client).length).toBeLessThanOrEqual(seconds + 1);
    for (const frame of rateLimited(client)) expect(frame.dropped).toBeGreaterThan(0);
    expect(client.readyStateOpen()).toBe(true);
    client.close();
  });

  it('never drops a Clear or Close over the rate: Cleared and closed still arrive', async () => {
    const client = await connectClient(gateway, PREFIX);
    for (let i = 0; i < 8; i++) client.send({ type: 'Speak', text: `Frase ${i}.` });
    client.send({ type: 'Clear' });
    client.send({ type: 'Close' });
    await client.waitFor('Cleared');
    expect(await client.waitFor((m) => m.type === 'status' && m.message === 'closed')).toMatchObject({
      usage: { audio_bytes: 0 },
    });
    expect((await client.waitForClose()).code).toBe(1000);
    expect(droppedCount(client)).toBe(3); // 8 Speaks against a burst of 5: only Speaks were dropped
  });

  it('says how many of the dropped messages were Clears: every Clear gets a Cleared or is counted as dropped', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'Una frase.' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    for (let i = 0; i < 5; i++) client.send({ type: 'Speak', text: `Frase ${i}.` }); // the message burst
    for (let i = 0; i < 14; i++) client.send({ type: 'Clear' }); // over the Clears' own allowance (10)
    for (let i = 0; i < 3; i++) client.send({ type: 'Speak', text: 'otra' });
    const droppedClears = () => rateLimited(client).reduce((n, m) => n + Number(m.dropped_clears), 0);
    const cleared = () => client.texts.filter((m) => m.type === 'Cleared').length;
    await client.until(() => cleared() + droppedClears() === 14 || undefined, 5000, 'every Clear accounted for');
    expect(droppedClears()).toBeGreaterThan(0);
    // The Speaks dropped are counted in `dropped` only, never as Clears.
    expect(droppedCount(client) - droppedClears()).toBeGreaterThan(0);
    client.close();
  });

  it('refuses text over the queued-text bound with rate_limited', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'a '.repeat(700) });
    client.send({ type: 'Speak', text: 'b '.repeat(400) });
    const error = await client.waitFor('error');
    expect(error).toMatchObject({ code: 'rate_limited' });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    const bytes = client.audio.reduce((n, f) => n + f.length - 44, 0);
    expect(bytes).toBe(expectedAudioBytes('a '.repeat(700), 'linear16', 16000));
    client.close();
  });

  it('counts held text against the same bound: a Speak beyond it is dropped with rate_limited, the rest kept', async () => {
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'a '.repeat(750) });
    client.send({ type: 'Flush' });
    await client.waitFor('Flushed');
    client.send({ type: 'Speak', text: 'b '.repeat(750) }); // over 2,400 a minute: held, 1,500 characters
    await client.waitFor((m) => m.type === 'Warning' && m.code === 'text_held');
    client.send({ type: 'Speak', text: 'c '.repeat(300) }); // 1,500 held + 600 > 2,000
    await client.until(() => droppedCount(client) === 1 || undefined, 5000, 'one dropped Speak');
    expect(rateLimited(client)[0].message).toContain('Speak dropped');
    expect(client.texts.find((m) => m.type === 'Warning')).toMatchObject({ held_characters: 1500 });
    client.close();
  });

  it('ends a silent session with idle_timeout 4408', async () => {
    const client = await connectClient(gateway, PREFIX);
    const started = Date.now();
    await expectFatal(client, 'idle_timeout', 4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(client.ws.readyState).toBe(WebSocket.CLOSED);
  });
});

describe('gateway relay: unreachable upstream', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts TCP and never answers the upgrade.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
    await cleanupFunding();
  });

  it.each([
    [
      'a handshake that never completes',
      () => `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/speak`,
      'timeout',
    ],
    ['a refused TCP connection', () => 'ws://127.0.0.1:9/v1/speak', 'could not connect to Deepgram: ECONNREFUSED'],
  ])('answers %s with upstream_error 1011', async (_name, url, words) => {
    const gateway = await startGateway({ DEEPGRAM_URL: url(), UPSTREAM_CONNECT_TIMEOUT_MS: '300' });
    try {
      const client = await connectClient(gateway, PREFIX);
      client.send({ type: 'Speak', text: 'Hola.' });
      const error = await client.waitFor('error');
      expect(error).toMatchObject({ code: 'upstream_error' });
      expect(error.message).toContain(words);
      expect(error.message).not.toMatch(/127\.0\.0\.1|:9\b|:\d{4,5}\b/); // no host or port of ours
      expect((await client.waitForClose()).code).toBe(1011);
    } finally {
      await gateway.close();
    }
  });
});
