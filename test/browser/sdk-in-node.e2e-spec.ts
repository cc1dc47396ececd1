import { AddressInfo, Server, Socket, createServer, connect } from 'net';
import WebSocket from 'ws';
import {
  DEFAULT_SESSION_CONFIG,
  DEFAULT_VOICE_BY_LANGUAGE,
  TtsClient,
  TtsClientOptions,
  TtsCloseEvent,
} from '@tts/client';
import { WAV_HEADER_BYTES } from '@tts/audio';
import { expectedAudioBytes } from '../support/emulator';
import { fundCompany } from '../support/gateway';
import { BrowserStack, startBrowserStack } from './support/browser-stack';

/** A TCP hop between client and gateway whose connections a test can cut, like a network drop. */
async function cuttableLink(targetPort: number) {
  const pairs = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      pairs.add(socket);
      socket.on('close', () => pairs.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => pairs.forEach((socket) => socket.destroy()),
    close: () => new Promise<void>((resolve) => (pairs.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const NODE_SESSION: Pick<TtsClientOptions, 'config'> = {
  config: { encoding: 'linear16', sample_rate: 16000, container: 'none' },
};

describe('SDK in Node (ws) against the real gateway', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack('sdk-node');
  });
  afterAll(() => stack?.close());
  // A failed case must not leave its session open: the gateway's close would wait for it.
  let afterCase: (() => void) | undefined;
  afterEach(() => {
    afterCase?.();
    afterCase = undefined;
  });

  const client = (url: string, companyId: string, { config }: Pick<TtsClientOptions, 'config'> = NODE_SESSION) =>
    new TtsClient({
      url,
      companyId,
      userId: 'node-user',
      sessionId: 'node-session',
      language: 'en',
      config,
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });

  async function speakAndCollect(sut: TtsClient, text: string): Promise<number> {
    let bytes = 0;
    const off = sut.on('audio', ({ data }) => (bytes += data.byteLength));
    const flushed = new Promise((resolve) => sut.once('flushed', resolve));
    sut.speak(text);
    sut.flush();
    await flushed;
    off();
    return bytes;
  }

  it('streams an utterance and closes gracefully with the usage, without reconnecting', async () => {
    const sut = client(stack.origin, await stack.company('happy'));
    const statuses: unknown[] = [];
    sut.on('status', (status) => statuses.push(status));
    await sut.connect();
    const expected = expectedAudioBytes('Node says hello.', 'linear16', 16000);
    expect(await speakAndCollect(sut, 'Node says hello.')).toBe(expected);
    const closed = await sut.close();

    expect(closed).toMatchObject({ code: 1000, willReconnect: false });
    expect(statuses.at(-1)).toMatchObject({ type: 'status', message: 'closed', usage: { audio_bytes: expected } });
    expect(sut.state).toBe('closed');
  });

  it('connects without a config (the defaults: WAV framed 16 kHz linear16, the language default voice) and speaks', async () => {
    const sut = client(stack.origin, await stack.company('defaults'), {});
    afterCase = () => sut.disconnect();
    const status = await sut.connect();
    expect(status).toMatchObject({
      model: DEFAULT_VOICE_BY_LANGUAGE.en,
      encoding: DEFAULT_SESSION_CONFIG.encoding,
      sample_rate: DEFAULT_SESSION_CONFIG.sample_rate,
      container: DEFAULT_SESSION_CONFIG.container,
    });
    const frames: Buffer[] = [];
    sut.on('audio', ({ data }) => frames.push(Buffer.from(data)));
    sut.speak('No config at all.');
    sut.flush();
    await new Promise((resolve) => sut.once('flushed', resolve));

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((frame) => frame.subarray(0, 4).toString('latin1') === 'RIFF')).toBe(true);
    const samples = frames.reduce((sum, frame) => sum + frame.length - WAV_HEADER_BYTES, 0);
    expect(samples).toBe(expectedAudioBytes('No config at all.', 'linear16', DEFAULT_SESSION_CONFIG.sample_rate));
    expect(await sut.close()).toMatchObject({ code: 1000, willReconnect: false });
  });

  it('reconnects after a network drop and speaks again', async () => {
    const link = await cuttableLink(stack.gateway.port);
    try {
      const sut = client(link.url, await stack.company('drop'));
      await sut.connect();
      const drop = new Promise<TtsCloseEvent>((resolve) => sut.once('close', resolve));
      link.cut();
      expect(await drop).toMatchObject({ willReconnect: true });
      await new Promise<void>((resolve) => sut.on('state', (state) => state === 'open' && resolve()));
      expect(await speakAndCollect(sut, 'Back again.')).toBe(expectedAudioBytes('Back again.', 'linear16', 16000));
      sut.disconnect();
    } finally {
      await link.close();
    }
  });

  it('close() while still connecting delivers the text queued before it: audio, the usage, then 1000', async () => {
    const text = 'Hola, esto se dice aunque cierre mientras conecto.';
    const sut = client(stack.origin, await stack.company('close-connecting'));
    afterCase = () => sut.disconnect();
    let bytes = 0;
    const statuses: unknown[] = [];
    const errors: string[] = [];
    sut.on('audio', ({ data }) => (bytes += data.byteLength));
    sut.on('status', (status) => statuses.push(status));
    sut.on('error', (e) => errors.push(e.code));
    const connected = sut.connect();
    sut.speak(text);
    sut.flush();
    expect(sut.state).toBe('connecting');
    const closed = await sut.close();
    await connected;

    const expected = expectedAudioBytes(text, 'linear16', 16000);
    expect(closed).toMatchObject({ code: 1000, willReconnect: false });
    expect(bytes).toBe(expected);
    expect(statuses.at(-1)).toMatchObject({ type: 'status', message: 'closed', usage: { audio_bytes: expected } });
    expect(errors).toEqual([]);
    expect(sut.state).toBe('closed');
  });

  it('joins 500 speak() calls of one task into few Speak messages: no rate_limited, audio for every character', async () => {
    const sut = client(stack.origin, await stack.company('coalesce'));
    afterCase = () => sut.disconnect();
    const errors: string[] = [];
    await sut.connect();
    let bytes = 0;
    sut.on('audio', ({ data }) => (bytes += data.byteLength));
    // Whichever comes first: the utterance's end, or a notice that messages were dropped (the Flush may be one).
    const outcome = new Promise((resolve) => {
      sut.once('flushed', resolve);
      sut.on('error', (e) => (errors.push(e.code), resolve(e)));
    });
    // An LLM's tokens, one speak() each: 500 messages would be far over the gateway's 50/s, burst 100.
    for (let i = 0; i < 500; i++) sut.speak('w ');
    sut.flush();
    await outcome;
    await new Promise((resolve) => setTimeout(resolve, 100)); // a rate_limited notice would follow at once

    expect(errors).toEqual([]);
    expect(bytes).toBe(expectedAudioBytes('w '.repeat(500), 'linear16', 16000));
    expect(await sut.close()).toMatchObject({ code: 1000, willReconnect: false });
  });

  it('disconnect() ends at once, so connect() right after opens a new session', async () => {
    const sut = client(stack.origin, await stack.company('reconnect-now'));
    afterCase = () => sut.disconnect();
    await sut.connect();
    sut.disconnect();
    expect(sut.state).toBe('closed');
    await sut.connect();
    expect(await speakAndCollect(sut, 'Again.')).toBe(expectedAudioBytes('Again.', 'linear16', 16000));
    expect(await sut.close()).toMatchObject({ code: 1000, willReconnect: false });
  });

  it('does not reconnect when the company has no credits (4402)', async () => {
    // A balance of 0 (an unknown company with no billing to ask would be a retryable upstream_error).
    const companyId = `sdk-node-unfunded-${process.pid}`;
    await fundCompany(companyId, 0);
    const sut = client(stack.origin, companyId);
    afterCase = () => sut.disconnect();
    const errors: string[] = [];
    const states: string[] = [];
    sut.on('error', (e) => errors.push(e.code));
    sut.on('state', (state) => states.push(state));
    await expect(sut.connect()).rejects.toMatchObject({ code: 4402, willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toEqual(['insufficient_credits']);
    expect(states).toEqual(['connecting', 'closed']);
  });
});
